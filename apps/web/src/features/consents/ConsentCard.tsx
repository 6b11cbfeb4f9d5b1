import {
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Select,
  Stack,
  Text,
  Textarea,
  Timeline,
  Title,
} from '@mantine/core';
import type { ConsentPurpose, ConsentState, RecordConsentRequest } from '@parley/contracts';
import { IconShieldCheck } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { fieldErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { useMembers } from '../people/api';
import { useWorkspace } from '../shell/workspace-context';
import { useConsents, useRecordConsent } from './api';
import './i18n';

const stateColor: Record<ConsentState, string> = {
  none: 'gray',
  requested: 'yellow',
  granted: 'green',
  withdrawn: 'red',
};
const PURPOSES: ConsentPurpose[] = ['marketing', 'service'];
const RECORD_SOURCES = ['web_form', 'import', 'agent', 'api'] as const;

/** The contact's consent per purpose and its append-only history, with "record consent". */
export function ConsentCard({ contactId }: { contactId: string }) {
  const { t, i18n } = useTranslation('consents');
  const { workspaceId } = useWorkspace();
  const consents = useConsents(workspaceId, contactId);
  const members = useMembers(workspaceId).data?.members ?? [];
  const [recording, setRecording] = useState(false);
  const nameOf = (id: string | null) => members.find((m) => m.userId === id)?.name ?? null;
  const known = (group: string, key: string) =>
    i18n.exists(`consents:${group}.${key}`) ? t(`${group}.${key}`) : key;
  const data = consents.data;

  return (
    <Card withBorder data-testid="contact-consents">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {t('title')}
        </Title>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconShieldCheck size={14} aria-hidden />}
          onClick={() => setRecording(true)}
        >
          {t('record')}
        </Button>
      </Group>
      <Stack gap={6}>
        {PURPOSES.map((p) => {
          const state = data?.current[p] ?? 'none';
          return (
            <Group key={p} justify="space-between">
              <Text size="sm">{t(`purpose.${p}`)}</Text>
              <Badge color={stateColor[state]} variant="light" data-testid={`consent-state-${p}`}>
                {t(`state.${state}`)}
              </Badge>
            </Group>
          );
        })}
      </Stack>
      <Title order={3} size="h6" mt="md" mb="xs">
        {t('history')}
      </Title>
      {data && data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('noHistory')}
        </Text>
      ) : (
        <Timeline
          active={data?.items.length ?? 0}
          bulletSize={12}
          lineWidth={2}
          data-testid="consent-history"
        >
          {[...(data?.items ?? [])].reverse().map((e) => {
            const by = nameOf(e.actorUserId);
            return (
              <Timeline.Item key={e.id} color={stateColor[e.action]}>
                <Text size="sm">
                  {t(`purpose.${e.purpose}`)}: {t(`action.${e.action}`)} · {known('source', e.source)}
                  {by ? ` · ${t('by', { name: by })}` : ''}
                </Text>
                <Text size="xs" c="dimmed">
                  {new Date(e.createdAt).toLocaleString(i18n.language, {
                    dateStyle: 'medium',
                    timeStyle: 'short',
                  })}
                </Text>
                {e.wording && (
                  <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {t('wording', { text: e.wording })}
                  </Text>
                )}
                {e.evidence && (
                  <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {t('evidence', { text: e.evidence })}
                  </Text>
                )}
              </Timeline.Item>
            );
          })}
        </Timeline>
      )}
      <Text size="xs" c="dimmed" mt="sm">
        {t('appendOnly')}
      </Text>
      {recording && <RecordModal contactId={contactId} onClose={() => setRecording(false)} />}
    </Card>
  );
}

function RecordModal({ contactId, onClose }: { contactId: string; onClose: () => void }) {
  const { t } = useTranslation('consents');
  const { workspaceId } = useWorkspace();
  const record = useRecordConsent(workspaceId, contactId);
  const [purpose, setPurpose] = useState<ConsentPurpose>('marketing');
  const [action, setAction] = useState<RecordConsentRequest['action']>('granted');
  const [source, setSource] = useState<string>('web_form');
  const [evidence, setEvidence] = useState('');
  const [wording, setWording] = useState('');
  const errors = fieldErrors(record.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    record.mutate(
      {
        purpose,
        action,
        source,
        ...(evidence.trim() ? { evidence: evidence.trim() } : {}),
        ...(wording.trim() ? { wording: wording.trim() } : {}),
      },
      {
        onSuccess: () => {
          notifySuccess(t('saved'));
          onClose();
        },
      },
    );
  };
  return (
    <Modal opened onClose={onClose} title={t('recordTitle')}>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Select
            label={t('fieldPurpose')}
            data={PURPOSES.map((p) => ({ value: p, label: t(`purpose.${p}`) }))}
            value={purpose}
            onChange={(v) => v && setPurpose(v as ConsentPurpose)}
            allowDeselect={false}
          />
          <Select
            label={t('fieldAction')}
            data={[
              { value: 'granted', label: t('granted') },
              { value: 'withdrawn', label: t('withdrawn') },
            ]}
            value={action}
            onChange={(v) => v && setAction(v as RecordConsentRequest['action'])}
            allowDeselect={false}
            data-testid="consent-action"
          />
          <Select
            label={t('fieldSource')}
            data={RECORD_SOURCES.map((s) => ({ value: s, label: t(`source.${s}`) }))}
            value={source}
            onChange={(v) => v && setSource(v)}
            allowDeselect={false}
          />
          <Textarea
            label={t('fieldWording')}
            autosize
            minRows={2}
            maxLength={2000}
            value={wording}
            onChange={(e) => setWording(e.currentTarget.value)}
            error={errors['body.wording']}
          />
          <Textarea
            label={t('fieldEvidence')}
            description={t('fieldEvidenceHint')}
            autosize
            minRows={2}
            value={evidence}
            onChange={(e) => setEvidence(e.currentTarget.value)}
            error={errors['body.evidence']}
            data-testid="consent-evidence"
          />
          <FormError error={record.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('cancel')}
            </Button>
            <Button type="submit" loading={record.isPending} data-testid="consent-save">
              {t('save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
