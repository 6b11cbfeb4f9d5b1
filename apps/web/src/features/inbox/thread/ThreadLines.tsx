import { Group, Text } from '@mantine/core';
import { IconEye, IconLock, IconPencil } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { MessageDto } from '../api';
import { timeOf } from '../model';
import { activityText, type PresenceEntry, parseMentions } from './model';
import './i18n';
import './thread.css';

// The same clock time as under a message bubble.

type Names = Map<string, string>;

/** "Anna assigned this to Ben · 10:32": centred, small, grey. */
export function ActivityLine({
  message,
  names,
  language,
}: {
  message: MessageDto;
  names: Names;
  language: string;
}) {
  const { t } = useTranslation('thread');
  const text = activityText(
    message.content,
    (id) => (id ? (names.get(id) ?? t('activity.someone')) : t('activity.system')),
    (iso) =>
      new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
  );
  const values =
    'priority' in text.values
      ? { ...text.values, priority: t(`header.priorities.${text.values.priority}`) }
      : text.values;
  return (
    <div className="thread-activity" data-testid="activity-line" data-message-id={message.id}>
      <span className="thread-activity-text">
        {t(text.key, values)} ·{' '}
        <time dateTime={message.createdAt}>{timeOf(message.createdAt, language)}</time>
      </span>
    </div>
  );
}

/** An internal note: amber, with a lock, "Internal note"; mentions as "@Name". */
export function NoteBubble({
  message,
  names,
  language,
}: {
  message: MessageDto;
  names: Names;
  language: string;
}) {
  const { t } = useTranslation('thread');
  const author = message.senderUserId ? names.get(message.senderUserId) : undefined;
  return (
    <div className="thread-note" data-testid="note-bubble" data-message-id={message.id}>
      <div className="thread-note-head">
        <IconLock size={12} aria-hidden />
        <span>{author ? t('note.by', { name: author }) : t('note.label')}</span>
        <Text span size="xs" c="dimmed" ml="auto">
          <time dateTime={message.createdAt}>{timeOf(message.createdAt, language)}</time>
        </Text>
      </div>
      <Text size="sm" dir="auto" component="div">
        {parseMentions(message.text ?? '').map((segment, i) =>
          segment.type === 'text' ? (
            <span key={i}>{segment.text}</span>
          ) : (
            <span key={i} className="thread-mention">
              @{names.get(segment.userId) ?? segment.name}
            </span>
          ),
        )}
      </Text>
    </div>
  );
}

/** "Anna is viewing" / "Anna and Ben are typing…" (colleagues only; empty when nobody). */
export function CollisionIndicator({ present, names }: { present: PresenceEntry[]; names: Names }) {
  const { t } = useTranslation('thread');
  const typing = present.filter((p) => p.state === 'typing');
  const shown = typing.length > 0 ? typing : present;
  const list = shown.map((p) => names.get(p.userId) ?? t('activity.someone'));
  const joined =
    list.length <= 1
      ? (list[0] ?? '')
      : t('collision.and', { a: list.slice(0, -1).join(', '), b: list[list.length - 1] });
  return (
    <div role="status" aria-live="polite" data-testid="collision-indicator" data-count={present.length}>
      {list.length > 0 && (
        <Group gap={4} wrap="nowrap" className="thread-collision">
          {typing.length > 0 ? <IconPencil size={12} aria-hidden /> : <IconEye size={12} aria-hidden />}
          <span>
            {t(typing.length > 0 ? 'collision.typing' : 'collision.viewing', {
              names: joined,
              count: list.length,
            })}
          </span>
        </Group>
      )}
    </div>
  );
}
