import { Badge, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import type { AudienceCondition } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { useLabelList } from '../labels/api';
import type { BroadcastDto } from './api';
import type { BroadcastVariable } from './model';

/** What a broadcast was sent to and with: labels, segment conditions, lists, exclusions, variables. */
export function SettingsSummary({ b, ws }: { b: BroadcastDto; ws: string }) {
  const { t } = useTranslation('broadcasts');
  const labels = useLabelList(ws).data?.labels ?? [];
  const labelName = (id: string) => labels.find((l) => l.id === id)?.name ?? '—';
  const a = b.audience;
  const condition = (c: AudienceCondition): string => {
    switch (c.type) {
      case 'label':
        return `${t('segment.type.label')}: ${t(c.match === 'all' ? 'segment.labelAll' : 'segment.labelAny')} ${c.labelIds.map(labelName).join(', ')}`;
      case 'attribute':
        return `${c.key} ${t(`segment.attrOp.${c.op}`)}${c.value !== undefined ? ` "${c.value}"` : ''}`;
      case 'consent':
        return `${t('segment.type.consent')}: ${t(`segment.consent.${c.state}`)}`;
      case 'lastContact':
        return `${t('segment.type.lastContact')}: ${t(`segment.lastOp.${c.op}`).replace('…', String(c.days ?? ''))}`;
      case 'conversation':
        return `${t('segment.type.conversation')}: ${t(`segment.convOp.${c.op}`)}`;
    }
  };
  const variable = (v: BroadcastVariable) =>
    typeof v === 'string'
      ? `"${v}"`
      : `${v.field}${v.fallback ? ` (${t('variables.fallback')}: "${v.fallback}")` : ''}`;

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg" data-testid="broadcast-settings">
      <Stack gap={6}>
        <Text fw={600} size="sm">
          {t('audience.title').replace(/^\d+\.\s*/, '')}
        </Text>
        {!!a.labelIds?.length && (
          <Group gap={4}>
            <Text size="sm">{t('summary.labels')}</Text>
            {a.labelIds.map((id) => (
              <Badge key={id} variant="light">
                {labelName(id)}
              </Badge>
            ))}
          </Group>
        )}
        {a.segment?.conditions.map((c, i) => (
          <Text size="sm" key={`${c.type}-${i}`} className="inbox-break">
            {i === 0 ? t('segment.where') : t('segment.and')} {condition(c)}
          </Text>
        ))}
        {!!a.contactIds?.length && (
          <Text size="sm">{t('summary.listed', { count: a.contactIds.length })}</Text>
        )}
        {!!a.exclude?.labelIds?.length && (
          <Group gap={4}>
            <Text size="sm">{t('summary.excluded')}</Text>
            {a.exclude.labelIds.map((id) => (
              <Badge key={id} variant="light" color="red">
                {labelName(id)}
              </Badge>
            ))}
          </Group>
        )}
      </Stack>
      <Stack gap={6}>
        <Text fw={600} size="sm">
          {t('variables.title').replace(/^\d+\.\s*/, '')}
        </Text>
        {Object.keys(b.variables).length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('variables.none')}
          </Text>
        ) : (
          Object.entries(b.variables).map(([key, v]) => (
            <Text size="sm" key={key} className="inbox-break">
              <Text span ff="monospace" size="sm">{`{{${key}}}`}</Text> → {variable(v)}
            </Text>
          ))
        )}
      </Stack>
    </SimpleGrid>
  );
}
