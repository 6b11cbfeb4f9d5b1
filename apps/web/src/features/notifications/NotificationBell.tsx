import {
  ActionIcon,
  Button,
  Center,
  Group,
  Indicator,
  Loader,
  Popover,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { IconAlertTriangle, IconAt, IconBell, IconMessage, IconUserCheck } from '@tabler/icons-react';
import { type InfiniteData, type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { formatRelative } from '../../lib/format';
import { useMembers } from '../people/api';
import { type NotificationDto, useMarkNotificationsRead, useNotifications } from './api';
import { useShellRealtime } from './realtime';
import './i18n';
import './notifications.css';

const icons = {
  mention: IconAt,
  assignment: IconUserCheck,
  message: IconMessage,
  scheduled_failed: IconAlertTriangle,
} as const;

type CachedConversation = { id: string; contact: { name: string | null; waId: string | null } };

/** The contact's name of a conversation the inbox has cached (no request for it here). */
function cachedContactName(qc: QueryClient, ws: string, id: string): string | null {
  const detail = qc.getQueryData<CachedConversation>(['workspace', ws, 'inbox', 'conversation', id]);
  let found = detail;
  if (!found) {
    for (const [, data] of qc.getQueriesData<InfiniteData<{ conversations?: CachedConversation[] }>>({
      queryKey: ['workspace', ws, 'inbox', 'conversations'],
    })) {
      for (const page of data?.pages ?? []) {
        found = page.conversations?.find((c) => c.id === id) ?? found;
      }
      if (found) break;
    }
  }
  if (!found) return null;
  return found.contact.name || (found.contact.waId ? `+${found.contact.waId}` : null);
}

/** The bell in the header: unread count (live), the newest notifications, mark read. */
export function NotificationBell({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation('notifications');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const list = useNotifications(workspaceId);
  const members = useMembers(workspaceId);
  const markRead = useMarkNotificationsRead(workspaceId);
  useShellRealtime(workspaceId, () => setAnnouncement(t('bell.announce')));
  // Cleared again, so the next notification is announced as well.
  useEffect(() => {
    if (!announcement) return;
    const timer = window.setTimeout(() => setAnnouncement(''), 3000);
    return () => window.clearTimeout(timer);
  }, [announcement]);
  const unread = list.data?.unread ?? 0;
  const names = new Map(members.data?.members.map((m) => [m.userId, m.name]));

  const describe = (n: NotificationDto): string => {
    const name = (n.actorId && names.get(n.actorId)) || t('someone');
    if (n.type === 'assignment' && !n.actorId) return t('type.assignmentSystem');
    if (n.type === 'message') {
      const contact = n.conversationId ? cachedContactName(queryClient, workspaceId, n.conversationId) : null;
      return contact ? t('type.messageFrom', { name: contact }) : t('type.message');
    }
    return t(`type.${n.type}`, { name });
  };

  const open = (n: NotificationDto) => {
    if (!n.readAt) markRead.mutate([n.id]);
    setOpened(false);
    if (n.conversationId) navigate(`/w/${workspaceId}/inbox/${n.conversationId}`);
  };

  const label = unread > 0 ? t('bell.labelUnread', { count: unread }) : t('bell.label');
  const notifications = list.data?.notifications ?? [];

  return (
    <>
      <div className="visually-hidden" aria-live="polite">
        {announcement}
      </div>
      <Popover
        opened={opened}
        onChange={setOpened}
        position="bottom-end"
        width="min(360px, calc(100vw - 16px))"
        shadow="md"
        trapFocus
        returnFocus
      >
        <Popover.Target>
          <Indicator
            label={unread > 99 ? '99+' : unread}
            size={16}
            offset={6}
            color="red"
            disabled={unread === 0}
            data-testid="notification-badge"
          >
            <ActionIcon
              variant="subtle"
              color="gray"
              size="lg"
              radius="xl"
              onClick={() => setOpened((o) => !o)}
              aria-label={label}
              aria-expanded={opened}
              aria-haspopup="dialog"
              data-testid="notification-bell"
              data-unread={unread}
            >
              <IconBell size={20} aria-hidden />
            </ActionIcon>
          </Indicator>
        </Popover.Target>
        <Popover.Dropdown p={0} aria-label={t('bell.title')} role="dialog" data-testid="notification-panel">
          <Group justify="space-between" px="sm" py={8} wrap="nowrap" className="notifications-head">
            <Text fw={600} size="sm" component="h2" m={0}>
              {t('bell.title')}
            </Text>
            <Button
              variant="subtle"
              size="compact-xs"
              disabled={unread === 0}
              onClick={() => markRead.mutate(undefined)}
              data-testid="notifications-mark-all"
            >
              {t('bell.markAllRead')}
            </Button>
          </Group>
          <div className="notifications-scroll">
            {list.isPending ? (
              <Center p="md">
                <Loader size="sm" />
              </Center>
            ) : list.isError ? (
              <Stack p="md" gap="xs" align="center">
                <Text size="sm">{t('bell.loadFailed')}</Text>
                <Button size="xs" variant="default" onClick={() => void list.refetch()}>
                  {t('bell.retry')}
                </Button>
              </Stack>
            ) : notifications.length === 0 ? (
              <Stack p="md" gap={4} align="center" ta="center">
                <Text size="sm" fw={600}>
                  {t('bell.empty')}
                </Text>
                <Text size="xs" c="dimmed">
                  {t('bell.emptyLead')}
                </Text>
              </Stack>
            ) : (
              <ul className="notifications-list">
                {notifications.map((n) => {
                  const Icon = icons[n.type];
                  return (
                    <li key={n.id}>
                      <UnstyledButton
                        className="notifications-item"
                        onClick={() => open(n)}
                        data-testid="notification-item"
                        data-type={n.type}
                        data-unread={!n.readAt || undefined}
                      >
                        <Icon size={18} aria-hidden className="notifications-icon" />
                        <span className="notifications-text">
                          <Text size="sm" fw={n.readAt ? 400 : 600} component="span" display="block">
                            {describe(n)}
                          </Text>
                          <Text size="xs" c="dimmed" component="time" dateTime={n.createdAt}>
                            {formatRelative(n.createdAt)}
                          </Text>
                        </span>
                        {!n.readAt && (
                          <span className="notifications-dot">
                            <span className="visually-hidden">{t('bell.unread')}</span>
                          </span>
                        )}
                      </UnstyledButton>
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
        </Popover.Dropdown>
      </Popover>
    </>
  );
}
