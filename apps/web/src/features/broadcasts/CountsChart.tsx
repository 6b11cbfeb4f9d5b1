import { Box, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { BroadcastDto } from './api';

const bars = [
  { key: 'sent', color: 'var(--mantine-color-blue-6)' },
  { key: 'delivered', color: 'var(--mantine-color-teal-6)' },
  { key: 'read', color: 'var(--mantine-color-green-7)' },
  { key: 'replied', color: 'var(--mantine-color-violet-6)' },
  { key: 'failed', color: 'var(--mantine-color-red-6)' },
  { key: 'skipped', color: 'var(--mantine-color-gray-6)' },
] as const;

export type CountKey = (typeof bars)[number]['key'];

/**
 * The outcome counts as a horizontal bar chart: each row names the outcome and its number in text
 * (a list for screen readers), the bar is decoration. "Sent" counts every message that left, also
 * those delivered or read since; "delivered" those delivered or read.
 */
export function CountsChart({ counts }: { counts: BroadcastDto['counts'] }) {
  const { t, i18n } = useTranslation('broadcasts');
  const n = new Intl.NumberFormat(i18n.language);
  const values: Record<CountKey, number> = {
    sent: counts.sent + counts.delivered + counts.read,
    delivered: counts.delivered + counts.read,
    read: counts.read,
    replied: counts.replied,
    failed: counts.failed,
    skipped: counts.skipped,
  };
  const max = Math.max(1, counts.total);
  return (
    <Box component="ul" aria-label={t('detail.chartLabel')} p={0} m={0} style={{ listStyle: 'none' }}>
      {bars.map((b) => {
        const value = values[b.key];
        const width = `${Math.min(100, (value / max) * 100)}%`;
        return (
          <Box component="li" key={b.key} mb={8} data-testid={`count-${b.key}`} data-value={value}>
            <Group justify="space-between" gap="xs" mb={2}>
              <Text size="sm">{t(`count.${b.key}`)}</Text>
              <Text size="sm" fw={700}>
                {n.format(value)}
              </Text>
            </Group>
            <Box
              aria-hidden
              h={10}
              style={{
                background: 'var(--mantine-color-default-border)',
                borderRadius: 5,
                overflow: 'hidden',
              }}
            >
              <Box
                h="100%"
                style={{ width, background: b.color, borderRadius: 5, transition: 'width 300ms' }}
              />
            </Box>
          </Box>
        );
      })}
    </Box>
  );
}
