import { ActionIcon, Alert, CloseButton, Group, Paper, Stack, Text, Textarea, Tooltip } from '@mantine/core';
import { IconClockHour4, IconLock, IconSend } from '@tabler/icons-react';
import { type KeyboardEvent, type RefObject, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../lib/api';
import { describeError } from '../../lib/notify';
import { type ConversationDto, type MessageDto, useSendMessage } from './api';
import { summary, windowRemainingMs } from './model';
import './i18n';

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** "Window closes in 3 h 12 min", or closed. */
export function WindowIndicator({ conversation }: { conversation: ConversationDto }) {
  const { t } = useTranslation('inbox');
  const now = useNow(30_000);
  const remaining = windowRemainingMs(conversation.lastInboundAt, now);
  const totalMinutes = Math.max(1, Math.floor(remaining / 60_000));
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  const open = remaining > 0;
  const label = !open
    ? t('composer.windowClosed')
    : hours > 0
      ? t('composer.windowOpen', { hours, minutes })
      : t('composer.windowOpenMinutes', { minutes });
  return (
    <Tooltip label={t('composer.windowTooltip')} multiline maw={260}>
      <Group
        gap={4}
        wrap="nowrap"
        data-testid="window-indicator"
        data-open={open}
        tabIndex={0}
        className="inbox-window"
        c={!open ? 'red' : hours < 2 ? 'orange' : 'dimmed'}
      >
        {open ? <IconClockHour4 size={14} aria-hidden /> : <IconLock size={14} aria-hidden />}
        <Text size="xs" c="inherit">
          {label}
        </Text>
      </Group>
    </Tooltip>
  );
}

type Props = {
  workspaceId: string;
  conversation: ConversationDto;
  myUserId: string;
  replyTo: MessageDto | null;
  onCancelReply: () => void;
  onSent: () => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
};

export function Composer({
  workspaceId,
  conversation,
  myUserId,
  replyTo,
  onCancelReply,
  onSent,
  inputRef,
}: Props) {
  const { t } = useTranslation('inbox');
  const now = useNow(30_000);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const send = useSendMessage(workspaceId, conversation.id);
  const open = windowRemainingMs(conversation.lastInboundAt, now) > 0;

  // A fresh draft per conversation.
  useEffect(() => {
    setText('');
    setError(null);
  }, [conversation.id]);

  const submit = () => {
    const value = text.trim();
    if (!value || !open) return;
    setError(null);
    setText('');
    onCancelReply();
    send.mutate(
      { text: value, replyTo, senderUserId: myUserId },
      {
        onError: (err) => {
          setText((current) => current || value);
          setError(isApiError(err, 'reply_window_closed') ? t('composer.windowClosed') : describeError(err));
        },
      },
    );
    onSent();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
    if (event.shiftKey && !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    submit();
  };

  if (!open) {
    return (
      <Alert
        color="gray"
        variant="light"
        icon={<IconLock size={18} aria-hidden />}
        title={t('composer.windowClosed')}
        m="sm"
        data-testid="composer-closed"
      >
        {t('composer.windowClosedExplain')}
      </Alert>
    );
  }

  return (
    <Stack gap={4} p="sm" className="inbox-composer">
      {replyTo && (
        <Paper withBorder px="sm" py={4} radius="md" className="inbox-reply-preview">
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Stack gap={0} miw={0}>
              <Text size="xs" fw={600} c="teal">
                {t('composer.replyingTo')}
              </Text>
              <Text size="xs" lineClamp={1} dir="auto">
                {summary(replyTo, t)}
              </Text>
            </Stack>
            <CloseButton size="sm" aria-label={t('composer.cancelReply')} onClick={onCancelReply} />
          </Group>
        </Paper>
      )}
      {error && (
        <Text size="sm" c="red" role="alert">
          {error}
        </Text>
      )}
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <Textarea
          ref={inputRef}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          onKeyDown={onKeyDown}
          placeholder={t('composer.placeholder')}
          aria-label={t('composer.label')}
          aria-describedby="composer-hint"
          autosize
          minRows={1}
          maxRows={8}
          maxLength={4096}
          style={{ flex: 1 }}
          data-testid="composer-input"
        />
        <ActionIcon
          size={36}
          radius="md"
          onClick={submit}
          disabled={!text.trim()}
          aria-label={t('composer.send')}
          data-testid="composer-send"
        >
          <IconSend size={18} aria-hidden />
        </ActionIcon>
      </Group>
      <Text id="composer-hint" size="xs" c="dimmed" visibleFrom="sm">
        {t('composer.hint')}
      </Text>
    </Stack>
  );
}
