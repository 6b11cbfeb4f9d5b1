import { Anchor, Button, Card, Group, Paper, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconPlus, IconSpeakerphone } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime } from '../../lib/format';
import { useChannels } from '../channels/api';
import { useWorkspace } from '../shell/workspace-context';
import { useBroadcasts } from './api';
import { ProgressLine, StateBadge } from './StateBadge';
import '../inbox/inbox.css';
import './i18n';

export { BroadcastDetailPage } from './BroadcastDetailPage';
export { BroadcastNewPage } from './BroadcastNewPage';

/** `/w/:workspaceId/broadcasts`: the newsletters of the workspace, newest first. */
export function BroadcastsPage() {
  const { t } = useTranslation('broadcasts');
  const { workspaceId, isManager } = useWorkspace();
  const list = useBroadcasts(workspaceId);
  const channels = useChannels(workspaceId).data?.channels ?? [];
  const numberOf = (id: string) => {
    const ch = channels.find((c) => c.id === id);
    return ch ? ch.name || ch.displayPhoneNumber || '' : '';
  };
  const items = list.data?.items ?? [];
  // On a phone each newsletter is a card; from tablets on, a table.
  const narrow = useMediaQuery('(max-width: 48em)');
  const newButton = isManager && (
    <Button
      component={Link}
      to={`/w/${workspaceId}/broadcasts/new`}
      leftSection={<IconPlus size={16} aria-hidden />}
      data-testid="broadcast-new"
    >
      {t('list.new')}
    </Button>
  );

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('list.description')}
        testId="broadcasts-page"
        actions={newButton}
      />
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : !list.data ? (
        <Stack gap="sm">
          <Skeleton height={48} />
          <Skeleton height={48} />
          <Skeleton height={48} />
        </Stack>
      ) : items.length === 0 ? (
        <Card withBorder radius="md" p="xl" data-testid="broadcasts-empty">
          <Stack align="center" gap="sm" ta="center">
            <IconSpeakerphone size={40} stroke={1.5} aria-hidden />
            <Title order={2} fz="h4">
              {t('list.emptyTitle')}
            </Title>
            <Text c="dimmed" size="sm" maw={460}>
              {t('list.emptyText')}
            </Text>
            {newButton}
          </Stack>
        </Card>
      ) : narrow ? (
        <Stack gap="sm" data-testid="broadcast-list">
          {items.map((b) => (
            <Paper key={b.id} withBorder radius="md" p="sm" data-testid="broadcast-row">
              <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
                <div style={{ minWidth: 0 }}>
                  <Anchor
                    component={Link}
                    to={`/w/${workspaceId}/broadcasts/${b.id}`}
                    fw={600}
                    className="inbox-break"
                  >
                    <bdi>{b.templateName}</bdi>
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    <bdi>{numberOf(b.channelId)}</bdi> · {b.language}
                  </Text>
                </div>
                <StateBadge state={b.state} />
              </Group>
              <Stack gap={4} mt="xs">
                <ProgressLine counts={b.counts} />
                <Text size="xs" c="dimmed">
                  {b.scheduledAt
                    ? t('list.scheduled', { date: formatDateTime(b.scheduledAt, 'short') })
                    : t('list.created', { date: formatDateTime(b.createdAt, 'short') })}
                </Text>
              </Stack>
            </Paper>
          ))}
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="broadcast-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('list.template')}</Table.Th>
                <Table.Th>{t('list.number')}</Table.Th>
                <Table.Th>{t('list.state')}</Table.Th>
                <Table.Th>{t('list.progress')}</Table.Th>
                <Table.Th>{t('list.when')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((b) => (
                <Table.Tr key={b.id} data-testid="broadcast-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/w/${workspaceId}/broadcasts/${b.id}`} fw={600}>
                      <bdi>{b.templateName}</bdi>
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {b.language}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <bdi>{numberOf(b.channelId)}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <StateBadge state={b.state} />
                  </Table.Td>
                  <Table.Td>
                    <ProgressLine counts={b.counts} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{t('list.created', { date: formatDateTime(b.createdAt, 'short') })}</Text>
                    {b.scheduledAt && (
                      <Text size="xs" c="dimmed">
                        {t('list.scheduled', { date: formatDateTime(b.scheduledAt, 'short') })}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
