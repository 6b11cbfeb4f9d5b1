import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { describeErrorCode } from '@parley/whatsapp/error-codes';
import {
  IconBrandWhatsapp,
  IconExternalLink,
  IconPencil,
  IconPlus,
  IconRefresh,
  IconTemplate,
} from '@tabler/icons-react';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyField } from '../../components/CopyField';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { ApiError } from '../../lib/api';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import { describeError, notifySuccess } from '../../lib/notify';
import { ChannelRoutingButton } from '../routing/ChannelRoutingModal';
import { useWorkspace } from '../shell/workspace-context';
import { type ChannelDto, useChannels, useChannelTemplates, useSyncTemplates } from './api';
import { ConnectChannelModal } from './ConnectChannelModal';
import { EditChannelModal } from './EditChannelModal';

/** The customer phone of the built-in WhatsApp simulator (needs a signed-in person). */
export const SANDBOX_PHONE_URL = '/_sandbox/_sim/phone/';

/** `/w/:id/settings/channels`: the workspace's WhatsApp numbers (connected by owners/admins). */
export function ChannelsSettingsPage() {
  const { t } = useTranslation();
  const { workspaceId, isManager } = useWorkspace();
  const channels = useChannels(workspaceId);
  const [connectOpened, connectModal] = useDisclosure(false);
  const [editing, setEditing] = useState<ChannelDto | null>(null);
  const list = channels.data?.channels;

  const closeEdit = () => {
    const id = editing?.id;
    setEditing(null);
    // Back to the card's Edit button (the dialog is unmounted, so Mantine cannot return the focus).
    if (id) setTimeout(() => document.getElementById(editButtonId(id))?.focus(), 0);
  };

  return (
    <>
      <PageHeader
        title={t('channels.title')}
        testId="channels-page"
        description={isManager ? t('channels.description') : t('channels.descriptionReadOnly')}
        actions={
          isManager && (
            <Button
              leftSection={<IconPlus size={18} aria-hidden />}
              onClick={connectModal.open}
              data-testid="channel-connect-open"
            >
              {t('channels.connect.open')}
            </Button>
          )
        }
      />
      {channels.isError ? (
        <ErrorState error={channels.error} onRetry={() => void channels.refetch()} />
      ) : !list ? (
        <Stack gap="md" aria-busy="true">
          <Skeleton h={220} radius="md" />
          <Skeleton h={220} radius="md" />
        </Stack>
      ) : list.length === 0 ? (
        <Paper withBorder radius="md" p="xl">
          <Stack align="center" gap="xs" ta="center">
            <IconBrandWhatsapp size={36} stroke={1.5} aria-hidden />
            <Text fw={600}>{t('channels.empty')}</Text>
            <Text size="sm" c="dimmed">
              {isManager ? t('channels.emptyManager') : t('channels.emptyAgent')}
            </Text>
          </Stack>
        </Paper>
      ) : (
        <Stack
          gap="md"
          component="ul"
          p={0}
          m={0}
          style={{ listStyle: 'none' }}
          aria-label={t('channels.title')}
        >
          {list.map((channel) => (
            <li key={channel.id}>
              <ChannelCard channel={channel} onEdit={isManager ? () => setEditing(channel) : undefined} />
            </li>
          ))}
        </Stack>
      )}
      {isManager && <ConnectChannelModal opened={connectOpened} onClose={connectModal.close} />}
      {isManager && editing && <EditChannelModal key={editing.id} channel={editing} onClose={closeEdit} />}
    </>
  );
}

const qualityColors: Record<string, string> = { GREEN: 'green', YELLOW: 'yellow', RED: 'red' };

export function QualityBadge({ rating }: { rating: string | null }) {
  const { t } = useTranslation();
  const key = rating?.toUpperCase() ?? '';
  const color = qualityColors[key];
  return (
    <Badge variant="light" color={color ?? 'gray'} leftSection={<QualityDot color={color} />}>
      {color ? t(`channels.quality.${key}`) : t('channels.quality.unknown')}
    </Badge>
  );
}

