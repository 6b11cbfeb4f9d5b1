import { ActionIcon, Button, Center, Drawer, Group, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconBell, IconBellOff, IconDeviceMobileMessage, IconMessageCircle } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { apiGet, workspacePath } from '../../lib/api';
import { useWorkspace } from '../shell/workspace-context';
import { useInboxAlerts } from './alerts';
import type { ConversationDto } from './api';
import {
  conversationKey,
  findCachedConversation,
  type MessageDto,
  useChannels,
  useConversation,
  useUnreadSummary,
} from './api';
import { ContactPanel } from './ContactPanel';
import { ConversationList, contactName } from './ConversationList';
import { ConversationView } from './ConversationView';
import { EMPTY_SELECTION, type Selection } from './list/model';
import { ShortcutHelp } from './list/ShortcutHelp';
import { useInboxShortcuts } from './list/use-inbox-shortcuts';
import { useListFilters } from './list/use-list-filters';
import { summary } from './model';
import { useInboxRealtime } from './realtime';
import './i18n';
import './inbox.css';

function useMinuteTick(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

/** "(3) Parley" while there are unread messages. */
function useTitleBadge(count: number): void {
  useEffect(() => {
    const base = document.title.replace(/^\(\d+\)\s*/, '') || 'Parley';
    document.title = count > 0 ? `(${count}) ${base}` : base;
    return () => {
      document.title = base;
    };
  }, [count]);
}

/** `/w/:id/inbox[/:conversationId]`: conversation list, conversation and contact details. */
export function Inbox() {
  const { t } = useTranslation('inbox');
  const { workspaceId, me } = useWorkspace();
  const { conversationId } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const isPhone = useMediaQuery('(max-width: 768px)') ?? false;
  const isWide = useMediaQuery('(min-width: 1200px)') ?? false;
  const [filters, setFilters, linkSearch] = useListFilters();
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const rowsRef = useRef<string[]>([]);
  const searchRef = useRef<HTMLInputElement>(null);
  const [contactOpen, setContactOpen] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const now = useMinuteTick();
  const channels = useChannels(workspaceId);
  const unread = useUnreadSummary(workspaceId);
  const active = useConversation(workspaceId, conversationId);
  const alerts = useInboxAlerts();
  const sandbox = channels.data?.channels.find((c) => c.isSandbox && c.status === 'active');

  useTitleBadge(unread.data ?? 0);

  const base = `/w/${workspaceId}/inbox`;
  const shortcuts = useInboxShortcuts({
    workspaceId,
    myUserId: me.user.id,
    conversationId,
    linkSearch,
    selection,
    onSelectionChange: setSelection,
    rowsRef,
    searchRef,
  });

  // Another filter, another list: the selection does not carry over.
  useEffect(() => setSelection(EMPTY_SELECTION), [linkSearch]);

  const onInbound = useCallback(
    (message: MessageDto) => {
      if (message.type === 'reaction' || message.type === 'system') return;
      void (async () => {
        const conversation: ConversationDto | undefined =
          findCachedConversation(queryClient, workspaceId, message.conversationId) ??
          (await queryClient
            .fetchQuery({
              queryKey: conversationKey(workspaceId, message.conversationId),
              queryFn: () =>
                apiGet<ConversationDto>(
                  workspacePath(workspaceId, `/conversations/${encodeURIComponent(message.conversationId)}`),
                ),
            })
            .catch(() => undefined));
        const name = conversation ? contactName(conversation) : '';
        const text = summary(message, t);
        if (message.conversationId === conversationId) {
          setAnnouncement(t('message.announceInbound', { name, text }));
        }
        const relevant = !conversation?.assigneeId || conversation.assigneeId === me.user.id;
        const seen = message.conversationId === conversationId && document.visibilityState === 'visible';
        if (relevant && !seen) {
          alerts.notify(t('alerts.newMessage', { name }), text, message.conversationId, () =>
            navigate(`${base}/${message.conversationId}${linkSearch}`),
          );
        }
      })();
    },
    [queryClient, workspaceId, conversationId, me.user.id, alerts, t, navigate, base, linkSearch],
  );
  useInboxRealtime(workspaceId, onInbound);

  // Close the drawer when switching conversations.
  useEffect(() => {
    setContactOpen(false);
    setAnnouncement('');
  }, [conversationId]);

  const showList = !isPhone || !conversationId;
  const showConversation = !isPhone || !!conversationId;
  const channelList = channels.data?.channels ?? [];

  return (
    <div className="inbox-root" data-testid="inbox-page" data-phone={isPhone || undefined}>
      {showList && (
        <aside className="inbox-list-pane" aria-labelledby="inbox-title">
          <Stack gap={6} px="sm" pt="sm">
            <Group justify="space-between" wrap="nowrap">
              <Title order={1} fz="h3" id="inbox-title">
                {t('title')}
              </Title>
              <Tooltip label={alerts.enabled ? t('alerts.turnOff') : t('alerts.turnOn')}>
                <ActionIcon
                  variant={alerts.enabled ? 'light' : 'subtle'}
                  color={alerts.enabled ? 'teal' : 'gray'}
                  size="lg"
                  onClick={() => void alerts.toggle()}
                  aria-label={alerts.enabled ? t('alerts.turnOff') : t('alerts.turnOn')}
                  aria-pressed={alerts.enabled}
                  data-testid="alerts-toggle"
                >
                  {alerts.enabled ? (
                    <IconBell size={20} aria-hidden />
                  ) : (
                    <IconBellOff size={20} aria-hidden />
                  )}
                </ActionIcon>
              </Tooltip>
            </Group>
            {alerts.enabled && alerts.denied && (
              <Text size="xs" c="orange">
                {t('alerts.denied')}
              </Text>
            )}
            {sandbox && (
              <Button
                component="a"
                href="/_sandbox/_sim/phone/"
                target="_blank"
                rel="noopener noreferrer"
                variant="light"
                size="sm"
                fullWidth
                h="auto"
                py={6}
                styles={{ label: { whiteSpace: 'normal', textAlign: 'start' } }}
                leftSection={<IconDeviceMobileMessage size={18} aria-hidden />}
                data-testid="sandbox-phone-link"
              >
                {t('sandbox.open')}
                <span className="visually-hidden"> ({t('sandbox.newTab')})</span>
              </Button>
            )}
          </Stack>
          <ConversationList
            workspaceId={workspaceId}
            myUserId={me.user.id}
            filters={filters}
            onFiltersChange={setFilters}
            linkSearch={linkSearch}
            activeId={conversationId}
            channels={channelList}
            hasSandbox={!!sandbox}
            now={now}
            selection={selection}
            onSelectionChange={setSelection}
            rowsRef={rowsRef}
            searchRef={searchRef}
            onFocusRow={shortcuts.setCursor}
          />
        </aside>
      )}
      {showConversation && (
        <main className="inbox-main">
          {conversationId ? (
            <ConversationView
              key={conversationId}
              workspaceId={workspaceId}
              conversationId={conversationId}
              myUserId={me.user.id}
              isPhone={isPhone}
              onBack={() => navigate(`${base}${linkSearch}`)}
              onShowContact={isWide ? null : () => setContactOpen(true)}
              announcement={announcement}
            />
          ) : (
            <Center h="100%" p="lg">
              <Stack align="center" gap="xs" ta="center" maw={360}>
                <IconMessageCircle size={40} stroke={1.4} aria-hidden />
                <Text fw={600}>{t('conversation.select')}</Text>
                <Text size="sm" c="dimmed">
                  {sandbox ? t('list.emptySandbox') : t('conversation.selectLead')}
                </Text>
              </Stack>
            </Center>
          )}
        </main>
      )}
      {isWide && conversationId && active.data && (
        <aside className="inbox-contact-pane" aria-label={t('conversation.contactDetails')}>
          <ContactPanel workspaceId={workspaceId} conversation={active.data} channels={channelList} />
        </aside>
      )}
      <ShortcutHelp opened={shortcuts.isHelpOpen} onClose={shortcuts.closeHelp} />
      {!isWide && active.data && (
        <Drawer
          opened={contactOpen}
          onClose={() => setContactOpen(false)}
          position="right"
          title={t('contact.title')}
          closeButtonProps={{ 'aria-label': t('contact.close') }}
          size={340}
        >
          <ContactPanel
            workspaceId={workspaceId}
            conversation={active.data}
            channels={channelList}
            withTitle={false}
          />
        </Drawer>
      )}
    </div>
  );
}
