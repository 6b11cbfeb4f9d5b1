import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDownload, IconForms, IconPlus, IconSearch, IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useLabelList } from '../labels/api';
import { useWorkspace } from '../shell/workspace-context';
import { AttributesModal } from './AttributesModal';
import { type ContactFilters, exportUrl, useContacts } from './api';
import { ImportModal } from './ImportModal';
import './i18n';
import { formatPhone } from './model';
import { NewContactModal } from './NewContactModal';

/** `/w/:id/contacts`: search, filter and sort the contacts; add, import, export (admins). */
export function ContactsPage() {
  const { t, i18n } = useTranslation('contacts');
  const { workspaceId, isManager } = useWorkspace();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 250);
  const [labelId, setLabelId] = useState<string | null>(null);
  const [blocked, setBlocked] = useState<string | null>(null);
  const [sort, setSort] = useState<'recent' | 'created'>('recent');
  const [modal, setModal] = useState<'new' | 'import' | 'fields' | null>(null);
  const filters: ContactFilters = {
    q: debounced,
    labelId,
    blocked: blocked === null ? null : blocked === 'true',
    sort,
  };
  const list = useContacts(workspaceId, filters);
  const labels = useLabelList(workspaceId).data?.labels ?? [];
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const date = (iso: string | null) =>
    iso ? new Date(iso).toLocaleDateString(i18n.language, { dateStyle: 'medium' }) : t('never');
  const filtered = !!(debounced.trim() || labelId || blocked);

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        testId="contacts-page"
        actions={
          <Group gap="xs">
            <Button
              leftSection={<IconPlus size={18} aria-hidden />}
              onClick={() => setModal('new')}
              data-testid="contact-new-button"
            >
              {t('new')}
            </Button>
            {isManager && (
              <>
                <Button
                  variant="default"
                  leftSection={<IconUpload size={18} aria-hidden />}
                  onClick={() => setModal('import')}
                  data-testid="contacts-import-button"
                >
                  {t('import')}
                </Button>
                <Button
                  variant="default"
                  component="a"
                  href={exportUrl(workspaceId, filters)}
                  download
                  leftSection={<IconDownload size={18} aria-hidden />}
                  data-testid="contacts-export-link"
                >
                  {t('export')}
                </Button>
                <Button
                  variant="subtle"
                  leftSection={<IconForms size={18} aria-hidden />}
                  onClick={() => setModal('fields')}
                >
                  {t('fields')}
                </Button>
              </>
            )}
          </Group>
        }
      />
      <Card withBorder padding="md">
        <Stack gap="md">
          <Group gap="sm" align="flex-end" wrap="wrap">
            <TextInput
              style={{ flex: '1 1 16rem' }}
              leftSection={<IconSearch size={16} aria-hidden />}
              placeholder={t('search')}
              aria-label={t('searchLabel')}
              value={q}
              onChange={(e) => setQ(e.currentTarget.value)}
              data-testid="contact-search"
            />
            <Select
              label={t('label')}
              placeholder={t('anyLabel')}
              clearable
              data={labels.map((l) => ({ value: l.id, label: l.name }))}
              value={labelId}
              onChange={setLabelId}
              w={180}
            />
            <Select
              label={t('blockedFilter')}
              placeholder={t('blockedAny')}
              clearable
              data={[
                { value: 'true', label: t('blockedOnly') },
                { value: 'false', label: t('notBlocked') },
              ]}
              value={blocked}
              onChange={setBlocked}
              w={160}
            />
            <Select
              label={t('sort')}
              data={[
                { value: 'recent', label: t('sortRecent') },
                { value: 'created', label: t('sortCreated') },
              ]}
              value={sort}
              onChange={(v) => setSort(v === 'created' ? 'created' : 'recent')}
              allowDeselect={false}
              w={170}
            />
          </Group>
          {list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          ) : list.isPending ? (
            <Stack gap="xs">
              {[0, 1, 2].map((i) => (
                <Skeleton key={i} h={36} />
              ))}
            </Stack>
          ) : items.length === 0 ? (
            <Text c="dimmed" py="lg" ta="center">
              {filtered ? t('noMatch') : t('empty')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table highlightOnHover verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('name')}</Table.Th>
                    <Table.Th>{t('phone')}</Table.Th>
                    <Table.Th>{t('labels')}</Table.Th>
                    <Table.Th>{t('lastActivity')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((c) => (
                    <Table.Tr key={c.id} data-testid="contact-row">
                      <Table.Td>
                        <Anchor component={Link} to={`/w/${workspaceId}/contacts/${c.id}`} fw={600}>
                          {c.name || formatPhone(c.phone)}
                        </Anchor>
                        {c.blocked && (
                          <Badge ml="xs" color="red" variant="light" size="sm">
                            {t('blocked')}
                          </Badge>
                        )}
                        {c.email && (
                          <Text size="xs" c="dimmed">
                            {c.email}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatPhone(c.phone)}</Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {c.labels.map((l) => (
                            <Badge key={l.id} color={l.color} variant="light" size="sm">
                              {l.name}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{date(c.lastActivityAt)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {list.hasNextPage && (
            <Group justify="center">
              <Button
                variant="default"
                loading={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
                data-testid="contacts-load-more"
              >
                {t('loadMore')}
              </Button>
            </Group>
          )}
        </Stack>
      </Card>
      {modal === 'new' && <NewContactModal onClose={() => setModal(null)} />}
      {modal === 'import' && <ImportModal onClose={() => setModal(null)} />}
      {modal === 'fields' && <AttributesModal onClose={() => setModal(null)} />}
    </>
  );
}