function QualityDot({ color }: { color: string | undefined }) {
  return (
    <span
      aria-hidden
      style={{
        display: 'inline-block',
        width: 8,
        height: 8,
        borderRadius: '50%',
        background: color ? `var(--mantine-color-${color}-filled)` : 'var(--mantine-color-gray-5)',
      }}
    />
  );
}

/** `TIER_250` → "250 customers / 24 h", `TIER_2K` → "2,000 …", `TIER_UNLIMITED` → "Unlimited". */
export function useMessagingLimitLabel() {
  const { t, i18n } = useTranslation();
  return (tier: string | null): string => {
    if (!tier) return t('channels.limit.unknown');
    if (tier.toUpperCase() === 'TIER_UNLIMITED') return t('channels.limit.unlimited');
    const match = /^TIER_(\d+)(K)?$/i.exec(tier);
    if (!match) return tier;
    const count = Number(match[1]) * (match[2] ? 1000 : 1);
    return t('channels.limit.perDay', {
      count,
      formatted: new Intl.NumberFormat(i18n.language).format(count),
    });
  };
}

const editButtonId = (channelId: string) => `channel-${channelId}-edit`;

/** One number: what WhatsApp says about it, its templates and webhook; `onEdit` for owners and admins. */
function ChannelCard({ channel, onEdit }: { channel: ChannelDto; onEdit?: () => void }) {
  const { t } = useTranslation();
  const limitLabel = useMessagingLimitLabel();
  const headingId = `channel-${channel.id}-name`;

  return (
    <Paper
      component="article"
      withBorder
      radius="md"
      p={{ base: 'md', sm: 'lg' }}
      aria-labelledby={headingId}
      data-testid="channel-card"
      data-channel-id={channel.id}
    >
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" gap="sm">
          <Group gap="sm" wrap="nowrap" align="flex-start" style={{ minWidth: 0 }}>
            <IconBrandWhatsapp
              size={28}
              stroke={1.6}
              color="var(--mantine-color-teal-6)"
              aria-hidden
              style={{ flexShrink: 0, marginTop: 2 }}
            />
            <Stack gap={2} style={{ minWidth: 0 }}>
              <Group gap={8} wrap="wrap">
                <Title order={2} fz="h4" id={headingId} style={{ overflowWrap: 'anywhere' }}>
                  {channel.name}
                </Title>
                {channel.isSandbox && (
                  <Badge variant="outline" color="grape" data-testid="channel-sandbox-badge">
                    {t('channels.sandbox')}
                  </Badge>
                )}
                {channel.status === 'disabled' && (
                  <Badge variant="light" color="gray">
                    {t('channels.disabled')}
                  </Badge>
                )}
              </Group>
              <Text size="sm" c="dimmed">
                {channel.displayPhoneNumber ?? t('channels.noDisplayNumber')}
              </Text>
            </Stack>
          </Group>
          <Group gap="sm" wrap="wrap">
            {channel.isSandbox && (
              <Anchor
                href={SANDBOX_PHONE_URL}
                target="_blank"
                rel="noopener"
                size="sm"
                fw={600}
                data-testid="channel-sandbox-phone"
              >
                <Group gap={4} wrap="nowrap" component="span">
                  {t('channels.openPhone')}
                  <IconExternalLink size={16} aria-hidden />
                  <span className="visually-hidden">{t('channels.newTab')}</span>
                </Group>
              </Anchor>
            )}
            <ChannelRoutingButton channel={channel} />
            {onEdit && (
              <Button
                id={editButtonId(channel.id)}
                size="xs"
                variant="default"
                leftSection={<IconPencil size={14} aria-hidden />}
                onClick={onEdit}
                aria-label={t('channels.edit.open', { name: channel.name })}
                aria-haspopup="dialog"
                data-testid="channel-edit-open"
              >
                {t('common.edit')}
              </Button>
            )}
          </Group>
        </Group>

        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md" verticalSpacing="sm">
          <Detail label={t('channels.fields.quality')}>
            <QualityBadge rating={channel.qualityRating} />
          </Detail>
          <Detail label={t('channels.fields.limit')}>
            <Text size="sm">{limitLabel(channel.messagingLimit)}</Text>
          </Detail>
          <Detail label={t('channels.fields.phoneNumberId')}>
            <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
              {channel.phoneNumberId}
            </Text>
          </Detail>
          <Detail label={t('channels.fields.wabaId')}>
            <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
              {channel.wabaId}
            </Text>
          </Detail>
        </SimpleGrid>

        <TemplatesRow channel={channel} />

        <CopyField
          label={t('channels.fields.webhookUrl')}
          value={channel.webhookUrl}
          description={channel.isSandbox ? t('channels.webhookSandboxHint') : t('channels.webhookHint')}
        />

        <Text size="xs" c="dimmed">
          {t('channels.meta', {
            date: formatDate(channel.createdAt),
            base: channel.graphBaseUrl,
            version: channel.graphApiVersion,
          })}
        </Text>
      </Stack>
    </Paper>
  );
}

