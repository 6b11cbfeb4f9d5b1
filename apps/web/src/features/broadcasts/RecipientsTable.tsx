import { Anchor, Badge, Button, Center, Group, Select, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorState } from '../../components/ErrorState';
import { formatDateTime } from '../../lib/format';
import {
  type BroadcastDto,
  type RecipientState,
  recipientsCsvUrl,
  recipientsPageSize,
  useFirstRecipientsPage,
  useRecipients,
  useRefreshRecipients,
} from './api';

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

/**
 * Recipients and outcomes, filterable by state, 50 at a time: "load more" adds the next page;
 * choosing a filter, also one shown before, starts from the first. Refetched when `version` changes.
 * After "load more" the focus moves to the first row it added, so a keyboard user neither loses the
 * focus (the button is busy, then gone after the last page) nor has to look for the new rows.
 */
export function RecipientsTable({
  ws,
  broadcastId,
  version,
  counts,
}: {
  ws: string;
  broadcastId: string;
  version: string;
  counts: BroadcastDto['counts'];
}) {
  const { t, i18n } = useTranslation('broadcasts');
  const [state, setState] = useState<RecipientState | null>(null);
  const list = useRecipients(ws, broadcastId, state);
  const refresh = useRefreshRecipients(ws, broadcastId);
  const firstPage = useFirstRecipientsPage(ws, broadcastId);
  // Only a change: the first fetch is the query's own.
  const seenVersion = useRef(version);
  useEffect(() => {
    if (seenVersion.current === version) return;
    seenVersion.current = version;
    void refresh();
  }, [version]);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = state ? counts[state] : counts.total;
  const n = new Intl.NumberFormat(i18n.language);
  const tbody = useRef<HTMLTableSectionElement>(null);
  const focusRow = useRef<number | null>(null);
  useEffect(() => {
    const index = focusRow.current;
    if (index === null || items.length <= index) return;
    focusRow.current = null;
    tbody.current?.querySelectorAll<HTMLElement>('tr a')[index]?.focus();
  }, [items.length]);
  const loadMore = () => {
    if (list.isFetchingNextPage) return;
    const index = items.length;
    focusRow.current = index;
    void list.fetchNextPage().then((r) => {
      // Nothing was added: nothing to move to (the button stays, with the error below).
      if (r.isError && focusRow.current === index) focusRow.current = null;
    });
  };

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
          onChange={(v) => {
            const next = !v || v === 'all' ? null : (v as RecipientState);
            focusRow.current = null;
            firstPage(next);
            setState(next);
          }}
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
            <Table.Tbody ref={tbody}>
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
                    {/* Never cut to "ZUGEST…" on a phone: the column is as wide as the longest state. */}
                    <Badge
                      color={colors[r.state]}
                      variant="light"
                      styles={{ label: { overflow: 'visible' } }}
                      data-testid="recipient-state"
                    >
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
      {list.data && items.length > 0 && (
        <Text size="sm" c="dimmed" ta="center" role="status" data-testid="recipients-shown">
          {t('recipients.shown', {
            shown: n.format(items.length),
            total: n.format(Math.max(total, items.length)),
          })}
        </Text>
      )}
      {list.hasNextPage && (
        <Center>
          <Button
            variant="default"
            onClick={loadMore}
            loading={list.isFetchingNextPage}
            data-testid="recipients-more"
          >
            {/* The counts may be a moment behind the rows: then without a number. */}
            {total > items.length
              ? t('recipients.moreCount', { count: Math.min(recipientsPageSize, total - items.length) })
              : t('recipients.more')}
          </Button>
        </Center>
      )}
    </Stack>
  );
}
