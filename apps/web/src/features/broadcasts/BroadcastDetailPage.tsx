import { Alert, Anchor, Button, Group, SimpleGrid, Skeleton, Stack, Table, Text } from '@mantine/core';
import {
  IconArrowLeft,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlayerStop,
  IconRefresh,
} from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { SectionCard } from '../../components/SectionCard';
import { formatDateTime } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { useChannels } from '../channels/api';
import { useWorkspace } from '../shell/workspace-context';
import { type BroadcastDto, useBroadcast, useBroadcastAction, useRetryFailed } from './api';
import { CountsChart } from './CountsChart';
import { RecipientsTable } from './RecipientsTable';
import { SettingsSummary } from './SettingsSummary';
import { ProgressLine, StateBadge } from './StateBadge';
import { channelLabel } from './TemplateSection';
import '../inbox/inbox.css';
import './i18n';

/** `/w/:workspaceId/broadcasts/:broadcastId`: one newsletter's progress and results. */
export function BroadcastDetailPage() {
  const { t } = useTranslation('broadcasts');
  const { workspaceId: ws } = useWorkspace();
  const { broadcastId = '' } = useParams();
  const query = useBroadcast(ws, broadcastId);
  const b = query.data;

  return (
    <>
      <Anchor component={Link} to={`/w/${ws}/broadcasts`} size="sm" mb="xs" display="inline-flex">
        <Group gap={4} component="span">
          <IconArrowLeft size={14} aria-hidden />
          {t('back')}
        </Group>
      </Anchor>
      {query.isError && !b ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : !b ? (
        <Stack gap="md">
          <Skeleton height={40} width="50%" />
          <Skeleton height={160} />
        </Stack>
      ) : (
        <Detail b={b} ws={ws} />
      )}
    </>
  );
}

