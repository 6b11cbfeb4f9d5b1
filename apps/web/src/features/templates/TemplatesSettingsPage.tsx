import { Button, Card, Select, Skeleton, Stack, Text } from '@mantine/core';
import { IconPlus, IconTemplate } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useChannels } from '../channels/api';
import { useWorkspace } from '../shell/workspace-context';
import { useTemplatesRealtime } from './realtime';
import { TemplateEditor } from './TemplateEditor';
import { TemplateList } from './TemplateList';
import { emptyForm, type TemplateForm } from './template-form';
import './i18n';
import './templates.css';

/**
 * `/w/:workspaceId/settings/templates`: each number's message templates with their review status;
 * owners and admins create (submit for Meta's review), copy into another language and delete. A
 * review's outcome or a quality change shows up live (`template.updated`).
 */
export function TemplatesSettingsPage() {
  const { t } = useTranslation('templates');
  const { workspaceId, isManager } = useWorkspace();
  const channels = useChannels(workspaceId);
  useTemplatesRealtime(workspaceId);
  const list = channels.data?.channels ?? [];
  const [channelId, setChannelId] = useState<string | null>(null);
  const [editing, setEditing] = useState<TemplateForm | null>(null);
  useEffect(() => {
    if (list.length > 0 && !list.some((c) => c.id === channelId)) setChannelId(list[0]?.id ?? null);
  }, [list, channelId]);
  const channel = list.find((c) => c.id === channelId) ?? null;

  const channelSelect = list.length > 1 && (
    <Select
      label={t('channel')}
      data={list.map((c) => ({
        value: c.id,
        label: c.displayPhoneNumber ? `${c.name} (${c.displayPhoneNumber})` : c.name,
      }))}
      value={channelId}
      onChange={(v) => v && setChannelId(v)}
      allowDeselect={false}
      w={{ base: '100%', xs: 280 }}
      data-testid="templates-channel"
    />
  );

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          isManager &&
          channel &&
          !editing && (
            <Button
              leftSection={<IconPlus size={18} aria-hidden />}
              onClick={() => setEditing(emptyForm())}
              data-testid="template-create"
            >
              {t('create')}
            </Button>
          )
        }
      />
      {channels.isError ? (
        <ErrorState error={channels.error} onRetry={() => void channels.refetch()} />
      ) : channels.isPending ? (
        <Skeleton h={240} />
      ) : !channel ? (
        <Card withBorder radius="md" p="xl">
          <Stack align="center" gap="xs" ta="center">
            <IconTemplate size={36} stroke={1.5} aria-hidden />
            <Text size="sm" c="dimmed">
              {t('noChannel')}
            </Text>
          </Stack>
        </Card>
      ) : editing ? (
        <TemplateEditor channel={channel} initial={editing} onDone={() => setEditing(null)} />
      ) : (
        <Stack gap="md">
          {channelSelect}
          <TemplateList channel={channel} onCopy={(form) => setEditing(form)} />
        </Stack>
      )}
    </>
  );
}
