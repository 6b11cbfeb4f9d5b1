import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { AttributeValues, ContactProfileDto, CustomAttributeDto } from '@parley/contracts';
import { IconArrowLeft, IconBan, IconGitMerge, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { FormError } from '../../components/FormError';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { ConsentCard } from '../consents/ConsentCard';
import { useLabelList } from '../labels/api';
import { useWorkspace } from '../shell/workspace-context';
import {
  useAttributes,
  useBlockContact,
  useContact,
  useContactLabels,
  useContactNotes,
  useContacts,
  useMergeContact,
  useUpdateContact,
} from './api';
import './i18n';
import { formatPhone } from './model';

/** `/w/:id/contacts/:contactId`: one contact's profile. */
export function ContactProfilePage() {
  const { contactId = '' } = useParams();
  const { t } = useTranslation('contacts');
  const { workspaceId } = useWorkspace();
  const contact = useContact(workspaceId, contactId);
  return (
    <Stack gap="md" data-testid="contact-profile">
      <Anchor component={Link} to={`/w/${workspaceId}/contacts`} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden />
          {t('back')}
        </Group>
      </Anchor>
      {contact.isError ? (
        <ErrorState error={contact.error} onRetry={() => void contact.refetch()} />
      ) : contact.isPending ? (
        <Skeleton h={240} />
      ) : (
        <Profile c={contact.data} key={contact.data.id} />
      )}
    </Stack>
  );
}

function Profile({ c }: { c: ContactProfileDto }) {
  const { t, i18n } = useTranslation('contacts');
  const { workspaceId, isManager } = useWorkspace();
  const block = useBlockContact(workspaceId, c.id);
  const [confirmBlock, setConfirmBlock] = useState(false);
  const [merging, setMerging] = useState(false);
  const date = (iso: string) => new Date(iso).toLocaleDateString(i18n.language, { dateStyle: 'medium' });
  const title = c.name || formatPhone(c.phone);

  return (
    <>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <div>
          <Title order={1} size="h2">
            {title}
          </Title>
          <Text c="dimmed">
            {formatPhone(c.phone)} · {t(`source.${c.source}`)} · {t('since', { date: date(c.createdAt) })}
          </Text>
        </div>
        <Group gap="xs">
          {isManager && (
            <Button
              variant="default"
              leftSection={<IconGitMerge size={16} aria-hidden />}
              onClick={() => setMerging(true)}
              data-testid="contact-merge-button"
            >
              {t('merge')}
            </Button>
          )}
          <Button
            variant={c.blocked ? 'default' : 'light'}
            color={c.blocked ? undefined : 'red'}
            leftSection={<IconBan size={16} aria-hidden />}
            loading={block.isPending}
            onClick={() => (c.blocked ? block.mutate(false) : setConfirmBlock(true))}
            data-testid="contact-block-button"
          >
            {c.blocked ? t('unblock') : t('block')}
          </Button>
        </Group>
      </Group>
      {c.blocked && c.blockedAt && (
        <Alert color="red" variant="light">
          {t('blockedNotice', { date: date(c.blockedAt) })}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Stack gap="md">
          <Details c={c} />
          <LabelsCard c={c} />
          <ConsentCard contactId={c.id} />
        </Stack>
        <Stack gap="md">
          <Notes c={c} />
          <Card withBorder>
            <Title order={2} size="h4" mb="sm">
              {t('conversations')}
            </Title>
            {c.conversations.length === 0 ? (
              <Text c="dimmed" size="sm">
                {t('noConversations')}
              </Text>
            ) : (
              <Stack gap={6}>
                {c.conversations.map((v) => (
                  <Group key={v.id} justify="space-between">
                    <Anchor component={Link} to={`/w/${workspaceId}/inbox/${v.id}`}>
                      {new Date(v.lastMessageAt).toLocaleString(i18n.language, {
                        dateStyle: 'medium',
                        timeStyle: 'short',
                      })}
                    </Anchor>
                    <Badge variant="light">{t(`status.${v.status}`)}</Badge>
                  </Group>
                ))}
              </Stack>
            )}
          </Card>
        </Stack>
      </SimpleGrid>
      <ConfirmModal
        opened={confirmBlock}
        onClose={() => setConfirmBlock(false)}
        title={t('blockTitle', { name: title })}
        confirmLabel={t('block')}
        danger
        loading={block.isPending}
        onConfirm={() => block.mutate(true, { onSuccess: () => setConfirmBlock(false) })}
      >
        {t('blockText')}
      </ConfirmModal>
      {merging && <MergeModal c={c} onClose={() => setMerging(false)} />}
    </>
  );
}

function AttributeInput({
  def,
  value,
  onChange,
}: {
  def: CustomAttributeDto;
  value: AttributeValues[string] | undefined;
  onChange: (v: AttributeValues[string]) => void;
}) {
  const { t } = useTranslation('contacts');
  switch (def.type) {
    case 'number':
      return (
        <NumberInput
          label={def.label}
          value={typeof value === 'number' ? value : ''}
          onChange={(v) => onChange(v === '' ? null : Number(v))}
        />
      );
    case 'date':
      return (
        <TextInput
          type="date"
          label={def.label}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value || null)}
        />
      );
    case 'list':
      return (
        <Select
          label={def.label}
          data={def.options}
          value={typeof value === 'string' ? value : null}
          onChange={(v) => onChange(v)}
          clearable
        />
      );
    case 'checkbox':
      return (
        <Checkbox
          mt="md"
          label={def.label}
          checked={value === true}
          onChange={(e) => onChange(e.currentTarget.checked)}
          aria-describedby={undefined}
          title={value === true ? t('yes') : t('no')}
        />
      );
    default:
      return (
        <TextInput
          label={def.label}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value || null)}
        />
      );
  }
}

