import {
  ActionIcon,
  Badge,
  Button,
  Center,
  Group,
  Kbd,
  Loader,
  SegmentedControl,
  Skeleton,
  Stack,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconMessages, IconSearch, IconSearchOff, IconX } from '@tabler/icons-react';
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorState } from '../../components/ErrorState';
import { formatRelative } from '../../lib/format';
import { useLoadMore } from '../../lib/use-load-more';
import {
  type AssigneeFilter,
  type ChannelDto,
  type ConversationDto,
  type ConversationStatus,
  useConversationList,
} from './api';
import './i18n';
import { previewText } from './model';

export const listStatuses: ConversationStatus[] = ['open', 'pending', 'resolved'];
const assignees: AssigneeFilter[] = ['me', 'unassigned', 'all'];

type Props = {
  workspaceId: string;
  status: ConversationStatus;
  assignee: AssigneeFilter;
  onStatusChange: (status: ConversationStatus) => void;
  onAssigneeChange: (assignee: AssigneeFilter) => void;
  activeId: string | undefined;
  channels: ChannelDto[];
  hasSandbox: boolean;
  /** Re-render tick for relative times. */
  now: number;
};

export function contactName(c: Pick<ConversationDto, 'contact'>): string {
  return c.contact.name || (c.contact.waId ? `+${c.contact.waId}` : '—');
}