/** Why a sync failed; for an error from WhatsApp, Meta's code explained in the UI language. */
function syncErrorText(error: unknown, language: string, t: (key: string) => string): string {
  if (!(error instanceof ApiError) || error.code !== 'whatsapp_unreachable') return describeError(error);
  const graphCode = (error.details as { graphCode?: unknown } | undefined)?.graphCode;
  if (typeof graphCode !== 'number') return t('channels.templates.unreachable');
  const { explanation } = describeErrorCode(graphCode);
  return `${t('channels.templates.rejected')} ${language.startsWith('de') ? explanation.de : explanation.en}`;
}

/** Re-renders every minute (relative times). */
function useMinuteTick(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

/** "Templates: 3 approved · synced 5 minutes ago" and a Sync now button (progress, result, errors). */
function TemplatesRow({ channel }: { channel: ChannelDto }) {
  const { t, i18n } = useTranslation();
  const { workspaceId } = useWorkspace();
  const templates = useChannelTemplates(workspaceId, channel.id);
  const sync = useSyncTemplates(workspaceId, channel.id);
  const now = useMinuteTick();
  const list = templates.data?.templates ?? [];
  const approved = list.filter((template) => template.status.toUpperCase() === 'APPROVED').length;
  const syncedAt = list.reduce<string | null>(
    (latest, template) => (latest && latest > template.syncedAt ? latest : template.syncedAt),
    null,
  );
  const statusId = `channel-${channel.id}-templates`;

  const run = () =>
    sync.mutate(undefined, {
      onSuccess: ({ synced }) => notifySuccess(t('channels.templates.synced', { count: synced })),
    });

  const syncError = sync.error ? syncErrorText(sync.error, i18n.language, t) : null;

  return (
    <Stack gap={6} data-testid="channel-templates">
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Group gap={8} wrap="nowrap" miw={0}>
          <IconTemplate size={18} stroke={1.6} aria-hidden style={{ flexShrink: 0 }} />
          <Text size="sm" id={statusId} data-testid="channel-templates-status">
            {templates.isPending ? (
              t('common.loading')
            ) : templates.isError ? (
              t('channels.templates.loadFailed')
            ) : (
              <>
                {t('channels.templates.approved', { count: approved })}
                {' · '}
                {syncedAt ? (
                  <time dateTime={syncedAt} title={formatDateTime(syncedAt)}>
                    {t('channels.templates.syncedAt', { time: formatRelative(syncedAt, now) })}
                  </time>
                ) : (
                  t('channels.templates.neverSynced')
                )}
              </>
            )}
          </Text>
        </Group>
        <Button
          size="xs"
          variant="default"
          leftSection={<IconRefresh size={14} aria-hidden />}
          loading={sync.isPending}
          onClick={run}
          aria-describedby={statusId}
          data-testid="templates-sync"
        >
          {t('channels.templates.sync')}
        </Button>
      </Group>
      <div aria-live="polite" aria-atomic="true">
        {syncError && (
          <Text size="sm" c="red" role="alert">
            {syncError}
          </Text>
        )}
      </div>
    </Stack>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack component="dl" gap={4} m={0} style={{ minWidth: 0 }}>
      <Text component="dt" size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Stack component="dd" m={0} gap={0} align="flex-start">
        {children}
      </Stack>
    </Stack>
  );
}
