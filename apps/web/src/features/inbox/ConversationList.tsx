import { ActionIcon, Button, Center, Kbd, Loader, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconHourglassEmpty, IconMessages, IconSearch, IconSearchOff, IconX } from '@tabler/icons-react';
import { type RefObject, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '../../components/ErrorState';
import { useLoadMore } from '../../lib/use-load-more';
import { useMembers } from '../people/api';
import { useTeams } from '../teams/api';
import type { ChannelDto, ConversationDto, ConversationStatus } from './api';
import './i18n';
import { useFilteredConversations, useLabels, useRoutingAgents } from './list/api';
import { BulkBar } from './list/BulkBar';
import { ConversationRow } from './list/ConversationRow';
import { FilterBar } from './list/FilterBar';
import './list/i18n';
import './list/list.css';
import {
  filtersToApiQuery,
  type ListFilters,
  pruneSelection,
  queueOrder,
  type Selection,
  selectionState,
  toggleAll,
  toggleSelection,
} from './list/model';
import { useListActions } from './list/use-list-actions';

export const listStatuses: ConversationStatus[] = ['open', 'pending', 'snoozed', 'resolved'];

type Props = {
  workspaceId: string;
  myUserId: string;
  filters: ListFilters;
  onFiltersChange: (filters: ListFilters) => void;
  /** The filters' query string (`?tab=mine…` or ''), kept on links to conversations. */
  linkSearch: string;
  activeId: string | undefined;
  channels: ChannelDto[];
  hasSandbox: boolean;
  /** Re-render tick for relative times. */
  now: number;
  selection: Selection;
  onSelectionChange: (selection: Selection) => void;
  /** The ids of the rows as shown (for the shortcuts when the list is not on screen). */
  rowsRef: RefObject<string[]>;
  searchRef: RefObject<HTMLInputElement | null>;
  onFocusRow: (id: string) => void;
};

export function contactName(c: Pick<ConversationDto, 'contact'>): string {
  return c.contact.name || (c.contact.waId ? `+${c.contact.waId}` : '—');
}

export function ConversationList(props: Props) {
  const { t } = useTranslation('inbox');
  const { t: tl } = useTranslation('inboxList');
  const {
    workspaceId,
    filters,
    activeId,
    channels,
    hasSandbox,
    now,
    selection,
    onSelectionChange,
    searchRef,
  } = props;
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 250);
  const search = query.trim() ? debounced : '';
  // `since` presets start at local midnight, so the query (and its cache key) changes once a day.
  const day = new Date(now).toDateString();
  const apiQuery = useMemo(() => filtersToApiQuery(filters, new Date()), [filters, day]);
  const list = useFilteredConversations(workspaceId, apiQuery, search);
  const members = useMembers(workspaceId);
  const teams = useTeams(workspaceId);
  const labels = useLabels(workspaceId);
  const agents = useRoutingAgents(workspaceId);
  const actions = useListActions(workspaceId);
  const listRef = useRef<HTMLUListElement>(null);
  const loaded = list.data?.pages.flatMap((page) => page.conversations) ?? [];
  const conversations = filters.queue ? queueOrder(loaded) : loaded;
  const order = conversations.map((c) => c.id);
  props.rowsRef.current = order;
  const orderKey = order.join(',');
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  const memberList = members.data?.members ?? [];
  const memberName = new Map(memberList.map((m) => [m.userId, m.name]));
  const labelList = labels.data?.labels ?? [];
  const labelMap = new Map(labelList.map((l) => [l.id, l]));
  const teamList = teams.data?.teams ?? [];
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

  // Rows that left the list (resolved, filtered out) leave the selection.
  useEffect(() => {
    if (list.isPlaceholderData) return;
    const pruned = pruneSelection(selection, order);
    if (pruned !== selection) onSelectionChange(pruned);
  }, [orderKey, selection, onSelectionChange, list.isPlaceholderData]);

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
      <FilterBar
        workspaceId={workspaceId}
        filters={filters}
        onChange={props.onFiltersChange}
        channels={channels}
        teams={teamList}
        members={memberList}
        labels={labelList}
        queued={agents.data?.queued ?? null}
      />
      {conversations.length > 0 && (
        <BulkBar
          count={selection.ids.size}
          state={selectionState(selection, order)}
          myUserId={props.myUserId}
          members={memberList}
          teams={teamList}
          labels={labelList}
          isPending={actions.isBulkPending}
          onToggleAll={() => onSelectionChange(toggleAll(selection, order))}
          onClear={() => onSelectionChange({ ids: new Set(), anchor: null })}
          onAction={(action) =>
            void actions.runBulk([...selection.ids], action).then((done) => {
              if (done) onSelectionChange({ ids: new Set(), anchor: null });
            })
          }
        />
      )}
      <div className="visually-hidden" aria-live="polite" aria-atomic="true">
        {searching && !searchPending && list.data ? t('list.results', { count: conversations.length }) : ''}
      </div>
      <div
        ref={scrollRef}
        className="inbox-scroll"
        aria-busy={list.isPending || searchPending || list.isPlaceholderData}
        data-stale={(list.isPlaceholderData && !searching) || undefined}
      >
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
        ) : conversations.length === 0 && filters.queue ? (
          <Center p="lg" mih={240}>
            <Stack align="center" gap="xs" ta="center" maw={280} data-testid="queue-empty">
              <IconHourglassEmpty size={36} stroke={1.4} aria-hidden />
              <Text fw={600}>{tl('queue.empty')}</Text>
              <Text size="sm" c="dimmed">
                {tl('queue.emptyLead')}
              </Text>
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
            {filters.queue && (
              <Text size="xs" c="dimmed" px="sm" py={4}>
                {tl('queue.order')}
              </Text>
            )}
            <ul
              ref={listRef}
              className="inbox-list"
              aria-label={filters.queue ? tl('tabs.queue') : t('list.label')}
              aria-describedby="inbox-list-hint"
              data-inbox-list
              data-testid={filters.queue ? 'queue-list' : 'conversation-list'}
            >
              {conversations.map((c) => (
                <ConversationRow
                  key={c.id}
                  conversation={c}
                  name={contactName(c)}
                  to={`/w/${workspaceId}/inbox/${c.id}${props.linkSearch}`}
                  isActive={c.id === activeId}
                  isSelected={selection.ids.has(c.id)}
                  isSelecting={selection.ids.size > 0}
                  isQueue={filters.queue}
                  channelName={channels.length > 1 ? channelName.get(c.channelId) : undefined}
                  labels={labelMap}
                  assigneeName={c.assigneeId ? (memberName.get(c.assigneeId) ?? null) : null}
                  now={now}
                  isTaking={actions.takingId === c.id}
                  onToggle={(id, shift) => onSelectionChange(toggleSelection(selection, order, id, shift))}
                  onTake={(id) => void actions.takeOne(id)}
                  onFocusRow={props.onFocusRow}
                />
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
