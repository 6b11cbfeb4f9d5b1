import { Badge, Progress, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { BroadcastDto } from './api';
import { progressOf } from './model';

const colors: Record<BroadcastDto['state'], string> = {
  draft: 'gray',
  scheduled: 'blue',
  running: 'teal',
  paused: 'yellow',
  completed: 'green',
  cancelled: 'red',
};

/** The broadcast's state as a coloured badge with its name. */
export function StateBadge({ state }: { state: BroadcastDto['state'] }) {
  const { t } = useTranslation('broadcasts');
  return (
    <Badge color={colors[state]} variant="light" data-testid="broadcast-state" data-state={state}>
      {t(`state.${state}`)}
    </Badge>
  );
}

/** Recipients done of all, as a bar with the numbers beside it (for screen readers: a labelled progressbar). */
export function ProgressLine({
  counts,
  size = 'sm',
}: {
  counts: BroadcastDto['counts'];
  size?: 'sm' | 'lg';
}) {
  const { t, i18n } = useTranslation('broadcasts');
  const { done, total, percent } = progressOf(counts);
  const n = new Intl.NumberFormat(i18n.language);
  const label = t('progress.label', { done: n.format(done), total: n.format(total), percent });
  return (
    <div style={{ minWidth: size === 'sm' ? 120 : undefined }}>
      <Progress
        value={percent}
        size={size === 'sm' ? 'sm' : 'xl'}
        radius="xl"
        aria-label={label}
        data-testid="broadcast-progress"
        data-done={done}
        data-total={total}
        animated={false}
      />
      <Text size="xs" c="dimmed" mt={4}>
        {label}
      </Text>
    </div>
  );
}