function Detail({ b, ws }: { b: BroadcastDto; ws: string }) {
  const { t, i18n } = useTranslation('broadcasts');
  const { isManager } = useWorkspace();
  const channel = useChannels(ws).data?.channels.find((c) => c.id === b.channelId);
  const n = new Intl.NumberFormat(i18n.language);
  // Counts and state change together with the recipients table.
  const version = `${b.state}:${Object.values(b.counts).join(',')}`;

  return (
    <>
      <PageHeader
        title={<bdi>{b.templateName}</bdi>}
        testId="broadcast-detail-page"
        description={
          <Group gap="xs" component="span" wrap="wrap">
            <StateBadge state={b.state} />
            <span>
              {channel ? channelLabel(channel) : ''} · {b.language} · {b.category}
            </span>
          </Group>
        }
        actions={isManager ? <Actions b={b} ws={ws} /> : null}
      />
      <Stack gap="lg">
        <PauseNotice b={b} />
        <SectionCard title={t('detail.progressTitle')} headingId="bc-progress">
          <ProgressLine counts={b.counts} size="lg" />
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <CountsChart counts={b.counts} />
            <Stack gap={6}>
              <Line label={t('detail.total')} value={n.format(b.counts.total)} testId="detail-total" />
              <Line label={t('detail.queued')} value={n.format(b.counts.queued + b.counts.sending)} />
              {b.counts.unknown > 0 && <Line label={t('count.unknown')} value={n.format(b.counts.unknown)} />}
              <Line label={t('detail.created')} value={formatDateTime(b.createdAt)} />
              {b.scheduledAt && (
                <Line label={t('detail.scheduledAt')} value={formatDateTime(b.scheduledAt)} />
              )}
              {b.startedAt && <Line label={t('detail.startedAt')} value={formatDateTime(b.startedAt)} />}
              {b.finishedAt && <Line label={t('detail.finishedAt')} value={formatDateTime(b.finishedAt)} />}
            </Stack>
          </SimpleGrid>
        </SectionCard>
        {b.errors.length > 0 && (
          <SectionCard
            title={t('detail.errorsTitle')}
            description={t('detail.errorsText')}
            headingId="bc-errors"
          >
            <Table.ScrollContainer minWidth={320}>
              <Table data-testid="broadcast-errors" verticalSpacing={6}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('detail.reason')}</Table.Th>
                    <Table.Th ta="right">{t('detail.count')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {b.errors.map((e) => (
                    <Table.Tr key={e.code} data-code={e.code}>
                      <Table.Td>
                        <Text size="sm">{t(`errorCode.${e.code}`, { defaultValue: e.message })}</Text>
                        <Text size="xs" c="dimmed">
                          {e.code}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right" fw={700}>
                        {n.format(e.count)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </SectionCard>
        )}
        <SectionCard title={t('recipients.title')} headingId="bc-recipients">
          <RecipientsTable ws={ws} broadcastId={b.id} version={version} counts={b.counts} />
        </SectionCard>
        <SectionCard title={t('summary.title')} headingId="bc-settings">
          <SettingsSummary b={b} ws={ws} />
        </SectionCard>
      </Stack>
    </>
  );
}

function Line({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600} ta="right" data-testid={testId}>
        {value}
      </Text>
    </Group>
  );
}

/** Why the broadcast is paused, in words a person can act on. */
function PauseNotice({ b }: { b: BroadcastDto }) {
  const { t } = useTranslation('broadcasts');
  if (b.state !== 'paused') return null;
  let text: string;
  if (b.pauseReason === 'daily_limit')
    text = b.resumeAt
      ? t('pause.daily_limit', { time: formatDateTime(b.resumeAt) })
      : t('pause.daily_limit_unknown');
  else if (b.pauseReason === 'whatsapp_error')
    text = t('pause.whatsapp_error', {
      code: b.pauseCode ?? '—',
      detail: b.pauseDetail ?? t('pause.noDetail'),
    });
  else if (b.pauseReason === 'manual') text = t('pause.manual');
  else if (b.pauseReason === 'template_paused') text = t('pause.template_paused');
  else text = t('pause.other');
  return (
    <Alert
      color="yellow"
      title={t('pause.title')}
      role="status"
      data-testid="pause-reason"
      data-reason={b.pauseReason}
    >
      {text}
    </Alert>
  );
}

function Actions({ b, ws }: { b: BroadcastDto; ws: string }) {
  const { t } = useTranslation('broadcasts');
  const action = useBroadcastAction(ws, b.id);
  const retry = useRetryFailed(ws, b.id);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const canPause = b.state === 'running' || b.state === 'scheduled';
  const canResume = b.state === 'paused';
  const canCancel = b.state !== 'completed' && b.state !== 'cancelled';
  const canRetry = b.retryable > 0 && ['running', 'paused', 'completed'].includes(b.state);
  const busy = action.isPending ? action.variables : null;
  return (
    <Group gap="sm" wrap="wrap">
      {canPause && (
        <Button
          variant="default"
          leftSection={<IconPlayerPause size={16} aria-hidden />}
          onClick={() => action.mutate('pause')}
          loading={busy === 'pause'}
          data-testid="broadcast-pause"
        >
          {t('actions.pause')}
        </Button>
      )}
      {canResume && (
        <Button
          leftSection={<IconPlayerPlay size={16} aria-hidden />}
          onClick={() => action.mutate('resume')}
          loading={busy === 'resume'}
          data-testid="broadcast-resume"
        >
          {t('actions.resume')}
        </Button>
      )}
      {canRetry && (
        <Button
          variant="light"
          leftSection={<IconRefresh size={16} aria-hidden />}
          onClick={() =>
            retry.mutate(undefined, {
              onSuccess: (r) => notifySuccess(t('actions.retried', { count: r.retried })),
            })
          }
          loading={retry.isPending}
          data-testid="broadcast-retry"
        >
          {t('actions.retry', { count: b.retryable })}
        </Button>
      )}
      {canCancel && (
        <Button
          variant="light"
          color="red"
          leftSection={<IconPlayerStop size={16} aria-hidden />}
          onClick={() => setConfirmCancel(true)}
          data-testid="broadcast-cancel"
        >
          {t('actions.cancel')}
        </Button>
      )}
      <ConfirmModal
        opened={confirmCancel}
        onClose={() => setConfirmCancel(false)}
        onConfirm={() => action.mutate('cancel', { onSettled: () => setConfirmCancel(false) })}
        loading={busy === 'cancel'}
        title={t('actions.cancelTitle')}
        confirmLabel={t('actions.cancelConfirm')}
        danger
      >
        {t('actions.cancelText')}
      </ConfirmModal>
    </Group>
  );
}
