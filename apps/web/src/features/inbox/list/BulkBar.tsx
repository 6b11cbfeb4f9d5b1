import { Button, Checkbox, CloseButton, Group, Menu, Text } from '@mantine/core';
import { IconCheck, IconClockPause, IconTag, IconUserPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { MemberDto } from '../../people/api';
import type { TeamDto } from '../../teams/api';
import type { BulkAction, LabelDto } from './api';
import { SNOOZE_PRESETS, snoozeUntil } from './model';

type Props = {
  count: number;
  state: 'none' | 'some' | 'all';
  myUserId: string;
  members: MemberDto[];
  teams: TeamDto[];
  labels: LabelDto[];
  isPending: boolean;
  onToggleAll: () => void;
  onClear: () => void;
  onAction: (action: BulkAction) => void;
};

/** Select all (loaded rows) and, with a selection, the bulk actions: assign, label, resolve, snooze. */
export function BulkBar(props: Props) {
  const { t } = useTranslation('inboxList');
  const { count, state } = props;
  const people = props.members.filter((m) => m.status === 'active' && m.userId !== props.myUserId);

  return (
    <div
      className="list-bulk"
      role="toolbar"
      aria-label={t('bulk.bar')}
      data-testid="bulk-bar"
      data-active={count > 0 || undefined}
    >
      <Checkbox
        size="xs"
        checked={state === 'all'}
        indeterminate={state === 'some'}
        onChange={props.onToggleAll}
        aria-label={t('bulk.selectAll')}
        data-testid="bulk-select-all"
      />
      {count === 0 ? null : (
        <>
          <Text size="xs" fw={600} aria-live="polite" data-testid="bulk-count" className="list-bulk-count">
            {t('bulk.selected', { count })}
          </Text>
          <Group gap={4} wrap="wrap" className="list-bulk-actions">
            <Menu position="bottom-start" shadow="md" width={240}>
              <Menu.Target>
                <Button
                  size="compact-xs"
                  variant="default"
                  leftSection={<IconUserPlus size={13} aria-hidden />}
                  loading={props.isPending}
                  data-testid="bulk-assign"
                >
                  {t('bulk.assign')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown mah={320} style={{ overflowY: 'auto' }}>
                <Menu.Item
                  onClick={() => props.onAction({ type: 'assign', assigneeId: props.myUserId })}
                  data-testid="bulk-assign-me"
                >
                  {t('bulk.assignToMe')}
                </Menu.Item>
                <Menu.Item onClick={() => props.onAction({ type: 'assign', assigneeId: null })}>
                  {t('bulk.unassign')}
                </Menu.Item>
                {people.length > 0 && <Menu.Label>{t('bulk.people')}</Menu.Label>}
                {people.map((m) => (
                  <Menu.Item
                    key={m.userId}
                    onClick={() => props.onAction({ type: 'assign', assigneeId: m.userId })}
                  >
                    {m.name}
                  </Menu.Item>
                ))}
                {props.teams.length > 0 && <Menu.Label>{t('bulk.teams')}</Menu.Label>}
                {props.teams.map((team) => (
                  <Menu.Item
                    key={team.id}
                    // A team without a person: it goes to the team's queue of unassigned conversations.
                    onClick={() => props.onAction({ type: 'assign', assigneeId: null, teamId: team.id })}
                  >
                    {team.name}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
            <Menu position="bottom-start" shadow="md" width={220}>
              <Menu.Target>
                <Button
                  size="compact-xs"
                  variant="default"
                  leftSection={<IconTag size={13} aria-hidden />}
                  data-testid="bulk-label"
                >
                  {t('bulk.label')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown mah={320} style={{ overflowY: 'auto' }}>
                {props.labels.length === 0 && <Menu.Item disabled>{t('bulk.noLabels')}</Menu.Item>}
                {props.labels.map((label) => (
                  <Menu.Item
                    key={label.id}
                    leftSection={
                      <span className="list-label-swatch" style={{ background: label.color }} aria-hidden />
                    }
                    onClick={() => props.onAction({ type: 'addLabel', labelId: label.id })}
                  >
                    {label.name}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
            <Button
              size="compact-xs"
              variant="default"
              leftSection={<IconCheck size={13} aria-hidden />}
              onClick={() => props.onAction({ type: 'status', status: 'resolved' })}
              data-testid="bulk-resolve"
            >
              {t('bulk.resolve')}
            </Button>
            <Menu position="bottom-start" shadow="md">
              <Menu.Target>
                <Button
                  size="compact-xs"
                  variant="default"
                  leftSection={<IconClockPause size={13} aria-hidden />}
                  data-testid="bulk-snooze"
                >
                  {t('bulk.snooze')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {SNOOZE_PRESETS.map((preset) => (
                  <Menu.Item
                    key={preset}
                    onClick={() =>
                      props.onAction({
                        type: 'snooze',
                        snoozedUntil: snoozeUntil(preset, new Date()).toISOString(),
                      })
                    }
                    data-testid={`bulk-snooze-${preset}`}
                  >
                    {t(`snooze.${preset}`)}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          </Group>
          <CloseButton
            size="sm"
            onClick={props.onClear}
            aria-label={t('bulk.clear')}
            data-testid="bulk-clear"
            ml="auto"
          />
        </>
      )}
    </div>
  );
}
