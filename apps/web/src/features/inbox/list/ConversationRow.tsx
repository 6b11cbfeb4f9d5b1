import { Avatar, Badge, Button, Checkbox, Group, Text, Tooltip } from '@mantine/core';
import {
  IconAlertTriangleFilled,
  IconArrowDown,
  IconArrowUp,
  IconClockPause,
  IconEqual,
  IconHourglass,
} from '@tabler/icons-react';
import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { initials } from '../../shell/UserMenu';
import type { ConversationDto } from '../api';
import { previewText } from '../model';
import type { LabelDto } from './api';
import { waitingParts } from './model';

const priorityIcon = {
  urgent: { Icon: IconAlertTriangleFilled, color: 'var(--mantine-color-red-7)' },
  high: { Icon: IconArrowUp, color: 'var(--mantine-color-orange-7)' },
  medium: { Icon: IconEqual, color: 'var(--mantine-color-yellow-8)' },
  low: { Icon: IconArrowDown, color: 'var(--mantine-color-gray-6)' },
} as const;

const MAX_LABELS = 2;

type Props = {
  conversation: ConversationDto;
  name: string;
  to: string;
  isActive: boolean;
  isSelected: boolean;
  /** Some row is selected: checkboxes stay visible. */
  isSelecting: boolean;
  isQueue: boolean;
  channelName: string | undefined;
  labels: Map<string, LabelDto>;
  assigneeName: string | null;
  now: number;
  isTaking: boolean;
  onToggle: (id: string, shift: boolean) => void;
  onTake: (id: string) => void;
  onFocusRow: (id: string) => void;
};

/** One row: name, time, preview, unread; a quiet meta line (priority, labels, snooze, channel, assignee). */
export function ConversationRow(props: Props) {
  const { t } = useTranslation('inboxList');
  const { t: ti } = useTranslation('inbox');
  const { conversation: c, name, labels, now } = props;
  const rowLabels = c.labelIds.map((id) => labels.get(id)).filter((l): l is LabelDto => !!l);
  const priority = c.priority !== 'none' ? priorityIcon[c.priority] : null;
  const waiting = props.isQueue && c.queuedAt ? waitingParts(c.queuedAt, now) : null;
  const waitingText = waiting ? t(`units.${waiting.unit}`, { count: waiting.value }) : '';
  const hasMeta =
    !!priority ||
    rowLabels.length > 0 ||
    c.status === 'snoozed' ||
    !!props.channelName ||
    !!props.assigneeName;
  const isUnread = c.isUnread || c.unreadCount > 0;

  return (
    <li
      className="list-item"
      data-selected={props.isSelected || undefined}
      data-selecting={props.isSelecting || undefined}
    >
      <Checkbox
        className="list-check"
        size="xs"
        checked={props.isSelected}
        onChange={() => undefined}
        onClick={(event: MouseEvent<HTMLInputElement>) => props.onToggle(c.id, event.shiftKey)}
        aria-label={t('bulk.select', { name })}
        data-testid="row-select"
      />
      <Link
        to={props.to}
        className="inbox-list-row list-row-link"
        data-testid="conversation-row"
        data-conversation-id={c.id}
        data-active={props.isActive || undefined}
        data-unread={isUnread || undefined}
        aria-current={props.isActive ? 'page' : undefined}
        onFocus={() => props.onFocusRow(c.id)}
      >
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text size="sm" fw={isUnread ? 700 : 500} truncate dir="auto" className="inbox-name">
            {name}
          </Text>
          {waiting ? (
            <Text size="xs" c="orange.8" fw={600} style={{ flexShrink: 0 }} data-testid="queue-waiting">
              <IconHourglass size={12} aria-hidden className="list-inline-icon" />
              <span className="visually-hidden">{t('row.waitingFor', { time: waitingText })}</span>
              <span aria-hidden>{waitingText}</span>
            </Text>
          ) : (
            <Text size="xs" c="dimmed" style={{ flexShrink: 0 }} component="time" dateTime={c.lastMessageAt}>
              {formatRelative(c.lastMessageAt, now)}
            </Text>
          )}
        </Group>
        <Group justify="space-between" wrap="nowrap" gap="xs" mt={2}>
          <Text size="sm" c="dimmed" truncate dir="auto">
            {previewText(c.lastMessagePreview, ti)}
          </Text>
          {c.unreadCount > 0 ? (
            <Badge
              size="sm"
              circle={c.unreadCount < 10}
              style={{ flexShrink: 0 }}
              aria-label={ti('list.unread', { count: c.unreadCount })}
              data-testid="unread-badge"
            >
              {c.unreadCount}
            </Badge>
          ) : (
            c.isUnread && (
              <span className="list-unread-dot" data-testid="unread-dot">
                <span className="visually-hidden">{t('row.unread')}</span>
              </span>
            )
          )}
        </Group>
        {hasMeta && (
          <div className="list-meta">
            {priority && (
              <span
                className="list-priority"
                title={t('row.priority', { priority: t(`priority.${c.priority}`) })}
              >
                <priority.Icon size={13} color={priority.color} aria-hidden />
                <span className="visually-hidden">
                  {t('row.priority', { priority: t(`priority.${c.priority}`) })}
                </span>
              </span>
            )}
            {rowLabels.slice(0, MAX_LABELS).map((label) => (
              <span
                key={label.id}
                className="list-label"
                style={{ ['--label-color' as string]: label.color }}
              >
                {label.name}
              </span>
            ))}
            {rowLabels.length > MAX_LABELS && (
              <span
                className="list-label-more"
                title={rowLabels
                  .slice(MAX_LABELS)
                  .map((l) => l.name)
                  .join(', ')}
              >
                {t('row.moreLabels', { count: rowLabels.length - MAX_LABELS })}
              </span>
            )}
            {c.status === 'snoozed' && c.snoozedUntil && (
              <span className="list-snoozed">
                <IconClockPause size={12} aria-hidden className="list-inline-icon" />
                {t('row.snoozedUntil', { time: formatDateTime(c.snoozedUntil, 'short') })}
              </span>
            )}
            {props.channelName && <span className="list-channel">{props.channelName}</span>}
            {props.assigneeName && (
              <Tooltip label={t('row.assignedTo', { name: props.assigneeName })} openDelay={400}>
                <Avatar size={18} radius="xl" color="teal" className="list-assignee" aria-hidden>
                  {initials(props.assigneeName)}
                </Avatar>
              </Tooltip>
            )}
            {props.assigneeName && (
              <span className="visually-hidden">{t('row.assignedTo', { name: props.assigneeName })}</span>
            )}
          </div>
        )}
      </Link>
      {props.isQueue && !c.assigneeId && (
        <Button
          size="compact-xs"
          variant="light"
          className="list-take"
          loading={props.isTaking}
          onClick={() => props.onTake(c.id)}
          aria-label={t('row.takeLabel', { name })}
          data-testid="queue-take-button"
        >
          {t('row.take')}
        </Button>
      )}
    </li>
  );
}
