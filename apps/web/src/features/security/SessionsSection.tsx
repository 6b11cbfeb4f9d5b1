import { Badge, Button, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconDeviceDesktop, IconDeviceMobile, IconDeviceTablet } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmModal } from '../../components/ConfirmModal';
import { SectionCard } from '../../components/SectionCard';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { parseUserAgent } from '../../lib/user-agent';
import { type SessionDto, useEndOtherSessions, useEndSession, useSessions } from './api';

/** The person's signed-in browsers, with "end session" and "sign out all other devices". */
export function SessionsSection() {
  const { t } = useTranslation();
  const sessions = useSessions();
  const endSession = useEndSession();
  const endOthers = useEndOtherSessions();
  const [confirmOthers, othersModal] = useDisclosure(false);
  const [ending, setEnding] = useState<SessionDto | null>(null);
  const list = [...(sessions.data?.sessions ?? [])].sort(
    (a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt),
  );
  const others = list.filter((session) => !session.current).length;

  return (
    <SectionCard
      title={t('sessions.title')}
      description={t('sessions.description')}
      headingId="sessions-heading"
    >
      {sessions.isPending ? (
        <Stack gap="xs">
          <Skeleton h={48} />
          <Skeleton h={48} />
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={300}>
          <Table verticalSpacing="sm" highlightOnHover aria-labelledby="sessions-heading">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('sessions.device')}</Table.Th>
                <Table.Th visibleFrom="sm">{t('sessions.lastActive')}</Table.Th>
                <Table.Th visibleFrom="sm">
                  <span className="visually-hidden">{t('common.actions')}</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((session) => (
                <SessionRow key={session.id} session={session} onEnd={() => setEnding(session)} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group>
        <Button variant="default" color="red" onClick={othersModal.open} disabled={others === 0}>
          {t('sessions.endOthers')}
        </Button>
      </Group>

      <ConfirmModal
        opened={confirmOthers}
        onClose={othersModal.close}
        title={t('sessions.endOthersTitle')}
        confirmLabel={t('sessions.endOthers')}
        danger
        loading={endOthers.isPending}
        onConfirm={() =>
          endOthers.mutate(undefined, {
            onSuccess: () => {
              othersModal.close();
              notifySuccess(t('sessions.endedOthers'));
            },
          })
        }
      >
        {t('sessions.endOthersText', { count: others })}
      </ConfirmModal>
      <ConfirmModal
        opened={!!ending}
        onClose={() => setEnding(null)}
        title={t('sessions.endTitle')}
        confirmLabel={t('sessions.end')}
        danger
        loading={endSession.isPending}
        onConfirm={() =>
          ending &&
          endSession.mutate(ending.id, {
            onSuccess: () => {
              setEnding(null);
              notifySuccess(t('sessions.ended'));
            },
          })
        }
      >
        {t('sessions.endText', { device: ending ? deviceName(ending.userAgent, t) : '' })}
      </ConfirmModal>
    </SectionCard>
  );
}

function deviceName(userAgent: string | null, t: (key: string, options?: Record<string, unknown>) => string) {
  const device = parseUserAgent(userAgent);
  if (device.browser && device.os) return t('sessions.browserOn', { browser: device.browser, os: device.os });
  return device.browser ?? device.os ?? t('sessions.unknownDevice');
}

function SessionRow({ session, onEnd }: { session: SessionDto; onEnd: () => void }) {
  const { t } = useTranslation();
  const device = parseUserAgent(session.userAgent);
  const Icon =
    device.kind === 'phone'
      ? IconDeviceMobile
      : device.kind === 'tablet'
        ? IconDeviceTablet
        : IconDeviceDesktop;
  return (
    <Table.Tr data-testid="session-row" data-current={session.current ? 'true' : undefined}>
      <Table.Td>
        <Group gap="sm" wrap="nowrap" align="flex-start">
          <Icon size={22} stroke={1.5} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
          <Stack gap={2} miw={0}>
            <Group gap={6}>
              <Text size="sm" fw={600} title={session.userAgent ?? undefined}>
                {deviceName(session.userAgent, t)}
              </Text>
              {session.current && (
                <Badge size="sm" color="teal" variant="light">
                  {t('sessions.thisDevice')}
                </Badge>
              )}
              {session.remember && (
                <Badge size="sm" color="gray" variant="outline">
                  {t('sessions.remembered')}
                </Badge>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              {[
                session.ipPrefix ? t('sessions.network', { ip: session.ipPrefix }) : null,
                t('sessions.signedIn', { date: formatDate(session.createdAt) }),
                t('sessions.expires', { date: formatDate(session.expiresAt) }),
              ]
                .filter(Boolean)
                .join(' · ')}
            </Text>
            <Text size="xs" c="dimmed" hiddenFrom="sm">
              {t('sessions.lastActive')}: {formatRelative(session.lastSeenAt)}
            </Text>
            {!session.current && (
              <Group hiddenFrom="sm" mt={4}>
                <Button size="compact-sm" variant="light" color="red" onClick={onEnd}>
                  {t('sessions.end')}
                </Button>
              </Group>
            )}
          </Stack>
        </Group>
      </Table.Td>
      <Table.Td visibleFrom="sm">
        <Text size="sm" title={formatDateTime(session.lastSeenAt)}>
          {session.current ? t('sessions.activeNow') : formatRelative(session.lastSeenAt)}
        </Text>
      </Table.Td>
      <Table.Td ta="right" visibleFrom="sm">
        {!session.current && (
          <Button size="xs" variant="subtle" color="red" onClick={onEnd}>
            {t('sessions.end')}
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
