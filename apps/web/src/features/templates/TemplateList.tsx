import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Menu,
  Select,
  Skeleton,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import type { ChannelDto } from '@parley/contracts';
import {
  IconAlertCircle,
  IconCopy,
  IconDots,
  IconRefresh,
  IconSearch,
  IconTemplate,
  IconTrash,
} from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { isApiError } from '../../lib/api';
import { describeError, notifySuccess } from '../../lib/notify';
import { useWorkspace } from '../shell/workspace-context';
import { type TemplateDto, useDeleteTemplate, useSyncChannelTemplates, useTemplates } from './api';
import { formFromTemplate, type TemplateForm } from './template-form';
import {
  bodyOf,
  filterTemplates,
  qualityColor,
  STATUSES,
  type StatusFilter,
  statusColor,
} from './template-list';

/** A status badge: approved, in review, rejected, paused, disabled (or Meta's word for another). */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('templates');
  const upper = status.toUpperCase();
  return (
    <Badge color={statusColor(upper)} variant="light" data-testid="template-status" data-status={upper}>
      {t(`status.${upper}` as 'status.APPROVED', { defaultValue: upper.toLowerCase() })}
    </Badge>
  );
}

/** The templates of one number with filters, sync, and (for managers) copy and delete. */
export function TemplateList({
  channel,
  onCopy,
}: {
  channel: ChannelDto;
  onCopy: (form: TemplateForm) => void;
}) {
  const { t } = useTranslation('templates');
  const { workspaceId, isManager } = useWorkspace();
  const templates = useTemplates(workspaceId, channel.id);
  const sync = useSyncChannelTemplates(workspaceId);
  const remove = useDeleteTemplate(workspaceId);
  const [status, setStatus] = useState<StatusFilter>('ALL');
  const [query, setQuery] = useState('');
  const [deleting, setDeleting] = useState<TemplateDto | null>(null);
  const all = templates.data?.templates ?? [];
  const shown = filterTemplates(all, { status, query });
  const pending = all.some((x) => x.status.toUpperCase() === 'PENDING');

  const confirmDelete = () => {
    if (!deleting) return;
    const name = deleting.name;
    remove.mutate(deleting.id, {
      onSuccess: () => {
        setDeleting(null);
        notifySuccess(t('delete.done', { name }));
      },
    });
  };

  return (
    <Stack gap="md">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput
          label={t('filter.search')}
          leftSection={<IconSearch size={16} aria-hidden />}
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          style={{ flex: '1 1 14rem' }}
          data-testid="templates-search"
        />
        <Select
          label={t('filter.status')}
          data={[
            { value: 'ALL', label: t('filter.all') },
            ...STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) })),
          ]}
          value={status}
          onChange={(v) => setStatus((v as StatusFilter | null) ?? 'ALL')}
          allowDeselect={false}
          w={{ base: '100%', xs: 180 }}
          data-testid="templates-status-filter"
        />
        <Button
          variant="default"
          leftSection={<IconRefresh size={16} aria-hidden />}
          loading={sync.isPending}
          onClick={() =>
            sync.mutate(channel.id, { onSuccess: (r) => notifySuccess(t('sync.done', { count: r.synced })) })
          }
          data-testid="templates-sync"
        >
          {t('sync.button')}
        </Button>
      </Group>
      {sync.isError && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} aria-hidden />} role="alert">
          {describeError(sync.error)}
        </Alert>
      )}
      <div aria-live="polite" className="templates-live">
        {pending && (
          <Text size="xs" c="dimmed" data-testid="templates-pending-note">
            {t('pendingNote')}
          </Text>
        )}
      </div>
      {templates.isError ? (
        <ErrorState error={templates.error} onRetry={() => void templates.refetch()} />
      ) : templates.isPending ? (
        <Stack gap="sm">
          <Skeleton h={88} />
          <Skeleton h={88} />
        </Stack>
      ) : shown.length === 0 ? (
        <Card withBorder radius="md" p="xl">
          <Stack align="center" gap="xs" ta="center">
            <IconTemplate size={36} stroke={1.5} aria-hidden />
            <Text size="sm" c="dimmed" maw={460}>
              {all.length > 0 ? t('emptyFiltered') : isManager ? t('empty') : t('emptyReadOnly')}
            </Text>
          </Stack>
        </Card>
      ) : (
        <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {!isManager && (
            <Text size="sm" c="dimmed">
              {t('readOnly')}
            </Text>
          )}
          {shown.map((tpl) => (
            <TemplateRow
              key={tpl.id}
              template={tpl}
              canManage={isManager}
              onCopy={() => onCopy(formFromTemplate(tpl))}
              onDelete={() => {
                remove.reset();
                setDeleting(tpl);
              }}
            />
          ))}
        </Stack>
      )}
      <ConfirmModal
        opened={!!deleting}
        onClose={() => setDeleting(null)}
        onConfirm={confirmDelete}
        title={t('delete.title', { name: deleting?.name ?? '' })}
        confirmLabel={t('delete.confirm')}
        danger
        loading={remove.isPending}
      >
        <Stack gap="xs">
          <Text size="sm">
            {t('delete.text', { name: deleting?.name ?? '', language: deleting?.language ?? '' })}
          </Text>
          <Text size="sm" c="dimmed">
            {t('delete.otherLanguages')}
          </Text>
          {deleting?.status.toUpperCase() === 'APPROVED' && (
            <Text size="sm" c="dimmed">
              {t('delete.nameBlocked')}
            </Text>
          )}
          {remove.isError && (
            <Alert color="red" variant="light" role="alert">
              {isApiError(remove.error, 'template_refused')
                ? t('errors.template_refused', {
                    reason: String(
                      (remove.error.details as { graphTitle?: string } | undefined)?.graphTitle ?? '',
                    ),
                  })
                : describeError(remove.error)}
            </Alert>
          )}
        </Stack>
      </ConfirmModal>
    </Stack>
  );
}

