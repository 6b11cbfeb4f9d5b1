import { Badge, Button, Code, Group, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconLink, IconLinkOff } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { SectionCard } from '../../components/SectionCard';
import { formatDateTime } from '../../lib/format';
import { useWorkspace } from '../shell/workspace-context';
import { type AuditEvent, useAuditEvents } from './api';

/** `/w/:id/settings/audit` (owners and admins): the tamper-evident audit trail. */
export function AuditLogPage() {
  const { t } = useTranslation();
  const { workspaceId } = useWorkspace();
  const audit = useAuditEvents(workspaceId);
  const events = audit.data?.pages.flatMap((page) => page.events) ?? [];
  const chainValid = audit.data?.pages.every((page) => page.chainValid);

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        description={t('audit.description')}
        actions={
          audit.data &&
          (chainValid ? (
            <Tooltip label={t('audit.chainIntactHint')} multiline w={260}>
              <Badge
                size="lg"
                color="teal"
                variant="light"
                leftSection={<IconLink size={14} aria-hidden />}
                data-testid="audit-chain"
              >
                {t('audit.chainIntact')}
              </Badge>
            </Tooltip>
          ) : (
            <Tooltip label={t('audit.chainBrokenHint')} multiline w={260}>
              <Badge
                size="lg"
                color="red"
                variant="filled"
                leftSection={<IconLinkOff size={14} aria-hidden />}
                data-testid="audit-chain"
              >
                {t('audit.chainBroken')}
              </Badge>
            </Tooltip>
          ))
        }
      />
      {audit.isError ? (
        <ErrorState error={audit.error} onRetry={() => void audit.refetch()} />
      ) : (
        <SectionCard title={t('audit.events')} headingId="audit-heading">
          {audit.isPending ? (
            <Stack gap="xs">
              <Skeleton h={36} />
              <Skeleton h={36} />
              <Skeleton h={36} />
            </Stack>
          ) : events.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('audit.empty')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table verticalSpacing="xs" striped aria-labelledby="audit-heading">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('audit.time')}</Table.Th>
                    <Table.Th>{t('audit.event')}</Table.Th>
                    <Table.Th>{t('audit.actor')}</Table.Th>
                    <Table.Th>{t('audit.subject')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {events.map((event) => (
                    <AuditRow key={event.id} event={event} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {audit.hasNextPage && (
            <Group justify="center">
              <Button
                variant="default"
                loading={audit.isFetchingNextPage}
                onClick={() => void audit.fetchNextPage()}
              >
                {t('audit.loadMore')}
              </Button>
            </Group>
          )}
        </SectionCard>
      )}
    </>
  );
}

function AuditRow({ event }: { event: AuditEvent }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const typeKey = `audit.types.${event.type.replace(/\./g, '_')}`;
  const hasData = Object.keys(event.data).length > 0;
  return (
    <Fragment>
      <Table.Tr data-testid="audit-row">
        <Table.Td>
          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
            {formatDateTime(event.createdAt, 'short')}
          </Text>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{i18n.exists(typeKey) ? t(typeKey) : event.type}</Text>
          <Group gap="xs" wrap="nowrap">
            {i18n.exists(typeKey) && (
              <Text size="xs" c="dimmed" ff="monospace">
                {event.type}
              </Text>
            )}
            {hasData && (
              <Button
                size="compact-xs"
                variant="subtle"
                onClick={() => setOpen((value) => !value)}
                aria-expanded={open}
                aria-label={`${open ? t('audit.hide') : t('audit.details')}: ${event.type}`}
              >
                {open ? t('audit.hide') : t('audit.details')}
              </Button>
            )}
          </Group>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{event.actorName ?? t('audit.system')}</Text>
          {event.ipPrefix && (
            <Text size="xs" c="dimmed" ff="monospace" title={t('audit.network')}>
              {event.ipPrefix}
            </Text>
          )}
        </Table.Td>
        <Table.Td>
          <Text size="sm">{event.subjectType ?? '—'}</Text>
          {event.subjectId && (
            <Text size="xs" c="dimmed" ff="monospace" title={event.subjectId}>
              {event.subjectId.slice(0, 8)}
            </Text>
          )}
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr>
          <Table.Td colSpan={4}>
            <Code block fz="xs">
              {JSON.stringify(event.data, null, 2)}
            </Code>
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}
