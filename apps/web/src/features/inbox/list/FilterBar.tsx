import { Badge, Button, CloseButton, Group, Popover, Select, Stack, Tabs, Text } from '@mantine/core';
import { IconFilter } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../lib/format';
import type { MemberDto } from '../../people/api';
import type { TeamDto } from '../../teams/api';
import type { ChannelDto } from '../api';
import type { LabelDto } from './api';
import {
  activeFilterCount,
  DEFAULT_FILTERS,
  isUuid,
  LIST_STATUSES,
  type ListFilters,
  type ListStatus,
  PRIORITIES,
  QUICK_TABS,
  type QuickTab,
  quickTabOf,
  SINCE_PRESETS,
  withQuickTab,
} from './model';
import { SavedViews } from './SavedViews';

type Props = {
  workspaceId: string;
  filters: ListFilters;
  onChange: (filters: ListFilters) => void;
  channels: ChannelDto[];
  teams: TeamDto[];
  members: MemberDto[];
  labels: LabelDto[];
  queued: number | null;
};

const ANY = '';

/** Quick tabs (Mine, Unassigned, All, Queue), status, the filter popover, active filters, saved views. */
export function FilterBar({
  workspaceId,
  filters,
  onChange,
  channels,
  teams,
  members,
  labels,
  queued,
}: Props) {
  const { t } = useTranslation('inboxList');
  const [opened, setOpened] = useState(false);
  const tab = quickTabOf(filters);
  const count = activeFilterCount(filters);
  const set = (patch: Partial<ListFilters>) => onChange({ ...filters, ...patch });
  const memberName = new Map(members.map((m) => [m.userId, m.name]));
  // Keeps the tab and status: only the refining filters go.
  const clearAll = () =>
    onChange({
      ...DEFAULT_FILTERS,
      status: filters.status,
      queue: filters.queue,
      assignee: tab ? filters.assignee : 'all',
    });

  const pills: { key: string; text: string; clear: Partial<ListFilters> }[] = [];
  if (!tab) {
    pills.push({
      key: 'assignee',
      text: t('filters.person', { name: memberName.get(filters.assignee) ?? t('filters.unknown') }),
      clear: { assignee: 'all' },
    });
  }
  if (filters.channelId)
    pills.push({
      key: 'channel',
      text: `${t('filters.channel')}: ${channels.find((c) => c.id === filters.channelId)?.name ?? t('filters.unknown')}`,
      clear: { channelId: undefined },
    });
  if (filters.teamId)
    pills.push({
      key: 'team',
      text: `${t('filters.team')}: ${teams.find((x) => x.id === filters.teamId)?.name ?? t('filters.unknown')}`,
      clear: { teamId: undefined },
    });
  if (filters.labelId)
    pills.push({
      key: 'label',
      text: `${t('filters.label')}: ${labels.find((l) => l.id === filters.labelId)?.name ?? t('filters.unknown')}`,
      clear: { labelId: undefined },
    });
  if (filters.priority)
    pills.push({
      key: 'priority',
      text: `${t('filters.priority')}: ${t(`priority.${filters.priority}`)}`,
      clear: { priority: undefined },
    });
  if (filters.since)
    pills.push({
      key: 'since',
      text: (SINCE_PRESETS as readonly string[]).includes(filters.since)
        ? t(`since.${filters.since as (typeof SINCE_PRESETS)[number]}`)
        : t('filters.sinceCustom', { date: formatDateTime(filters.since, 'short') }),
      clear: { since: undefined },
    });

  const selectProps = {
    size: 'xs' as const,
    allowDeselect: false,
    comboboxProps: { withinPortal: false },
    checkIconPosition: 'right' as const,
  };

  return (
    <Stack gap={4} data-testid="filter-bar">
      <Tabs
        value={tab}
        onChange={(value) => value && onChange(withQuickTab(filters, value as QuickTab))}
        px="sm"
        pt={4}
      >
        <Tabs.List aria-label={t('tabs.label')} className="list-quick-tabs">
          {QUICK_TABS.map((q) => (
            <Tabs.Tab
              key={q}
              value={q}
              data-testid={`inbox-tab-${q}`}
              rightSection={
                q === 'queue' && queued ? (
                  <Badge
                    size="xs"
                    variant="light"
                    color="orange"
                    aria-label={t('tabs.queueCount', { count: queued })}
                  >
                    {queued}
                  </Badge>
                ) : undefined
              }
            >
              {t(`tabs.${q}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {!filters.queue && (
        <Tabs
          variant="pills"
          value={filters.status}
          onChange={(value) => value && set({ status: value as ListStatus })}
          px="sm"
        >
          <Tabs.List aria-label={t('status.label')} className="list-status-tabs">
            {LIST_STATUSES.map((s) => (
              <Tabs.Tab key={s} value={s} data-testid={`status-tab-${s}`} className="list-status-tab">
                {t(`status.${s}`)}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        </Tabs>
      )}
      <Group gap={6} px="sm" wrap="nowrap">
        <Popover
          opened={opened}
          onChange={setOpened}
          position="bottom-start"
          width={280}
          shadow="md"
          trapFocus
        >
          <Popover.Target>
            <Button
              size="compact-sm"
              variant={count > 0 ? 'light' : 'default'}
              leftSection={<IconFilter size={14} aria-hidden />}
              onClick={() => setOpened((o) => !o)}
              aria-expanded={opened}
              aria-haspopup="dialog"
              data-testid="filter-button"
            >
              {count > 0 ? t('filters.buttonCount', { count }) : t('filters.button')}
            </Button>
          </Popover.Target>
          <Popover.Dropdown aria-label={t('filters.title')} data-testid="filter-popover">
            <Stack gap="xs">
              <Select
                {...selectProps}
                label={t('filters.assignee')}
                value={filters.queue ? 'all' : filters.assignee}
                onChange={(value) => value && onChange({ ...filters, queue: false, assignee: value })}
                data={[
                  { value: 'all', label: t('filters.everyone') },
                  { value: 'me', label: t('filters.me') },
                  { value: 'unassigned', label: t('filters.unassigned') },
                  ...members
                    .filter((m) => m.status === 'active')
                    .map((m) => ({ value: m.userId, label: m.name })),
                ]}
                searchable
                data-testid="filter-assignee"
              />
              <Select
                {...selectProps}
                label={t('filters.channel')}
                value={filters.channelId ?? ANY}
                onChange={(value) => set({ channelId: isUuid(value) ? value : undefined })}
                data={[
                  { value: ANY, label: t('filters.any') },
                  ...channels.map((c) => ({ value: c.id, label: c.name })),
                ]}
                data-testid="filter-channel"
              />
              <Select
                {...selectProps}
                label={t('filters.team')}
                value={filters.teamId ?? ANY}
                onChange={(value) => set({ teamId: isUuid(value) ? value : undefined })}
                data={[
                  { value: ANY, label: t('filters.any') },
                  ...teams.map((x) => ({ value: x.id, label: x.name })),
                ]}
                data-testid="filter-team"
              />
              <Select
                {...selectProps}
                label={t('filters.label')}
                value={filters.labelId ?? ANY}
                onChange={(value) => set({ labelId: isUuid(value) ? value : undefined })}
                data={[
                  { value: ANY, label: t('filters.any') },
                  ...labels.map((l) => ({ value: l.id, label: l.name })),
                ]}
                searchable
                data-testid="filter-label"
              />
              <Select
                {...selectProps}
                label={t('filters.priority')}
                value={filters.priority ?? ANY}
                onChange={(value) => set({ priority: PRIORITIES.find((p) => p === value) })}
                data={[
                  { value: ANY, label: t('filters.any') },
                  ...PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) })),
                ]}
                data-testid="filter-priority"
              />
              <Select
                {...selectProps}
                label={t('filters.since')}
                value={
                  filters.since && (SINCE_PRESETS as readonly string[]).includes(filters.since)
                    ? filters.since
                    : ANY
                }
                onChange={(value) => set({ since: SINCE_PRESETS.find((s) => s === value) })}
                data={[
                  { value: ANY, label: t('filters.any') },
                  ...SINCE_PRESETS.map((s) => ({ value: s, label: t(`since.${s}`) })),
                ]}
                data-testid="filter-since"
              />
              <Button
                variant="subtle"
                size="xs"
                disabled={count === 0}
                onClick={clearAll}
                data-testid="filter-clear"
              >
                {t('filters.clear')}
              </Button>
            </Stack>
          </Popover.Dropdown>
        </Popover>
        <SavedViews workspaceId={workspaceId} filters={filters} onApply={onChange} />
      </Group>
      {pills.length > 0 && (
        <ul className="list-pills" aria-label={t('filters.active')} data-testid="active-filters">
          {pills.map((pill) => (
            <li key={pill.key} className="list-pill">
              <Text size="xs" truncate component="span">
                {pill.text}
              </Text>
              <CloseButton
                size="xs"
                onClick={() => set(pill.clear)}
                aria-label={t('filters.remove', { filter: pill.text })}
              />
            </li>
          ))}
          {pills.length > 1 && (
            <li>
              <Button variant="subtle" size="compact-xs" onClick={clearAll}>
                {t('filters.clear')}
              </Button>
            </li>
          )}
        </ul>
      )}
    </Stack>
  );
}
