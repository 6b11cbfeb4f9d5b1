import {
  ActionIcon,
  Button,
  Group,
  Menu,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import type { CustomAttributeDto, LabelDto } from '@parley/contracts';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import {
  type ConditionDraft,
  type ConditionType,
  isIncomplete,
  needsDays,
  needsValue,
  newCondition,
} from './model';

const types: ConditionType[] = ['label', 'attribute', 'consent', 'lastContact', 'conversation'];

/** The dynamic segment: conditions that must all hold, each in its own row. */
export function SegmentBuilder({
  conditions,
  onChange,
  labels,
  attributes,
}: {
  conditions: ConditionDraft[];
  onChange: (next: ConditionDraft[]) => void;
  labels: LabelDto[];
  attributes: CustomAttributeDto[];
}) {
  const { t } = useTranslation('broadcasts');
  const update = (uid: string, next: ConditionDraft) =>
    onChange(conditions.map((c) => (c.uid === uid ? next : c)));
  const remove = (uid: string) => onChange(conditions.filter((c) => c.uid !== uid));
  const labelData = labels.map((l) => ({ value: l.id, label: l.name }));

  return (
    <Stack gap="sm" data-testid="segment-builder">
      <div>
        <Text fw={600} size="sm">
          {t('segment.title')}
        </Text>
        <Text size="xs" c="dimmed">
          {t('segment.text')}
        </Text>
      </div>
      {conditions.map((c, index) => (
        <Paper
          key={c.uid}
          withBorder
          p="sm"
          radius="md"
          data-testid="segment-condition"
          data-type={c.type}
          role="group"
          aria-label={t('segment.conditionN', { n: index + 1 })}
        >
          <Group align="flex-end" gap="sm" wrap="wrap">
            <Text size="xs" c="dimmed" w="100%">
              {index === 0 ? t('segment.where') : t('segment.and')} · {t(`segment.type.${c.type}`)}
            </Text>
            <ConditionFields
              condition={c}
              onChange={(next) => update(c.uid, next)}
              labelData={labelData}
              attributes={attributes}
            />
            <ActionIcon
              variant="subtle"
              color="red"
              size="lg"
              onClick={() => remove(c.uid)}
              aria-label={t('segment.remove', { n: index + 1 })}
              data-testid="segment-remove"
            >
              <IconTrash size={18} aria-hidden />
            </ActionIcon>
          </Group>
          {isIncomplete(c) && (
            <Text size="xs" c="orange.8" mt={6}>
              {t('segment.incomplete')}
            </Text>
          )}
        </Paper>
      ))}
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button
            variant="light"
            leftSection={<IconPlus size={16} aria-hidden />}
            disabled={conditions.length >= 20}
            style={{ alignSelf: 'flex-start' }}
            data-testid="segment-add"
          >
            {t('segment.add')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {types.map((type) => (
            <Menu.Item
              key={type}
              onClick={() => onChange([...conditions, newCondition(type)])}
              data-testid={`segment-add-${type}`}
            >
              {t(`segment.type.${type}`)}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
    </Stack>
  );
}

function ConditionFields({
  condition: c,
  onChange,
  labelData,
  attributes,
}: {
  condition: ConditionDraft;
  onChange: (next: ConditionDraft) => void;
  labelData: { value: string; label: string }[];
  attributes: CustomAttributeDto[];
}) {
  const { t } = useTranslation('broadcasts');
  const grow = { flex: '1 1 12rem', minWidth: 0 };
  switch (c.type) {
    case 'label':
      return (
        <>
          <SegmentedControl
            size="xs"
            value={c.match}
            onChange={(v) => onChange({ ...c, match: v as 'any' | 'all' })}
            data={[
              { value: 'any', label: t('segment.labelAny') },
              { value: 'all', label: t('segment.labelAll') },
            ]}
            aria-label={t('segment.labelMatch')}
          />
          <MultiSelect
            label={t('segment.labels')}
            data={labelData}
            value={c.labelIds}
            onChange={(v) => onChange({ ...c, labelIds: v })}
            searchable
            style={grow}
            data-testid="segment-labels"
          />
        </>
      );
    case 'attribute':
      return (
        <>
          <Select
            label={t('segment.attribute')}
            data={attributes.map((a) => ({ value: a.key, label: a.label || a.key }))}
            value={c.key || null}
            onChange={(v) => onChange({ ...c, key: v ?? '' })}
            searchable
            nothingFoundMessage={t('segment.noAttributes')}
            style={grow}
            data-testid="segment-attribute-key"
          />
          <Select
            label={t('segment.operator')}
            data={(['equals', 'not_equals', 'contains', 'exists', 'not_exists'] as const).map((op) => ({
              value: op,
              label: t(`segment.attrOp.${op}`),
            }))}
            value={c.op}
            allowDeselect={false}
            onChange={(v) => onChange({ ...c, op: (v ?? 'equals') as typeof c.op })}
            style={{ flex: '0 1 10rem' }}
            data-testid="segment-attribute-op"
          />
          {needsValue(c.op) && (
            <TextInput
              label={t('segment.value')}
              value={c.value}
              maxLength={256}
              onChange={(e) => onChange({ ...c, value: e.currentTarget.value })}
              style={grow}
              data-testid="segment-attribute-value"
            />
          )}
        </>
      );
    case 'consent':
      return (
        <Select
          label={t('segment.consentState')}
          data={(['granted', 'requested', 'withdrawn', 'none'] as const).map((s) => ({
            value: s,
            label: t(`segment.consent.${s}`),
          }))}
          value={c.state}
          allowDeselect={false}
          onChange={(v) => onChange({ ...c, state: (v ?? 'granted') as typeof c.state })}
          style={grow}
          data-testid="segment-consent"
        />
      );
    case 'lastContact':
      return (
        <>
          <Select
            label={t('segment.lastContact')}
            data={(['within_days', 'before_days', 'never'] as const).map((op) => ({
              value: op,
              label: t(`segment.lastOp.${op}`),
            }))}
            value={c.op}
            allowDeselect={false}
            onChange={(v) => onChange({ ...c, op: (v ?? 'within_days') as typeof c.op })}
            style={grow}
            data-testid="segment-last-op"
          />
          {needsDays(c.op) && (
            <NumberInput
              label={t('segment.days')}
              value={c.days}
              min={1}
              max={3650}
              allowDecimal={false}
              allowNegative={false}
              onChange={(v) => onChange({ ...c, days: typeof v === 'number' ? v : '' })}
              style={{ flex: '0 1 8rem' }}
              data-testid="segment-days"
            />
          )}
        </>
      );
    case 'conversation':
      return (
        <Select
          label={t('segment.conversation')}
          data={(['any', 'none', 'open', 'resolved'] as const).map((op) => ({
            value: op,
            label: t(`segment.convOp.${op}`),
          }))}
          value={c.op}
          allowDeselect={false}
          onChange={(v) => onChange({ ...c, op: (v ?? 'any') as typeof c.op })}
          style={grow}
          data-testid="segment-conversation"
        />
      );
  }
}
