import {
  ActionIcon,
  Badge,
  Button,
  ColorSwatch,
  Group,
  Menu,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import {
  IconAlarm,
  IconCheck,
  IconChevronDown,
  IconClock,
  IconDots,
  IconFlag,
  IconHandGrab,
  IconMail,
  IconRefresh,
} from '@tabler/icons-react';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMembers } from '../../people/api';
import { useTeams } from '../../teams/api';
import type { ConversationDto } from '../api';
import {
  type Priority,
  useAssign,
  useLabels,
  useMarkUnread,
  useRoutingAgents,
  useSetConversationStatus,
  useSetLabels,
  useSetPriority,
  useTake,
} from './api';
import { fromDateTimeLocal, presetTime, type TimePreset, toDateTimeLocal } from './model';
import './i18n';
import './thread.css';

const UNASSIGNED = '__unassigned__';
const NO_TEAM = '__none__';
const PRIORITIES: Priority[] = ['none', 'low', 'medium', 'high', 'urgent'];
const PRIORITY_COLOR: Record<Priority, string> = {
  none: 'gray',
  low: 'blue',
  medium: 'yellow',
  high: 'orange',
  urgent: 'red',
};
const PRESETS: TimePreset[] = ['inOneHour', 'tomorrow9', 'nextMonday9'];