function Details({ c }: { c: ContactProfileDto }) {
  const { t } = useTranslation('contacts');
  const { workspaceId } = useWorkspace();
  const defs = useAttributes(workspaceId).data?.attributes ?? [];
  const update = useUpdateContact(workspaceId, c.id);
  const [name, setName] = useState(c.name ?? '');
  const [email, setEmail] = useState(c.email ?? '');
  const [attrs, setAttrs] = useState<AttributeValues>(c.attributes);
  const errors = fieldErrors(update.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      { ...(name.trim() ? { name: name.trim() } : {}), email: email.trim() || null, attributes: attrs },
      { onSuccess: () => notifySuccess(t('saved')) },
    );
  };
  return (
    <Card withBorder>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" data-testid="contact-attributes">
          <TextInput
            label={t('name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors['body.name']}
          />
          <TextInput
            label={t('email')}
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={errors['body.email']}
          />
          {defs.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('noAttributes')}
            </Text>
          ) : (
            defs.map((d) => (
              <AttributeInput
                key={d.id}
                def={d}
                value={attrs[d.key]}
                onChange={(v) => setAttrs((a) => ({ ...a, [d.key]: v }))}
              />
            ))
          )}
          <FormError error={update.error} fields={['body.name', 'body.email']} />
          <Group justify="flex-end">
            <Button type="submit" loading={update.isPending} data-testid="contact-save">
              {t('save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function LabelsCard({ c }: { c: ContactProfileDto }) {
  const { t } = useTranslation('contacts');
  const { workspaceId } = useWorkspace();
  const labels = useLabelList(workspaceId).data?.labels ?? [];
  const set = useContactLabels(workspaceId, c.id);
  return (
    <Card withBorder>
      <MultiSelect
        label={t('labels')}
        data={labels.map((l) => ({ value: l.id, label: l.name }))}
        value={c.labels.map((l) => l.id)}
        onChange={(ids) => set.mutate(ids)}
        searchable
        data-testid="contact-labels"
      />
    </Card>
  );
}

function Notes({ c }: { c: ContactProfileDto }) {
  const { t, i18n } = useTranslation('contacts');
  const { workspaceId, me, isManager } = useWorkspace();
  const notes = useContactNotes(workspaceId, c.id);
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    notes.add.mutate(text.trim(), { onSuccess: () => setText('') });
  };
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('notes')}
      </Title>
      <form onSubmit={submit}>
        <Stack gap="xs">
          <Textarea
            aria-label={t('notes')}
            placeholder={t('notePlaceholder')}
            autosize
            minRows={2}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            data-testid="contact-note-input"
          />
          <Group justify="flex-end">
            <Button type="submit" size="xs" loading={notes.add.isPending} disabled={!text.trim()}>
              {t('addNote')}
            </Button>
          </Group>
        </Stack>
      </form>
      <Stack gap="xs" mt="sm">
        {c.notes.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('noNotes')}
          </Text>
        )}
        {c.notes.map((n) => (
          <Card key={n.id} padding="xs" bg="var(--mantine-color-yellow-light)" data-testid="contact-note">
            <Group justify="space-between" align="flex-start" wrap="nowrap">
              <div>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                  {n.text}
                </Text>
                <Text size="xs" c="dimmed">
                  {n.authorName ?? '—'} ·{' '}
                  {new Date(n.createdAt).toLocaleString(i18n.language, {
                    dateStyle: 'medium',
                    timeStyle: 'short',
                  })}
                </Text>
              </div>
              {(n.authorId === me.user.id || isManager) && (
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  aria-label={t('deleteNote')}
                  onClick={() => notes.remove.mutate(n.id)}
                >
                  <IconTrash size={14} aria-hidden />
                </ActionIcon>
              )}
            </Group>
          </Card>
        ))}
      </Stack>
    </Card>
  );
}

function MergeModal({ c, onClose }: { c: ContactProfileDto; onClose: () => void }) {
  const { t } = useTranslation('contacts');
  const { workspaceId } = useWorkspace();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 250);
  const [otherId, setOtherId] = useState<string | null>(null);
  const found = useContacts(workspaceId, { q: debounced, labelId: null, blocked: null, sort: 'recent' });
  const merge = useMergeContact(workspaceId, c.id);
  const options = (found.data?.pages.flatMap((p) => p.items) ?? [])
    .filter((x) => x.id !== c.id)
    .map((x) => ({ value: x.id, label: `${x.name ?? ''} ${formatPhone(x.phone)}`.trim() }));
  const name = c.name || formatPhone(c.phone);
  useEffect(() => setOtherId(null), [debounced]);
  return (
    <Modal opened onClose={onClose} title={t('mergeTitle', { name })}>
      <Stack gap="sm">
        <Select
          label={t('mergeSearch')}
          searchable
          searchValue={q}
          onSearchChange={setQ}
          data={options}
          value={otherId}
          onChange={setOtherId}
          filter={({ options: o }) => o}
          nothingFoundMessage={t('noMatch')}
          data-testid="merge-search"
        />
        <Text size="sm">{t('mergeExplain', { name })}</Text>
        <FormError error={merge.error} messages={{ merge_conflict: t('mergeConflict') }} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('cancel')}
          </Button>
          <Button
            color="red"
            disabled={!otherId}
            loading={merge.isPending}
            onClick={() =>
              otherId &&
              merge.mutate(otherId, {
                onSuccess: (kept) => {
                  notifySuccess(t('merged'));
                  onClose();
                  void navigate(`/w/${workspaceId}/contacts/${kept.id}`);
                },
              })
            }
            data-testid="merge-confirm"
          >
            {t('mergeConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
