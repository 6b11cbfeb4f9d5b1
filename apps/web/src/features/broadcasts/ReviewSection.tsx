import { Alert, Group, Loader, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import type { TemplateDto } from '@parley/contracts';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { SectionCard } from '../../components/SectionCard';
import { describeError } from '../../lib/notify';
import { TemplatePreview } from '../inbox/composer/TemplatePreview';
import type { AudiencePreviewResponse } from './api';
import { durationOf, sampleValues } from './model';

const reasons = ['byRule', 'noConsent', 'optedOut', 'blocked', 'noNumber', 'overDailyLimit'] as const;

/** "about 2 h 5 min", "40 s" in the current language. */
export function useDuration() {
  const { t } = useTranslation('broadcasts');
  return (seconds: number) => {
    const d = durationOf(seconds);
    if (d.hours > 0) return t('duration.hours', { h: d.hours, m: d.minutes });
    if (d.minutes > 0) return t('duration.minutes', { m: d.minutes, s: d.seconds });
    return t('duration.seconds', { s: d.seconds });
  };
}

/** Step 5: the live numbers — who receives it, why the others do not, limits and time — and samples. */
export function ReviewSection({
  preview,
  loading,
  error,
  empty,
  template,
}: {
  preview: AudiencePreviewResponse | undefined;
  loading: boolean;
  error: unknown;
  empty: boolean;
  template: TemplateDto | null;
}) {
  const { t, i18n } = useTranslation('broadcasts');
  const n = new Intl.NumberFormat(i18n.language);
  const duration = useDuration();

  return (
    <SectionCard
      title={
        <Group gap="xs" component="span">
          {t('review.title')}
          {loading && <Loader size="xs" aria-label={t('review.updating')} />}
        </Group>
      }
      description={t('review.text')}
      headingId="bc-review"
    >
      {empty ? (
        <Text size="sm" c="dimmed" data-testid="review-empty">
          {t('review.empty')}
        </Text>
      ) : error ? (
        <Alert color="red" role="alert" icon={<IconAlertTriangle size={18} aria-hidden />}>
          {describeError(error)}
        </Alert>
      ) : !preview ? (
        <Text size="sm" c="dimmed">
          {t('review.loading')}
        </Text>
      ) : (
        <Stack gap="md" data-testid="review">
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" aria-live="polite">
            <Stat label={t('review.total')} value={n.format(preview.total)} testId="review-total" />
            <Stat
              label={t('review.eligible')}
              value={n.format(preview.eligible)}
              testId="review-eligible"
              strong
            />
            <Stat
              label={t('review.duration')}
              value={t('review.about', { duration: duration(preview.estimatedSeconds) })}
              testId="review-duration"
            />
            <Stat
              label={t('review.dailyRemaining')}
              value={
                preview.dailyRemaining === null || preview.dailyLimit === null
                  ? t('review.unlimited')
                  : t('review.remainingOf', {
                      remaining: n.format(preview.dailyRemaining),
                      limit: n.format(preview.dailyLimit),
                    })
              }
              testId="review-daily"
            />
          </SimpleGrid>
          <div>
            <Text fw={600} size="sm" mb={4} id="bc-excluded">
              {t('review.excludedTitle')}
            </Text>
            <Table
              aria-labelledby="bc-excluded"
              withRowBorders={false}
              verticalSpacing={4}
              data-testid="review-excluded"
            >
              <Table.Tbody>
                {reasons.map((r) => (
                  <Table.Tr key={r} data-reason={r} c={preview.excluded[r] === 0 ? 'dimmed' : undefined}>
                    <Table.Td>{t(`review.reason.${r}`)}</Table.Td>
                    <Table.Td
                      ta="right"
                      fw={preview.excluded[r] > 0 ? 700 : undefined}
                      data-testid={`review-excluded-${r}`}
                    >
                      {n.format(preview.excluded[r])}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Text size="xs" c="dimmed" mt={4}>
              {preview.marketing ? t('review.marketing') : t('review.notMarketing')}
            </Text>
            {preview.excluded.overDailyLimit > 0 && (
              <Alert color="yellow" mt="xs" icon={<IconAlertTriangle size={18} aria-hidden />}>
                {t('review.overLimit', { count: preview.excluded.overDailyLimit })}
              </Alert>
            )}
          </div>
          {template && preview.samples.length > 0 && (
            <div>
              <Text fw={600} size="sm" mb={6}>
                {t('review.samples')}
              </Text>
              <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
                {preview.samples.map((s) => (
                  <Paper key={s.contactId} withBorder p="sm" radius="md" data-testid="review-sample">
                    <Text size="sm" fw={600} mb={6} className="inbox-break">
                      <bdi>{s.name ?? t('review.noName')}</bdi>
                    </Text>
                    <TemplatePreview template={template} values={sampleValues(s.variables)} />
                    {Object.values(s.variables).some((v) => v === null) && (
                      <Text size="xs" c="orange.8" mt={4}>
                        {t('review.sampleMissing')}
                      </Text>
                    )}
                  </Paper>
                ))}
              </SimpleGrid>
            </div>
          )}
        </Stack>
      )}
    </SectionCard>
  );
}

function Stat({
  label,
  value,
  testId,
  strong,
}: {
  label: string;
  value: string;
  testId: string;
  strong?: boolean;
}) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fz={strong ? 'xl' : 'lg'} fw={700} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  );
}