export function formatTime(iso: string | Date, language: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

type Props = { workspaceId: string; conversation: ConversationDto; myUserId: string; compact?: boolean };

/** Assignee, team, take, status/snooze, priority, labels and "mark unread" of the open conversation. */
export function ThreadControls({ workspaceId, conversation, myUserId }: Props) {
  const { t } = useTranslation('thread');
  return (
    <Group gap={6} wrap="wrap" className="thread-controls" role="group" aria-label={t('header.controls')}>
      {conversation.assigneeId !== myUserId && (
        <TakeButton workspaceId={workspaceId} conversation={conversation} />
      )}
      <AssigneePicker workspaceId={workspaceId} conversation={conversation} myUserId={myUserId} />
      <TeamPicker workspaceId={workspaceId} conversation={conversation} />
      <PriorityMenu workspaceId={workspaceId} conversation={conversation} />
      <StatusControl workspaceId={workspaceId} conversation={conversation} />
      <MoreMenu workspaceId={workspaceId} conversation={conversation} />
    </Group>
  );
}

/** A second row: labels (with their colours) and "Snoozed until …". */
export function ThreadSubline({ workspaceId, conversation }: Omit<Props, 'myUserId'>) {
  const { t, i18n } = useTranslation('thread');
  return (
    <Group gap={6} wrap="wrap">
      {conversation.status === 'snoozed' && conversation.snoozedUntil && (
        <Badge size="sm" variant="light" color="violet" leftSection={<IconAlarm size={12} aria-hidden />}>
          {t('header.snoozedUntil', { time: formatTime(conversation.snoozedUntil, i18n.language) })}
        </Badge>
      )}
      <LabelsPicker workspaceId={workspaceId} conversation={conversation} />
    </Group>
  );
}

function TakeButton({ workspaceId, conversation }: Omit<Props, 'myUserId'>) {
  const { t } = useTranslation('thread');
  const take = useTake(workspaceId);
  return (
    <Button
      size="xs"
      variant="light"
      leftSection={<IconHandGrab size={14} aria-hidden />}
      loading={take.isPending}
      onClick={() => take.mutate(conversation.id)}
      data-testid="take-button"
    >
      {t('header.take')}
    </Button>
  );
}

function AssigneePicker({ workspaceId, conversation, myUserId }: Props) {
  const { t } = useTranslation('thread');
  const members = useMembers(workspaceId);
  const agents = useRoutingAgents(workspaceId);
  const assign = useAssign(workspaceId);
  const availability = useMemo(
    () => new Map((agents.data?.agents ?? []).map((a) => [a.userId, a.availability])),
    [agents.data],
  );
  const data = useMemo(
    () => [
      { value: UNASSIGNED, label: t('header.unassigned') },
      ...(members.data?.members ?? [])
        .filter((m) => m.status === 'active')
        .map((m) => {
          const a = availability.get(m.userId);
          const name = m.userId === myUserId ? t('header.me', { name: m.name }) : m.name;
          return {
            value: m.userId,
            label: a && a !== 'available' ? `${name} (${t(`header.${a}`)})` : name,
          };
        }),
    ],
    [members.data, availability, myUserId, t],
  );
  return (
    <Select
      size="xs"
      w={170}
      data={data}
      value={conversation.assigneeId ?? UNASSIGNED}
      onChange={(value) => {
        const next = !value || value === UNASSIGNED ? null : value;
        if (next !== conversation.assigneeId) assign.mutate({ id: conversation.id, assigneeId: next });
      }}
      allowDeselect={false}
      searchable
      aria-label={t('header.assignee')}
      disabled={assign.isPending}
      data-testid="assignee-picker"
      comboboxProps={{ withinPortal: true }}
    />
  );
}

function TeamPicker({ workspaceId, conversation }: Omit<Props, 'myUserId'>) {
  const { t } = useTranslation('thread');
  const teams = useTeams(workspaceId);
  const assign = useAssign(workspaceId);
  const list = teams.data?.teams ?? [];
  if (list.length === 0 && !conversation.teamId) return null;
  return (
    <Select
      size="xs"
      w={140}
      data={[
        { value: NO_TEAM, label: t('header.noTeam') },
        ...list.map((team) => ({ value: team.id, label: team.name })),
      ]}
      value={conversation.teamId ?? NO_TEAM}
      onChange={(value) => {
        const teamId = !value || value === NO_TEAM ? null : value;
        if (teamId !== conversation.teamId)
          assign.mutate({ id: conversation.id, assigneeId: conversation.assigneeId, teamId });
      }}
      allowDeselect={false}
      aria-label={t('header.team')}
      disabled={assign.isPending}
      data-testid="team-picker"
    />
  );
}

function PriorityMenu({ workspaceId, conversation }: Omit<Props, 'myUserId'>) {
  const { t } = useTranslation('thread');
  const setPriority = useSetPriority(workspaceId);
  const current = conversation.priority;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button
          size="xs"
          variant={current === 'none' ? 'default' : 'light'}
          color={PRIORITY_COLOR[current]}
          leftSection={<IconFlag size={14} aria-hidden />}
          rightSection={<IconChevronDown size={12} aria-hidden />}
          aria-label={`${t('header.priority')}: ${t(`header.priorities.${current}`)}`}
          data-testid="priority-menu"
          data-priority={current}
        >
          {current === 'none' ? t('header.priority') : t(`header.priorities.${current}`)}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {PRIORITIES.map((p) => (
          <Menu.Item
            key={p}
            leftSection={
              <IconFlag size={14} color={`var(--mantine-color-${PRIORITY_COLOR[p]}-6)`} aria-hidden />
            }
            rightSection={p === current ? <IconCheck size={14} aria-hidden /> : null}
            onClick={() => p !== current && setPriority.mutate({ id: conversation.id, priority: p })}
            aria-checked={p === current}
            role="menuitemradio"
          >
            {t(`header.priorities.${p}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

function StatusControl({ workspaceId, conversation }: Omit<Props, 'myUserId'>) {
  const { t } = useTranslation('thread');
  const setStatus = useSetConversationStatus(workspaceId);
  const [customOpen, setCustomOpen] = useState(false);
  const resolved = conversation.status === 'resolved';
  const id = conversation.id;
  const snooze = (iso: string) => setStatus.mutate({ id, status: 'snoozed', snoozedUntil: iso });

  return (
    <Group gap={0} wrap="nowrap">
      <Button
        size="xs"
        variant={resolved ? 'default' : 'filled'}
        leftSection={resolved ? <IconRefresh size={14} aria-hidden /> : <IconCheck size={14} aria-hidden />}
        loading={setStatus.isPending}
        onClick={() => setStatus.mutate({ id, status: resolved ? 'open' : 'resolved' })}
        data-testid="resolve-button"
        data-action={resolved ? 'reopen' : 'resolve'}
        style={{ borderTopRightRadius: 0, borderBottomRightRadius: 0 }}
      >
        {resolved ? t('header.reopen') : t('header.resolve')}
      </Button>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon
            size={30}
            variant={resolved ? 'default' : 'filled'}
            aria-label={t('header.status')}
            data-testid="status-menu"
            data-status={conversation.status}
            style={{
              borderTopLeftRadius: 0,
              borderBottomLeftRadius: 0,
              borderLeft: '1px solid rgba(255,255,255,.3)',
            }}
          >
            <IconChevronDown size={14} aria-hidden />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown data-testid="snooze-menu">
          <Menu.Label>{t('header.status')}</Menu.Label>
          {(['open', 'pending'] as const).map((s) => (
            <Menu.Item
              key={s}
              rightSection={conversation.status === s ? <IconCheck size={14} aria-hidden /> : null}
              onClick={() => setStatus.mutate({ id, status: s })}
            >
              {t(`header.${s}`)}
            </Menu.Item>
          ))}
          <Menu.Item
            rightSection={resolved ? <IconCheck size={14} aria-hidden /> : null}
            onClick={() => setStatus.mutate({ id, status: 'resolved' })}
          >
            {t('header.resolve')}
          </Menu.Item>
          <Menu.Divider />
          <Menu.Label>{t('header.snooze')}</Menu.Label>
          {PRESETS.map((p) => (
            <Menu.Item
              key={p}
              leftSection={<IconClock size={14} aria-hidden />}
              onClick={() => snooze(presetTime(p, new Date()).toISOString())}
              data-preset={p}
            >
              {t(`header.${p}`)}
            </Menu.Item>
          ))}
          <Menu.Item leftSection={<IconAlarm size={14} aria-hidden />} onClick={() => setCustomOpen(true)}>
            {t('header.custom')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <DateTimeModal
        opened={customOpen}
        title={t('header.customTitle')}
        submitLabel={t('header.apply')}
        onClose={() => setCustomOpen(false)}
        onSubmit={(iso) => {
          setCustomOpen(false);
          snooze(iso);
        }}
      />
    </Group>
  );
}

/** A datetime-local in a small dialog (custom snooze, send later). */
export function DateTimeModal({
  opened,
  title,
  submitLabel,
  onClose,
  onSubmit,
}: {
  opened: boolean;
  title: string;
  submitLabel: string;
  onClose: () => void;
  onSubmit: (iso: string) => void;
}) {
  const { t } = useTranslation('thread');
  const [value, setValue] = useState(() => toDateTimeLocal(presetTime('tomorrow9', new Date())));
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const iso = fromDateTimeLocal(value, new Date());
    if (!iso) {
      setError(t('header.customInvalid'));
      return;
    }
    setError(null);
    onSubmit(iso);
  };
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="sm" returnFocus>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput
            type="datetime-local"
            label={t('header.customLabel')}
            value={value}
            min={toDateTimeLocal(new Date())}
            onChange={(event) => setValue(event.currentTarget.value)}
            error={error}
            data-autofocus
            data-testid="datetime-input"
          />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose}>
              {t('header.cancel')}
            </Button>
            <Button type="submit" data-testid="datetime-submit">
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function LabelsPicker({ workspaceId, conversation }: Omit<Props, 'myUserId'>) {
  const { t } = useTranslation('thread');
  const labels = useLabels(workspaceId);
  const setLabels = useSetLabels(workspaceId);
  const list = labels.data?.labels ?? [];
  const colors = useMemo(() => new Map(list.map((l) => [l.id, l.color])), [list]);
  if (list.length === 0) return null;
  return (
    <Group gap={4} wrap="wrap">
      <LabelChips workspaceId={workspaceId} labelIds={conversation.labelIds} />
      <MultiSelect
        size="xs"
        miw={180}
        maw={420}
        data={list.map((l) => ({ value: l.id, label: l.name }))}
        value={conversation.labelIds.filter((id) => colors.has(id))}
        hidePickedOptions={false}
        onChange={(labelIds) => setLabels.mutate({ id: conversation.id, labelIds })}
        placeholder={conversation.labelIds.length ? undefined : t('header.labelsPlaceholder')}
        aria-label={t('header.labels')}
        searchable
        clearable={false}
        nothingFoundMessage={t('header.noLabels')}
        renderOption={({ option }) => (
          <Group gap={6} wrap="nowrap">
            <ColorSwatch size={10} color={colors.get(option.value) ?? '#868e96'} />
            <Text size="xs">{option.label}</Text>
          </Group>
        )}
        data-testid="labels-picker"
      />
    </Group>
  );
}

function MoreMenu({ workspaceId, conversation }: Omit<Props, 'myUserId'>) {
  const { t } = useTranslation('thread');
  const markUnread = useMarkUnread(workspaceId);
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="default" size={30} aria-label={t('header.more')} data-testid="thread-more">
          <IconDots size={16} aria-hidden />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item
          leftSection={<IconMail size={14} aria-hidden />}
          onClick={() => markUnread.mutate(conversation.id)}
          data-testid="mark-unread"
        >
          {t('header.markUnread')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** Label chips in colour: a list of the conversation's labels (read-only), for places without the picker. */
export function LabelChips({ workspaceId, labelIds }: { workspaceId: string; labelIds: string[] }) {
  const labels = useLabels(workspaceId);
  const byId = new Map((labels.data?.labels ?? []).map((l) => [l.id, l]));
  return (
    <Group gap={4}>
      {labelIds.map((id) => {
        const label = byId.get(id);
        if (!label) return null;
        return (
          <Badge key={id} size="xs" variant="dot" color={label.color}>
            {label.name}
          </Badge>
        );
      })}
    </Group>
  );
}
