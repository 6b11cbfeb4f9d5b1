import { Alert, Button, Divider, FileInput, Group, List, MultiSelect, Stack, Text } from '@mantine/core';
import { IconFileUpload, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SectionCard } from '../../components/SectionCard';
import { isApiError } from '../../lib/api';
import { describeError } from '../../lib/notify';
import { useAttributes } from '../contacts/api';
import { useLabelList } from '../labels/api';
import { type ImportResult, useImportAudience } from './api';
import type { BroadcastForm, ConditionDraft } from './model';
import { SegmentBuilder } from './SegmentBuilder';

/** Step 2: who receives it — labels, a segment, CSV lists — and who never does (excluded labels). */
export function AudienceSection({
  ws,
  form,
  onChange,
}: {
  ws: string;
  form: BroadcastForm;
  onChange: (patch: Partial<BroadcastForm>) => void;
}) {
  const { t } = useTranslation('broadcasts');
  const labels = useLabelList(ws).data?.labels ?? [];
  const attributes = useAttributes(ws).data?.attributes ?? [];
  const labelData = labels.map((l) => ({ value: l.id, label: l.name }));

  return (
    <SectionCard title={t('audience.title')} description={t('audience.text')} headingId="bc-audience">
      <MultiSelect
        label={t('audience.labels')}
        description={t('audience.labelsHint')}
        data={labelData}
        value={form.labelIds}
        onChange={(labelIds) => onChange({ labelIds })}
        searchable
        clearable
        data-testid="audience-labels"
      />
      <Divider />
      <SegmentBuilder
        conditions={form.conditions}
        onChange={(conditions: ConditionDraft[]) => onChange({ conditions })}
        labels={labels}
        attributes={attributes}
      />
      <Divider />
      <CsvList ws={ws} form={form} onChange={onChange} />
      <Divider />
      <MultiSelect
        label={t('audience.exclude')}
        description={t('audience.excludeHint')}
        data={labelData}
        value={form.excludeLabelIds}
        onChange={(excludeLabelIds) => onChange({ excludeLabelIds })}
        searchable
        clearable
        data-testid="audience-exclude"
      />
    </SectionCard>
  );
}

/** A static list from a CSV file (phone, name, consent_proof): its contacts join the audience. */
function CsvList({
  ws,
  form,
  onChange,
}: {
  ws: string;
  form: BroadcastForm;
  onChange: (patch: Partial<BroadcastForm>) => void;
}) {
  const { t, i18n } = useTranslation('broadcasts');
  const upload = useImportAudience(ws);
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const n = new Intl.NumberFormat(i18n.language);

  const choose = async (f: File | null) => {
    setFile(f);
    setResult(null);
    upload.reset();
    if (!f || !form.channelId) return;
    const csv = await f.text();
    upload.mutate(
      { channelId: form.channelId, csv },
      {
        onSuccess: (r) => {
          setResult(r);
          onChange({ listContactIds: [...new Set([...form.listContactIds, ...r.contactIds])] });
        },
      },
    );
  };

  return (
    <Stack gap="xs">
      <div>
        <Text fw={600} size="sm">
          {t('csv.title')}
        </Text>
        <Text size="xs" c="dimmed">
          {t('csv.text')}
        </Text>
      </div>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <FileInput
          label={t('csv.file')}
          placeholder={t('csv.choose')}
          accept=".csv,text/csv,text/plain"
          value={file}
          onChange={(f) => void choose(f)}
          disabled={!form.channelId || upload.isPending}
          leftSection={<IconFileUpload size={16} aria-hidden />}
          clearable
          style={{ flex: '1 1 14rem' }}
          data-testid="csv-input"
        />
        {form.listContactIds.length > 0 && (
          <Button
            variant="default"
            leftSection={<IconX size={16} aria-hidden />}
            onClick={() => {
              onChange({ listContactIds: [] });
              setResult(null);
              setFile(null);
            }}
          >
            {t('csv.clear')}
          </Button>
        )}
      </Group>
      {!form.channelId && (
        <Text size="xs" c="dimmed">
          {t('csv.needsNumber')}
        </Text>
      )}
      {upload.isPending && (
        <Text size="sm" role="status">
          {t('csv.uploading')}
        </Text>
      )}
      {upload.isError && (
        <Alert color="red" role="alert">
          {isApiError(upload.error) && upload.error.issues.length > 0
            ? upload.error.issues.map((i) => i.message).join(' ')
            : describeError(upload.error)}
        </Alert>
      )}
      {result && (
        <Alert color={result.errors.length > 0 ? 'yellow' : 'teal'} data-testid="csv-result" role="status">
          <Text size="sm">
            {t('csv.result', {
              created: n.format(result.created),
              matched: n.format(result.matched),
              consents: n.format(result.consentsRecorded),
            })}
          </Text>
          {result.errors.length > 0 && (
            <>
              <Text size="sm" fw={600} mt={6}>
                {t('csv.errors', { count: result.errors.length })}
              </Text>
              <List size="sm" data-testid="csv-errors">
                {result.errors.slice(0, 50).map((e) => (
                  <List.Item key={`${e.line}-${e.code}`}>
                    {t('csv.errorLine', { line: e.line, message: e.message })}
                  </List.Item>
                ))}
              </List>
              {result.errors.length > 50 && (
                <Text size="xs" c="dimmed">
                  {t('csv.moreErrors', { count: result.errors.length - 50 })}
                </Text>
              )}
            </>
          )}
        </Alert>
      )}
      {form.listContactIds.length > 0 && (
        <Text size="sm" data-testid="csv-count">
          {t('csv.inAudience', { count: form.listContactIds.length })}
        </Text>
      )}
    </Stack>
  );
}