export function ConversationList(props: Props) {
  const { t } = useTranslation('inbox');
  const { workspaceId, status, assignee, activeId, channels, hasSandbox, now } = props;
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 250);
  const search = query.trim() ? debounced : '';
  const list = useConversationList(workspaceId, status, assignee, search);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const conversations = list.data?.pages.flatMap((page) => page.conversations) ?? [];
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  const scrollRef = useRef<HTMLDivElement>(null);
  const sentinelRef = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  useLoadMore(sentinelRef, scrollRef, hasNextPage && !isFetchingNextPage, loadMore);
  // A search page may come back short (or empty) while more can follow: keep going for a few pages.
  const searchPages = list.data?.pages.length ?? 0;
  useEffect(() => {
    if (search && conversations.length < 20 && searchPages < 6) loadMore();
  }, [search, conversations.length, searchPages, loadMore]);

  // ↑/↓ or j/k move the focus between rows; Enter opens (the rows are links).
  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const down = event.key === 'ArrowDown' || event.key === 'j';
    const up = event.key === 'ArrowUp' || event.key === 'k';
    if (!down && !up) return;
    const rows = [...(listRef.current?.querySelectorAll<HTMLAnchorElement>('a[data-conversation-id]') ?? [])];
    if (rows.length === 0) return;
    event.preventDefault();
    const current = rows.indexOf(document.activeElement as HTMLAnchorElement);
    const from = current === -1 ? rows.findIndex((row) => row.dataset.conversationId === activeId) : current;
    const next = Math.min(rows.length - 1, Math.max(0, from === -1 ? 0 : from + (down ? 1 : -1)));
    rows[next]?.focus();
  };

  // `/` focuses the search from anywhere in the inbox (not while typing somewhere).
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== '/' || event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented)
        return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return;
      if (document.querySelector('[role="dialog"][aria-modal="true"]')) return;
      event.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const clearSearch = () => {
    setQuery('');
    searchRef.current?.focus();
  };
  const searching = search !== '';
  const searchPending = query.trim() !== debounced || (searching && list.isPlaceholderData);

  return (
    <Stack gap={0} h="100%" miw={0}>
      <search className="inbox-search">
        <TextInput
          ref={searchRef}
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && query) {
              event.preventDefault();
              event.stopPropagation();
              setQuery('');
            } else if (event.key === 'ArrowDown') {
              const first = listRef.current?.querySelector<HTMLAnchorElement>('a[data-conversation-id]');
              if (first) {
                event.preventDefault();
                first.focus();
              }
            }
          }}
          aria-label={t('list.search')}
          placeholder={t('list.searchPlaceholder')}
          autoComplete="off"
          spellCheck={false}
          enterKeyHint="search"
          maxLength={100}
          size="sm"
          mx="sm"
          mt={6}
          leftSection={
            searchPending ? <Loader size={14} aria-hidden /> : <IconSearch size={16} aria-hidden />
          }
          rightSection={
            query ? (
              <ActionIcon
                variant="subtle"
                color="gray"
                size="sm"
                onClick={clearSearch}
                aria-label={t('list.clearSearch')}
                data-testid="search-clear"
              >
                <IconX size={14} aria-hidden />
              </ActionIcon>
            ) : (
              <Kbd size="xs" aria-hidden className="inbox-search-kbd">
                /
              </Kbd>
            )
          }
          data-testid="conversation-search"
        />
      </search>
      <Tabs
        value={status}
        onChange={(value) => value && props.onStatusChange(value as ConversationStatus)}
        px="sm"
        pt={4}
      >
        <Tabs.List aria-label={t('list.statusTabs')} grow>
          {listStatuses.map((s) => (
            <Tabs.Tab key={s} value={s} data-testid={`status-tab-${s}`}>
              {t(`list.status.${s}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Stack px="sm" py="xs" gap={4}>
        <SegmentedControl
          size="xs"
          fullWidth
          value={assignee}
          onChange={(value) => props.onAssigneeChange(value as AssigneeFilter)}
          aria-label={t('list.assigneeLabel')}
          data={assignees.map((a) => ({ value: a, label: t(`list.assignee.${a}`) }))}
        />
      </Stack>
      <div className="visually-hidden" aria-live="polite" aria-atomic="true">
        {searching && !searchPending && list.data ? t('list.results', { count: conversations.length }) : ''}
      </div>
      <div ref={scrollRef} className="inbox-scroll" aria-busy={list.isPending || searchPending}>
        {list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.isPending ? (
          <Stack gap="xs" p="sm">
            <Skeleton h={58} />
            <Skeleton h={58} />
            <Skeleton h={58} />
          </Stack>
        ) : conversations.length === 0 && searching && !hasNextPage ? (
          <Center p="lg" mih={240}>
            <Stack align="center" gap="xs" ta="center" maw={280} data-testid="search-empty">
              <IconSearchOff size={36} stroke={1.4} aria-hidden />
              <Text fw={600}>{t('list.noMatch')}</Text>
              <Text size="sm" c="dimmed" dir="auto" className="inbox-break">
                {t('list.noMatchQuery', { query: search })}
              </Text>
              <Button variant="default" size="xs" onClick={clearSearch}>
                {t('list.clearSearch')}
              </Button>
            </Stack>
          </Center>
        ) : conversations.length === 0 ? (
          <Center p="lg" mih={240}>
            <Stack align="center" gap="xs" ta="center" maw={280}>
              <IconMessages size={36} stroke={1.4} aria-hidden />
              <Text fw={600}>{t('list.empty')}</Text>
              <Text size="sm" c="dimmed">
                {hasSandbox ? t('list.emptySandbox') : t('list.emptyNoSandbox')}
              </Text>
            </Stack>
          </Center>
        ) : (
          <>
            <p id="inbox-list-hint" className="visually-hidden">
              {t('list.keyboardHint')}
            </p>
            <ul
              ref={listRef}
              className="inbox-list"
              aria-label={t('list.label')}
              aria-describedby="inbox-list-hint"
              onKeyDown={onKeyDown}
            >
              {conversations.map((c) => (
                <li key={c.id}>
                  <Link
                    to={`/w/${workspaceId}/inbox/${c.id}`}
                    className="inbox-list-row"
                    data-testid="conversation-row"
                    data-conversation-id={c.id}
                    data-active={c.id === activeId || undefined}
                    aria-current={c.id === activeId ? 'page' : undefined}
                  >
                    <Group justify="space-between" wrap="nowrap" gap="xs">
                      <Text
                        size="sm"
                        fw={c.unreadCount > 0 ? 700 : 600}
                        truncate
                        dir="auto"
                        className="inbox-name"
                      >
                        {contactName(c)}
                      </Text>
                      <Text
                        size="xs"
                        c="dimmed"
                        style={{ flexShrink: 0 }}
                        component="time"
                        dateTime={c.lastMessageAt}
                      >
                        {formatRelative(c.lastMessageAt, now)}
                      </Text>
                    </Group>
                    <Group justify="space-between" wrap="nowrap" gap="xs" mt={2}>
                      <Text size="sm" c="dimmed" truncate dir="auto">
                        {previewText(c.lastMessagePreview, t)}
                      </Text>
                      {c.unreadCount > 0 && (
                        <Badge
                          size="sm"
                          circle={c.unreadCount < 10}
                          style={{ flexShrink: 0 }}
                          aria-label={t('list.unread', { count: c.unreadCount })}
                          data-testid="unread-badge"
                        >
                          {c.unreadCount}
                        </Badge>
                      )}
                    </Group>
                    {channelName.get(c.channelId) && (
                      <Text size="xs" c="dimmed" mt={2} truncate>
                        {channelName.get(c.channelId)}
                      </Text>
                    )}
                  </Link>
                </li>
              ))}
            </ul>
            <div ref={sentinelRef} aria-hidden />
            {list.hasNextPage && (
              <Center p="sm">
                <Button
                  variant="default"
                  size="xs"
                  loading={list.isFetchingNextPage}
                  onClick={() => void list.fetchNextPage()}
                >
                  {t('list.loadMore')}
                </Button>
              </Center>
            )}
          </>
        )}
      </div>
    </Stack>
  );
}
