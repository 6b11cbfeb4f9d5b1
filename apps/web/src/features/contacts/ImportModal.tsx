import {
  Alert,
  Button,
  FileInput,
  Group,
  Modal,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import type { ImportPreviewResponse, ImportReport } from '@parley/contracts';
import { IconDownload, IconFileTypeCsv } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { labelsKey } from '../labels/api';
import { useWorkspace } from '../shell/workspace-context';
import { contactsKey, previewImport, uploadImport, useAttributes } from './api';
import { initialMapping, mappingProblem, mappingTargets, rejectedCsv } from './model';
import { countryOptions } from './NewContactModal';

type Step =
  | { at: 'choose' }
  | { at: 'map'; file: File; preview: ImportPreviewResponse }
  | { at: 'upload'; percent: number }
  | { at: 'done'; report: ImportReport };

/** CSV import: choose a file → check the mapping → upload with progress → the report. */
export function ImportModal({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation('contacts');
  const { workspaceId } = useWorkspace();
  const qc = useQueryClient();
  const attributes = useAttributes(workspaceId).data?.attributes ?? [];
  const [step, setStep] = useState<Step>({ at: 'choose' });
  const [error, setError] = useState<unknown>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [country, setCountry] = useState('DE');
  const [onDuplicate, setOnDuplicate] = useState<'skip' | 'update'>('skip');
  const targetLabel = (v: string) =>
    v.startsWith('attr:')
      ? (attributes.find((a) => `attr:${a.key}` === v)?.label ?? v.slice(5))
      : t(`targets.${v}`);
  const reasonText = (code: string) => t(`reasons.${code}`, { defaultValue: code });

  const choose = async (file: File | null) => {
    setError(null);
    if (!file) return;
    try {
      const preview = await previewImport(workspaceId, file);
      setMapping(initialMapping(preview.headers, preview.suggestedMapping));
      setStep({ at: 'map', file, preview });
    } catch (e) {
      setError(e);
    }
  };

  const start = async (file: File) => {
    setError(null);
    setStep({ at: 'upload', percent: 0 });
    try {
      const report = await uploadImport(
        workspaceId,
        file,
        { mapping, defaultCountry: country, onDuplicate },
        (p) => setStep({ at: 'upload', percent: p.total ? Math.round((p.loaded / p.total) * 100) : 0 }),
      );
      setStep({ at: 'done', report });
      void qc.invalidateQueries({ queryKey: contactsKey(workspaceId) });
      void qc.invalidateQueries({ queryKey: labelsKey(workspaceId) });
    } catch (e) {
      setError(e);
      setStep({ at: 'choose' });
    }
  };

  const download = (report: ImportReport) => {
    const url = URL.createObjectURL(new Blob([rejectedCsv(report, reasonText)], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'rejected-rows.csv';
    a.click();
    URL.revokeObjectURL(url);
  };

  const problem = step.at === 'map' ? mappingProblem(mapping) : null;

  return (
    <Modal
      opened
      onClose={onClose}
      title={t('importTitle')}
      size="xl"
      closeOnClickOutside={step.at !== 'upload'}
    >
      <Stack gap="md">
        {step.at === 'choose' && (
          <FileInput
            label={t('importFile')}
            description={t('importFileHint')}
            accept=".csv,text/csv,text/plain"
            leftSection={<IconFileTypeCsv size={18} aria-hidden />}
            onChange={(f) => void choose(f)}
            data-testid="import-file-input"
            clearable
          />
        )}
        <FormError error={error} />
        {step.at === 'map' && (
          <>
            <Text size="sm" c="dimmed">
              {t('importDetected', {
                encoding: step.preview.encoding,
                delimiter: step.preview.delimiter === '\t' ? 'Tab' : step.preview.delimiter,
              })}
            </Text>
            <Table.ScrollContainer minWidth={520}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('importColumn')}</Table.Th>
                    <Table.Th>{t('importExample')}</Table.Th>
                    <Table.Th>{t('importTarget')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {step.preview.headers.map((h, i) => (
                    <Table.Tr key={h}>
                      <Table.Td fw={600}>{h}</Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed" lineClamp={1} maw={220}>
                          {step.preview.sample
                            .map((r) => r[i])
                            .filter(Boolean)
                            .slice(0, 2)
                            .join(' · ')}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Select
                          aria-label={`${t('importTarget')}: ${h}`}
                          data={mappingTargets(attributes.map((a) => a.key)).map((v) => ({
                            value: v,
                            label: targetLabel(v),
                          }))}
                          value={mapping[h] ?? 'ignore'}
                          onChange={(v) => setMapping((m) => ({ ...m, [h]: v ?? 'ignore' }))}
                          allowDeselect={false}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {problem && (
              <Alert color="orange">{problem === 'no_phone' ? t('noPhone') : t('twoPhones')}</Alert>
            )}
            <Group grow align="flex-start">
              <Select
                label={t('country')}
                data={countryOptions(i18n.language)}
                value={country}
                onChange={(v) => setCountry(v ?? 'DE')}
                allowDeselect={false}
                searchable
              />
              <Stack gap={4}>
                <Text size="sm" fw={500}>
                  {t('onDuplicate')}
                </Text>
                <SegmentedControl
                  value={onDuplicate}
                  onChange={(v) => setOnDuplicate(v === 'update' ? 'update' : 'skip')}
                  data={[
                    { value: 'skip', label: t('skip') },
                    { value: 'update', label: t('update') },
                  ]}
                />
              </Stack>
            </Group>
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('cancel')}
              </Button>
              <Button disabled={!!problem} onClick={() => void start(step.file)} data-testid="import-start">
                {t('start')}
              </Button>
            </Group>
          </>
        )}
        {step.at === 'upload' && (
          <Stack gap="xs" data-testid="import-progress">
            <Progress value={step.percent} animated aria-label={t('uploading', { percent: step.percent })} />
            <Text size="sm" aria-live="polite">
              {step.percent < 100 ? t('uploading', { percent: step.percent }) : t('reading')}
            </Text>
          </Stack>
        )}
        {step.at === 'done' && (
          <Stack gap="sm" data-testid="import-report">
            <Alert color={step.report.rejectedCount > 0 ? 'orange' : 'teal'}>
              {t('report', {
                imported: step.report.imported,
                updated: step.report.updated,
                skipped: step.report.skipped,
                rejected: step.report.rejectedCount,
              })}
            </Alert>
            {step.report.rejected.length > 0 && (
              <>
                <Text fw={600}>{t('rejectedTitle')}</Text>
                {step.report.rejectedCount > step.report.rejected.length && (
                  <Text size="sm" c="dimmed">
                    {t('rejectedMore', {
                      shown: step.report.rejected.length,
                      count: step.report.rejectedCount,
                    })}
                  </Text>
                )}
                <Table.ScrollContainer minWidth={420} mah={300}>
                  <Table>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th w={70}>{t('row')}</Table.Th>
                        <Table.Th>{t('reason')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {step.report.rejected.slice(0, 200).map((r) => (
                        <Table.Tr key={`${r.row}-${r.reason}`} data-testid="rejected-row">
                          <Table.Td>{r.row}</Table.Td>
                          <Table.Td>
                            {reasonText(r.reason)}
                            {r.detail ? ` (${r.detail})` : ''}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </>
            )}
            <Group justify="flex-end">
              {step.report.rejected.length > 0 && (
                <Button
                  variant="default"
                  leftSection={<IconDownload size={16} aria-hidden />}
                  onClick={() => download(step.report)}
                >
                  {t('downloadRejected')}
                </Button>
              )}
              <Button onClick={onClose}>{t('close')}</Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Modal>
  );
}
