import {
  ActionIcon,
  Button,
  Group,
  Menu,
  Modal,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconClock, IconClockPlay, IconLock, IconMessage, IconNote, IconX } from '@tabler/icons-react';
import { type KeyboardEvent, type RefObject, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../lib/notify';
import { useAddNote, useCancelScheduled, useScheduled, useScheduleMessage } from './api';
import { useMentions } from './mentions';
import { type MentionMember, presetTime, type TimePreset } from './model';
import { DateTimeModal, formatTime } from './ThreadControls';
import './i18n';
import './thread.css';

export type ComposerMode = 'reply' | 'note';

/** Reply / Note; also switched by `window` CustomEvent 'parley:composer-mode' (detail 'reply' | 'note'). */
export function useComposerMode(
  conversationId: string,
  inputRef: RefObject<HTMLTextAreaElement | null>,
): [ComposerMode, (mode: ComposerMode) => void] {
  const [mode, setModeState] = useState<ComposerMode>('reply');
  const setMode = (next: ComposerMode) => {
    setModeState(next);
    window.requestAnimationFrame(() => inputRef.current?.focus());
  };
  useEffect(() => setModeState('reply'), [conversationId]);
  useEffect(() => {
    const onMode = (event: Event) => {
      const detail = (event as CustomEvent<unknown>).detail;
      if (detail !== 'reply' && detail !== 'note') return;
      setModeState(detail);
      window.requestAnimationFrame(() => inputRef.current?.focus());
    };
    window.addEventListener('parley:composer-mode', onMode);
    return () => window.removeEventListener('parley:composer-mode', onMode);
  }, [inputRef]);
  return [mode, setMode];
}

export function ModeToggle({
  mode,
  onChange,
}: {
  mode: ComposerMode;
  onChange: (mode: ComposerMode) => void;
}) {
  const { t } = useTranslation('thread');
  return (
    <SegmentedControl
      size="xs"
      value={mode}
      onChange={(value) => onChange(value as ComposerMode)}
      aria-label={t('composer.mode')}
      color={mode === 'note' ? 'yellow' : undefined}
      data={[
        {
          value: 'reply',
          label: (
            <Group gap={4} wrap="nowrap" data-testid="composer-mode-reply">
              <IconMessage size={14} aria-hidden />
              {t('composer.reply')}
            </Group>
          ),
        },
        {
          value: 'note',
          label: (
            <Group gap={4} wrap="nowrap" data-testid="composer-mode-note">
              <IconNote size={14} aria-hidden />
              {t('composer.note')}
            </Group>
          ),
        },
      ]}
    />
  );
}

/** An internal note: amber, `@` mentions colleagues, posted to /notes (works with the window closed too). */
export function NoteComposer({
  workspaceId,
  conversationId,
  inputRef,
  members,
  text,
  setText,
  onSent,
  header,
}: {
  workspaceId: string;
  conversationId: string;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  members: MentionMember[];
  text: string;
  setText: (text: string) => void;
  onSent: () => void;
  header: React.ReactNode;
}) {
  const { t } = useTranslation('thread');
  const addNote = useAddNote(workspaceId, conversationId);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const mentions = useMentions({ text, setText, inputRef, members });

  const submit = () => {
    const value = text.trim();
    if (!value || addNote.isPending) return;
    setError(null);
    addNote.mutate(value, {
      onSuccess: () => {
        setText('');
        setNotice(t('composer.noteAdded'));
        onSent();
      },
      onError: (err) => setError(describeError(err)),
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (mentions.onKeyDown(event)) return;
    if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
    if (event.shiftKey && !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    submit();
  };

  return (
    <Stack gap={4} p="sm" className="inbox-composer thread-note-mode" data-testid="note-composer">
      {header}
      {error && (
        <Text size="sm" c="red" role="alert">
          {error}
        </Text>
      )}
      {mentions.panel}
      <Group gap={4} align="flex-end" wrap="nowrap">
        <IconLock size={18} aria-hidden style={{ marginBottom: 9, color: 'var(--mantine-color-yellow-8)' }} />
        <Textarea
          ref={inputRef}
          {...mentions.inputProps}
          value={text}
          onChange={(event) => {
            setText(event.currentTarget.value);
            mentions.syncCaret();
          }}
          onKeyDown={onKeyDown}
          placeholder={t('composer.notePlaceholder')}
          aria-label={t('composer.noteLabel')}
          autosize
          minRows={1}
          maxRows={8}
          maxLength={10_000}
          style={{ flex: 1, minWidth: 0 }}
          data-testid="note-input"
        />
        <Button
          color="yellow"
          c="black"
          size="sm"
          onClick={submit}
          loading={addNote.isPending}
          disabled={!text.trim()}
          data-testid="note-send"
        >
          {t('composer.addNote')}
        </Button>
      </Group>
      <Text size="xs" c="dimmed" visibleFrom="sm">
        {t('composer.noteHint')}
      </Text>
      <div className="visually-hidden" role="status" aria-live="polite">
        {notice}
      </div>
    </Stack>
  );
}

/** "… replied while you were typing": Send anyway / Review. */
export function ColleagueRepliedModal({
  name,
  text,
  opened,
  onSend,
  onReview,
}: {
  name: string;
  text: string | null;
  opened: boolean;
  onSend: () => void;
  onReview: () => void;
}) {
  const { t } = useTranslation('thread');
  return (
    <Modal opened={opened} onClose={onReview} title={t('composer.repliedTitle')} size="md" returnFocus>
      <Stack gap="sm" data-testid="colleague-replied-modal">
        <Text size="sm">{t('composer.replied', { name })}</Text>
        {text && (
          <Text size="sm" c="dimmed" lineClamp={4}>
            {t('composer.repliedText', { text })}
          </Text>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onReview} data-autofocus data-testid="colleague-replied-review">
            {t('composer.review')}
          </Button>
          <Button onClick={onSend} data-testid="colleague-replied-send">
            {t('composer.sendAnyway')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

const PRESETS: TimePreset[] = ['inOneHour', 'tomorrow9', 'nextMonday9'];

/** The menu next to Send: schedule the typed text for later. */
export function SendLaterMenu({
  workspaceId,
  conversationId,
  text,
  disabled,
  onScheduled,
  replyToMessageId,
}: {
  workspaceId: string;
  conversationId: string;
  text: string;
  disabled: boolean;
  onScheduled: () => void;
  replyToMessageId?: string;
}) {
  const { t, i18n } = useTranslation('thread');
  const schedule = useScheduleMessage(workspaceId, conversationId);
  const [customOpen, setCustomOpen] = useState(false);
  const go = (sendAt: string) => {
    const value = text.trim();
    if (!value) return;
    schedule.mutate(
      { sendAt, text: value, replyToMessageId },
      {
        onSuccess: () => {
          notifications.show({
            color: 'teal',
            message: t('schedule.scheduled', { time: formatTime(sendAt, i18n.language) }),
            autoClose: 4000,
          });
          onScheduled();
        },
      },
    );
  };
  return (
    <>
      <Menu position="top-end" withinPortal>
        <Tooltip label={t('schedule.menu')}>
          <Menu.Target>
            <ActionIcon
              size={36}
              radius="md"
              variant="light"
              disabled={disabled}
              loading={schedule.isPending}
              aria-label={t('schedule.menu')}
              data-testid="send-later-button"
            >
              <IconClockPlay size={18} aria-hidden />
            </ActionIcon>
          </Menu.Target>
        </Tooltip>
        <Menu.Dropdown>
          <Menu.Label>{t('schedule.title')}</Menu.Label>
          {PRESETS.map((p) => (
            <Menu.Item
              key={p}
              leftSection={<IconClock size={14} aria-hidden />}
              onClick={() => go(presetTime(p, new Date()).toISOString())}
              data-preset={p}
            >
              {t(`header.${p}`)}
            </Menu.Item>
          ))}
          <Menu.Item onClick={() => setCustomOpen(true)}>{t('schedule.custom')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <DateTimeModal
        opened={customOpen}
        title={t('schedule.title')}
        submitLabel={t('schedule.submit')}
        onClose={() => setCustomOpen(false)}
        onSubmit={(iso) => {
          setCustomOpen(false);
          go(iso);
        }}
      />
    </>
  );
}

/** Messages scheduled in this conversation (still to go, or failed), each with Cancel. */
export function ScheduledList({
  workspaceId,
  conversationId,
}: {
  workspaceId: string;
  conversationId: string;
}) {
  const { t, i18n } = useTranslation('thread');
  const scheduled = useScheduled(workspaceId, conversationId);
  const cancel = useCancelScheduled(workspaceId, conversationId);
  const items = (scheduled.data?.scheduled ?? []).filter(
    (s) => s.status === 'scheduled' || s.status === 'failed',
  );
  if (items.length === 0) return null;
  return (
    <Paper withBorder radius="md" px="sm" py={4}>
      <ul
        aria-label={t('schedule.list')}
        data-testid="scheduled-list"
        style={{ listStyle: 'none', margin: 0, padding: 0 }}
      >
        {items.map((s) => {
          const time = formatTime(s.sendAt, i18n.language);
          const body = 'text' in s.message ? String(s.message.text) : '';
          return (
            <li key={s.id} data-scheduled-id={s.id}>
              <Group gap="xs" wrap="nowrap" justify="space-between">
                <Stack gap={0} miw={0}>
                  <Text size="xs" fw={600} c={s.status === 'failed' ? 'red' : 'blue'}>
                    {s.status === 'failed'
                      ? t('schedule.failed', { code: s.errorCode ?? '?' })
                      : t('schedule.at', { time })}
                  </Text>
                  <Text size="xs" lineClamp={1} dir="auto">
                    {body}
                  </Text>
                </Stack>
                {s.status === 'scheduled' && (
                  <Tooltip label={t('schedule.cancel')}>
                    <ActionIcon
                      size="sm"
                      variant="subtle"
                      color="gray"
                      onClick={() => cancel.mutate(s.id)}
                      aria-label={t('schedule.cancelLabel', { time })}
                      data-testid="scheduled-cancel"
                    >
                      <IconX size={14} aria-hidden />
                    </ActionIcon>
                  </Tooltip>
                )}
              </Group>
            </li>
          );
        })}
      </ul>
    </Paper>
  );
}