function TemplateRow({
  template,
  canManage,
  onCopy,
  onDelete,
}: {
  template: TemplateDto;
  canManage: boolean;
  onCopy: () => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation('templates');
  const headingId = `template-${template.id}`;
  const quality = qualityColor(template.qualityScore);
  const status = template.status.toUpperCase();
  return (
    <Card
      component="li"
      withBorder
      radius="md"
      padding="md"
      aria-labelledby={headingId}
      data-testid="template-row"
      data-name={template.name}
      data-language={template.language}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
        <Stack gap={6} miw={0} style={{ flex: 1 }}>
          <Group gap="xs" wrap="wrap">
            <Text fw={600} id={headingId} className="templates-break" ff="monospace" size="sm">
              {template.name}
            </Text>
            <Badge variant="outline" color="gray" size="sm" tt="none">
              {template.language}
            </Badge>
            <StatusBadge status={status} />
          </Group>
          <Group gap="xs" wrap="wrap">
            <Text size="xs" c="dimmed">
              {t(`category.${template.category.toUpperCase()}` as 'category.UTILITY', {
                defaultValue: template.category,
              })}
            </Text>
            {template.qualityScore && (
              <Text size="xs" c={quality ? `${quality}.8` : 'dimmed'} data-testid="template-quality">
                {t('quality.label')}:{' '}
                {t(`quality.${template.qualityScore.toUpperCase()}` as 'quality.GREEN', {
                  defaultValue: template.qualityScore,
                })}
              </Text>
            )}
          </Group>
          {template.statusReason && status !== 'APPROVED' && (
            <Text size="xs" c="red.8" data-testid="template-reason" className="templates-break">
              {t('reason')}:{' '}
              {t(`reasons.${template.statusReason}` as 'reasons.INVALID_FORMAT', {
                defaultValue: template.statusReason,
              })}
            </Text>
          )}
          <Text size="sm" c="dimmed" lineClamp={2} className="templates-text">
            {bodyOf(template)}
          </Text>
        </Stack>
        {canManage && (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={t('actions', { name: template.name, language: template.language })}
                data-testid="template-actions"
              >
                <IconDots size={18} aria-hidden />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item
                leftSection={<IconCopy size={16} aria-hidden />}
                onClick={onCopy}
                data-testid="template-copy"
              >
                {t('copy')}
              </Menu.Item>
              <Menu.Item
                color="red"
                leftSection={<IconTrash size={16} aria-hidden />}
                onClick={onDelete}
                data-testid="template-delete"
              >
                {t('delete.button')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>
    </Card>
  );
}
