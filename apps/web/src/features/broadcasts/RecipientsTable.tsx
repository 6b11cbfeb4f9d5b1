import { Anchor, Badge, Button, Center, Group, Select, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorState } from '../../components/ErrorState';
import { formatDateTime } from '../../lib/format';
import { type RecipientState, recipientsCsvUrl, useRecipients, useRefreshRecipients } from './api';

const states: RecipientState[] = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
  'unknown',
];
const colors: Record<RecipientState, string> = {
  queued: 'gray',
  sending: 'blue',
  sent: 'blue',
  delivered: 'teal',
  read: 'green',
  failed: 'red',
  skipped: 'orange',
  unknown: 'gray',
};

/** Recipients and outcomes, filterable by state, 50 at a time; refetched when `version` changes. */
export function RecipientsTable({
  ws,
  broadcastId,
  version,
}: {
  ws: string;
  broadcastId: string;
  version: string;
}) {
  const { t } = useTranslation('broadcasts');
  const [state, setState] = useState<RecipientState | null>(null);
  const list = useRecipients(ws, broadcastId, state);
  const refresh = useRefreshRecipients(ws, broadcastId);
  useEffect(() => {
    void refresh();
  }, [version]);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Select
          label={t('recipients.filter')}
          data={[
            { value: 'all', label: t('recipients.all') },
            ...states.map((s) => ({ value: s, label: t(`recipientState.${s}`) })),
          ]}
          value={state ?? 'all'}
          onChange={(v) => setState(!v || v === 'all' ? null : (v as RecipientState))}
          allowDeselect={false}
          w={220}
          data-testid="recipients-filter"
        />
        <Button
          component="a"
          href={recipientsCsvUrl(ws, broadcastId)}
          download
          variant="default"
          leftSection={<IconDownload size={16} aria-hidden />}
          data-testid="recipients-csv"
        >
          {t('recipients.csv')}
        </Button>
      </Group>
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : !list.data ? (
        <Skeleton height={120} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="recipients-empty">
          {t('recipients.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table verticalSpacing="xs" data-testid="recipients-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('recipients.name')}</Table.Th>
                <Table.Th>{t('recipients.state')}</Table.Th>
                <Table.Th>{t('recipients.result')}</Table.Th>
                <Table.Th>{t('recipients.sentAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={r.contactId} data-testid="recipient-row" data-state={r.state}>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/w/${ws}/contacts/${r.contactId}`}
                      size="sm"
                      className="inbox-break"
                    >
                      <bdi>{r.name ?? r.phone ?? t('review.noName')}</bdi>
                    </Anchor>
                    {r.name && r.phone && (
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        <bdi>{r.phone}</bdi>
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={colors[r.state]} variant="light" data-testid="recipient-state">
                      {t(`recipientState.${r.state}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {r.error && (
                      <Text
                        size="sm"
                        c={r.state === 'failed' ? 'red.8' : undefined}
                        data-testid="recipient-error"
                      >
                        {t(`errorCode.${r.error.code}`, { defaultValue: r.error.message })}
                      </Text>
                    )}
                    {r.repliedAt && (
                      <Badge color="violet" variant="light" data-testid="recipient-replied">
                        {t('recipients.replied')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm">{r.sentAt ? formatDateTime(r.sentAt, 'short') : '—'}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.hasNextPage && (
        <Center>
          <Button
            variant="default"
            onClick={() => void list.fetchNextPage()}
            loading={list.isFetchingNextPage}
            data-testid="recipients-more"
          >
            {t('recipients.more')}
          </Button>
        </Center>
      )}
    </Stack>
  );
}
