import {
  ActionIcon,
  CloseButton,
  Group,
  Modal,
  Paper,
  Stack,
  Switch,
  Text,
  Textarea,
  Tooltip,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconClockHour4, IconLock, IconPaperclip, IconSend, IconTemplate } from '@tabler/icons-react';
import {
  type ClipboardEvent,
  type KeyboardEvent,
  type RefObject,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../lib/api';
import { describeError } from '../../lib/notify';
import { useQuickReplyPicker } from '../quick-replies/QuickReplyPicker';
import { type ConversationDto, type MessageDto, useSendMessage } from './api';
import { AttachmentTray } from './composer/AttachmentTray';
import { useSendComposed } from './composer/api';
import { ACCEPTED_FILES, hasHttpUrl } from './composer/attachments';
import { EmojiButton } from './composer/EmojiButton';
import { TemplateComposer } from './composer/TemplateComposer';
import { useAttachments } from './composer/use-attachments';
import { summary, windowRemainingMs } from './model';
import {
  ColleagueRepliedModal,
  ModeToggle,
  NoteComposer,
  ScheduledList,
  SendLaterMenu,
  useComposerMode,
} from './thread/ComposerParts';
import type { Collision } from './thread/collision';
import { colleagueReplied } from './thread/model';
import './composer/composer.css';
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

/** Files dropped or pasted elsewhere in the conversation go to the composer through this. */
export type AttachFiles = (files: File[]) => void;

type Props = {
  workspaceId: string;
  conversation: ConversationDto;
  myUserId: string;
  replyTo: MessageDto | null;
  onCancelReply: () => void;
  onSent: () => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  /** Set by the composer: where dropped files go. */
  attachRef?: RefObject<AttachFiles | null>;
  /** Collision detection (typing, colleague replied); optional. */
  collision?: Collision;
  /** The loaded messages, oldest first (for the colleague-replied warning). */
  messages?: MessageDto[];
  memberNames?: Map<string, string>;
};

/**
 * The reply area: free text, emoji, link preview and attachments while the 24-hour window is open, a
 * template picker when it is closed (templates may also be sent from a dialog at any time).
 */
export function Composer(props: Props) {
  const { workspaceId, conversation } = props;
  const now = useNow(30_000);
  const open = windowRemainingMs(conversation.lastInboundAt, now) > 0;
  // The draft and the tray live here, so a window that closes while typing loses nothing.
  const [text, setText] = useState('');
  const sendComposed = useSendComposed(workspaceId, conversation.id);
  const attachments = useAttachments(workspaceId, conversation.id, sendComposed.mutateAsync);

  const [noteText, setNoteText] = useState('');
  const [mode, setMode] = useComposerMode(conversation.id, props.inputRef);
  const { memberNames, myUserId } = props;
  const mentionMembers = useMemo(
    () =>
      [...(memberNames ?? new Map<string, string>()).entries()]
        .filter(([userId]) => userId !== myUserId)
        .map(([userId, name]) => ({ userId, name })),
    [memberNames, myUserId],
  );

  // A fresh draft per conversation.
  useEffect(() => {
    setText('');
    setNoteText('');
  }, [conversation.id]);

  const toggle = <ModeToggle mode={mode} onChange={setMode} />;
  if (mode === 'note') {
    return (
      <NoteComposer
        workspaceId={workspaceId}
        conversationId={conversation.id}
        inputRef={props.inputRef}
        members={mentionMembers}
        text={noteText}
        setText={setNoteText}
        onSent={props.onSent}
        header={toggle}
      />
    );
  }
  return open ? (
    <OpenComposer {...props} text={text} setText={setText} attachments={attachments} modeToggle={toggle} />
  ) : (
    <ClosedComposer {...props} hasDraft={!!text.trim() || attachments.items.length > 0} modeToggle={toggle} />
  );
}

function ClosedComposer({
  workspaceId,
  conversation,
  onSent,
  attachRef,
  hasDraft,
  modeToggle,
}: Props & { hasDraft: boolean; modeToggle?: React.ReactNode }) {
  const { t } = useTranslation('inbox');
  const [notice, setNotice] = useState<string | null>(null);
  const [sentNotice, setSentNotice] = useState('');
  // While a template is filled in, the explanation folds away (room on a phone).
  const [picked, setPicked] = useState(false);

  useEffect(() => {
    if (!attachRef) return;
    attachRef.current = () => setNotice(t('composer.attach.windowClosed'));
    return () => {
      attachRef.current = null;
    };
  }, [attachRef, t]);

  return (
    <Stack gap="xs" p="sm" className="inbox-composer composer-closed" data-testid="composer-closed">
      {modeToggle}
      <ScheduledList workspaceId={workspaceId} conversationId={conversation.id} />
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <IconLock size={18} aria-hidden className="composer-closed-icon" />
        <Stack gap={0} miw={0}>
          <Text size="sm" fw={600}>
            {t('composer.windowClosed')}
          </Text>
          {!picked && (
            <Text size="xs" c="dimmed">
              {t('composer.windowClosedExplain')}
            </Text>
          )}
          {hasDraft && !picked && (
            <Text size="xs" c="dimmed">
              {t('composer.draftKept')}
            </Text>
          )}
        </Stack>
      </Group>
      {notice && (
        <Text size="sm" c="orange.8" role="alert">
          {notice}
        </Text>
      )}
      <TemplateComposer
        workspaceId={workspaceId}
        conversation={conversation}
        onPickChange={setPicked}
        onSent={() => {
          setSentNotice(t('composer.templates.sent'));
          onSent();
        }}
      />
      <div className="visually-hidden" role="status" aria-live="polite">
        {sentNotice}
      </div>
    </Stack>
  );
}

function OpenComposer({
  workspaceId,
  conversation,
  myUserId,
  replyTo,
  onCancelReply,
  onSent,
  inputRef,
  attachRef,
  text,
  setText,
  attachments,
  modeToggle,
  collision,
  messages,
  memberNames,
}: Props & {
  text: string;
  setText: (next: string | ((current: string) => string)) => void;
  attachments: ReturnType<typeof useAttachments>;
  modeToggle?: React.ReactNode;
}) {
  const { t } = useTranslation('inbox');
  const [error, setError] = useState<string | null>(null);
  const [previewUrl, setPreviewUrl] = useState(false);
  const [templatesOpen, setTemplatesOpen] = useState(false);
  const [sendingFiles, setSendingFiles] = useState(false);
  const [sentNotice, setSentNotice] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const isPhone = useMediaQuery('(max-width: 36em)');
  const send = useSendMessage(workspaceId, conversation.id);
  const { items, addFiles } = attachments;
  // Typing "/" opens the quick replies; one inserts its text here and its file into the tray.
  const quickReplies = useQuickReplyPicker({
    workspaceId,
    conversationId: conversation.id,
    text,
    setText,
    inputRef,
    onAttach: attachments.addStored,
  });
  const hasUrl = hasHttpUrl(text);
  // A colleague's reply that arrived while this draft was typed: asked before sending.
  const [replied, setReplied] = useState<{ userId: string; text: string | null } | null>(null);

  useEffect(() => {
    setError(null);
    setPreviewUrl(false);
  }, [conversation.id]);

  useEffect(() => {
    if (!attachRef) return;
    attachRef.current = addFiles;
    return () => {
      attachRef.current = null;
    };
  }, [attachRef, addFiles]);

  const focusInput = useCallback(() => inputRef.current?.focus(), [inputRef]);

  const sendText = (value: string, reply: MessageDto | null) => {
    setText((current) => (current.trim() === value ? '' : current));
    const withPreview = previewUrl && hasHttpUrl(value);
    setPreviewUrl(false);
    send.mutate(
      { text: value, replyTo: reply, senderUserId: myUserId, previewUrl: withPreview },
      {
        onError: (err) => {
          setText((current) => current || value);
          setError(isApiError(err, 'reply_window_closed') ? t('composer.windowClosed') : describeError(err));
        },
      },
    );
  };

  const submit = async (force = false) => {
    const value = text.trim();
    if (sendingFiles || (!value && items.length === 0)) return;
    setError(null);
    if (!force && collision && messages) {
      const found = colleagueReplied(messages, myUserId, collision.typingSince());
      if (found) {
        const message = messages.find((m) => m.id === found.messageId);
        setReplied({ userId: found.userId, text: message?.text ?? null });
        return;
      }
    }
    setReplied(null);
    collision?.resetTyping();
    let reply = replyTo;
    if (items.length > 0) {
      setSendingFiles(true);
      const ok = await attachments.sendAll(reply).finally(() => setSendingFiles(false));
      // A failure is shown at its file; the text waits in the field.
      if (!ok) {
        setError(t('composer.attach.fixFirst'));
        return;
      }
      reply = null;
      onCancelReply();
      onSent();
    }
    if (!value) return;
    onCancelReply();
    sendText(value, reply);
    onSent();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (quickReplies.onKeyDown(event)) return;
    if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
    if (event.shiftKey && !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    void submit();
  };

  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...event.clipboardData.files];
    if (files.length === 0) return;
    event.preventDefault();
    addFiles(files);
  };

  const insertEmoji = (emoji: string) => {
    const el = inputRef.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? start;
    const next = text.slice(0, start) + emoji + text.slice(end);
    if (next.length > 4096) return;
    setText(next);
    const caret = start + emoji.length;
    window.requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(caret, caret);
    });
  };

  const canSend = !!text.trim() || items.length > 0;

  return (
    <Stack gap={4} p="sm" className="inbox-composer">
      {modeToggle}
      <ScheduledList workspaceId={workspaceId} conversationId={conversation.id} />
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
      <AttachmentTray
        items={items}
        refusals={attachments.refusals}
        onRemove={(id) => {
          setError(null);
          attachments.remove(id);
        }}
        onRetry={attachments.retryUpload}
        onCaption={attachments.setCaption}
        onDismissRefusal={attachments.dismissRefusal}
        onSubmit={() => void submit()}
        onEmpty={focusInput}
      />
      {error && (
        <Text size="sm" c="red" role="alert">
          {error}
        </Text>
      )}
      {quickReplies.panel}
      <Group gap={4} align="flex-end" wrap="nowrap">
        <Group gap={0} wrap="nowrap" className="composer-tools">
          <Tooltip label={t('composer.attach.button')}>
            <ActionIcon
              variant="subtle"
              color="gray"
              size={36}
              radius="md"
              onClick={() => fileInput.current?.click()}
              aria-label={t('composer.attach.button')}
              data-testid="attach-button"
            >
              <IconPaperclip size={20} aria-hidden />
            </ActionIcon>
          </Tooltip>
          <EmojiButton onPick={insertEmoji} onDone={focusInput} />
          <Tooltip label={t('composer.templates.open')}>
            <ActionIcon
              variant="subtle"
              color="gray"
              size={36}
              radius="md"
              onClick={() => setTemplatesOpen(true)}
              aria-label={t('composer.templates.open')}
              data-testid="template-button"
            >
              <IconTemplate size={20} aria-hidden />
            </ActionIcon>
          </Tooltip>
        </Group>
        <Textarea
          ref={inputRef}
          {...quickReplies.inputProps}
          value={text}
          onChange={(event) => {
            const next = event.currentTarget.value;
            setText(next);
            if (next.trim()) collision?.onTyping();
            else collision?.resetTyping();
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          placeholder={t('composer.placeholder')}
          aria-label={t('composer.label')}
          aria-describedby="composer-hint"
          autosize
          minRows={1}
          maxRows={8}
          maxLength={4096}
          style={{ flex: 1, minWidth: 0 }}
          data-testid="composer-input"
        />
        <ActionIcon
          size={36}
          radius="md"
          onClick={() => void submit()}
          disabled={!canSend}
          loading={sendingFiles}
          aria-label={t('composer.send')}
          data-testid="composer-send"
        >
          <IconSend size={18} aria-hidden />
        </ActionIcon>
        <SendLaterMenu
          workspaceId={workspaceId}
          conversationId={conversation.id}
          text={text}
          disabled={!text.trim() || items.length > 0}
          replyToMessageId={replyTo && !replyTo.id.startsWith('optimistic-') ? replyTo.id : undefined}
          onScheduled={() => {
            setText('');
            onCancelReply();
            collision?.resetTyping();
          }}
        />
      </Group>
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        accept={ACCEPTED_FILES}
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])];
          event.currentTarget.value = '';
          if (files.length) addFiles(files);
        }}
        data-testid="composer-file-input"
      />
      {(hasUrl || !isPhone) && (
        <Group gap="md" justify="space-between" wrap="wrap" className="composer-footer">
          {hasUrl ? (
            <Switch
              size="xs"
              checked={previewUrl}
              onChange={(event) => setPreviewUrl(event.currentTarget.checked)}
              label={t('composer.linkPreview')}
              data-testid="link-preview-toggle"
            />
          ) : (
            <span />
          )}
          <Text id="composer-hint" size="xs" c="dimmed" visibleFrom="sm">
            {t('composer.hint')}
          </Text>
        </Group>
      )}
      <div className="visually-hidden" role="status" aria-live="polite">
        {sentNotice}
      </div>
      <ColleagueRepliedModal
        opened={!!replied}
        name={(replied && memberNames?.get(replied.userId)) || t('message.teamMember')}
        text={replied?.text ?? null}
        onSend={() => void submit(true)}
        onReview={() => {
          setReplied(null);
          // Reviewed: this reply does not warn again; typing on starts a new draft.
          collision?.resetTyping();
          focusInput();
        }}
      />
      <Modal
        opened={templatesOpen}
        onClose={() => setTemplatesOpen(false)}
        title={t('composer.templates.title')}
        size="xl"
        fullScreen={!!isPhone}
        returnFocus
      >
        <TemplateComposer
          workspaceId={workspaceId}
          conversation={conversation}
          autoFocus
          onSent={() => {
            setTemplatesOpen(false);
            setSentNotice(t('composer.templates.sent'));
            onSent();
          }}
        />
      </Modal>
    </Stack>
  );
}
