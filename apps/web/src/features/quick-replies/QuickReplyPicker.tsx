import { Badge, Group, Loader, Paper, Text } from '@mantine/core';
import { IconPaperclip } from '@tabler/icons-react';
import {
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { workspacePath } from '../../lib/api';
import { type QuickReplyDto, useQuickReplies, useQuickReplyForConversation } from './api';
import { filterQuickReplies, findTrigger, insertAtTrigger, moveActive, type Trigger } from './picker-model';
import './i18n';
import './quick-replies.css';

/** A file that is stored already and ready to send (a quick reply's fresh copy). */
export type StoredAttachment = NonNullable<QuickReplyDto['media']> & {
  mediaId: string;
  /** Where an image's thumbnail is served. */
  previewUrl: string | null;
};

type Options = {
  workspaceId: string;
  conversationId: string;
  text: string;
  setText: (next: string | ((current: string) => string)) => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  /** Puts a quick reply's file in the composer's tray. */
  onAttach: (file: StoredAttachment) => void;
};

export type QuickReplyPicker = {
  /** Call first in the input's keydown handler; true when the picker handled the key. */
  onKeyDown: (event: KeyboardEvent<HTMLTextAreaElement>) => boolean;
  /** Spread on the input: caret tracking and the listbox relation. */
  inputProps: {
    onSelect: () => void;
    'aria-autocomplete': 'list';
    'aria-controls'?: string;
    'aria-activedescendant'?: string;
  };
  /** The list (null while closed); render it next to the input. */
  panel: ReactNode;
};

/**
 * Quick replies in the composer: typing `/` at the start or after a space opens a list filtered as you
 * type (fuzzy on shortcut and title); ↑/↓ move, Enter or Tab insert, Esc closes. Inserting fills in the
 * variables on the server (`…/use`) and puts a fresh copy of the quick reply's file in the tray.
 */
export function useQuickReplyPicker({
  workspaceId,
  conversationId,
  text,
  setText,
  inputRef,
  onAttach,
}: Options): QuickReplyPicker {
  const { t } = useTranslation('quickReplies');
  const [trigger, setTrigger] = useState<Trigger | null>(null);
  // The slash the person closed with Esc: it stays closed until they type another one.
  const [dismissed, setDismissed] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const listId = useId();
  const list = useQuickReplies(workspaceId, { enabled: trigger !== null });
  const use = useQuickReplyForConversation(workspaceId, conversationId);
  const open = trigger !== null && trigger.start !== dismissed;
  const query = trigger?.query ?? '';
  const matches = useMemo(
    () => (open && list.data ? filterQuickReplies(list.data, query) : []),
    [open, list.data, query],
  );
  const optionId = (id: string) => `${listId}-option-${id}`;
  const currentConversation = useRef(conversationId);
  currentConversation.current = conversationId;
  const activeItem = matches[Math.min(active, matches.length - 1)];

  const track = useCallback(() => {
    const el = inputRef.current;
    if (!el) return;
    const found = findTrigger(el.value, el.selectionStart ?? 0);
    setTrigger((previous) =>
      previous?.start === found?.start && previous?.end === found?.end && previous?.query === found?.query
        ? previous
        : found,
    );
    if (!found) setDismissed(null);
  }, [inputRef]);

  // The caret is re-read whenever the text changes.
  useEffect(() => track(), [text, track]);
  // A fresh conversation starts closed.
  useEffect(() => {
    setTrigger(null);
    setDismissed(null);
    setProblem(null);
  }, [conversationId]);
  // A new query starts at the best match.
  useEffect(() => {
    setActive(0);
    setProblem(null);
  }, [query, trigger?.start]);
  useEffect(() => {
    if (!open || !activeItem) return;
    document.getElementById(optionId(activeItem.id))?.scrollIntoView?.({ block: 'nearest' });
  });
  useEffect(() => {
    if (open && list.data) setAnnouncement(t('picker.count', { count: matches.length }));
  }, [open, list.data, matches.length, t]);

  const choose = async (item: QuickReplyDto) => {
    const at = trigger;
    if (!at || use.isPending) return;
    const forConversation = conversationId;
    setProblem(null);
    let result: Awaited<ReturnType<typeof use.mutateAsync>>;
    try {
      result = await use.mutateAsync(item.id);
    } catch {
      setProblem(t('picker.failed'));
      return;
    }
    // Filled in for another contact: not for the conversation open now.
    if (currentConversation.current !== forConversation) return;
    // The input holds the current text (the draft may have changed while the server answered).
    const el = inputRef.current;
    const current = el?.value ?? text;
    // Typed on meanwhile: the slash command moved or is gone, so insert where the caret is.
    const place =
      current.slice(at.start, at.end) === `/${at.query}`
        ? at
        : { start: el?.selectionStart ?? current.length, end: el?.selectionEnd ?? current.length };
    const next = insertAtTrigger(current, place, result.text);
    if (!next) {
      setProblem(t('picker.tooLong'));
      return;
    }
    setText(next.text);
    if (result.mediaId && item.media) {
      const mediaId = result.mediaId;
      const previewUrl =
        item.media.kind === 'image'
          ? workspacePath(workspaceId, `/media/${encodeURIComponent(mediaId)}`)
          : null;
      onAttach({ ...item.media, mediaId, previewUrl });
    }
    setTrigger(null);
    setAnnouncement(t('picker.inserted', { shortcut: item.shortcut }));
    window.requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.caret, next.caret);
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open || event.nativeEvent.isComposing) return false;
    const handled = () => {
      event.preventDefault();
      event.stopPropagation();
      return true;
    };
    if (event.key === 'Escape') {
      setDismissed(trigger.start);
      return handled();
    }
    // While the list loads or a reply is filled in, Enter must not send the half-typed command.
    if (
      (event.key === 'Enter' || event.key === 'Tab') &&
      (list.isPending || use.isPending) &&
      !event.shiftKey
    )
      return handled();
    if (matches.length === 0) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      setActive((index) => moveActive(index, event.key === 'ArrowDown' ? 1 : -1, matches.length));
      return handled();
    }
    if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && activeItem) {
      void choose(activeItem);
      return handled();
    }
    return false;
  };

  const panel = open ? (
    <Paper withBorder shadow="sm" radius="md" className="quick-reply-panel" data-testid="quick-reply-picker">
      <Group justify="space-between" gap="xs" px="sm" pt={6}>
        <Text size="xs" fw={600} id={`${listId}-label`}>
          {t('picker.label')}
        </Text>
        <Text size="xs" c="dimmed" visibleFrom="sm">
          {t('picker.hint')}
        </Text>
      </Group>
      {list.isPending ? (
        <Group gap="xs" p="sm">
          <Loader size="xs" />
          <Text size="sm">{t('picker.loading')}</Text>
        </Group>
      ) : matches.length === 0 ? (
        <Text size="sm" c="dimmed" p="sm">
          {(list.data?.length ?? 0) === 0 ? t('picker.none') : t('picker.empty', { query })}
        </Text>
      ) : (
        <div className="quick-reply-list" role="listbox" id={listId} aria-labelledby={`${listId}-label`}>
          {matches.map((item, index) => (
            // The keyboard stays in the input (aria-activedescendant); the mouse may click an option.
            // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled by the input that owns the list
            <div
              key={item.id}
              id={optionId(item.id)}
              role="option"
              tabIndex={-1}
              aria-selected={item.id === activeItem?.id}
              className="quick-reply-option"
              data-testid="quick-reply-option"
              // Keep the focus (and the caret) in the input.
              onMouseDown={(event) => event.preventDefault()}
              onMouseEnter={() => setActive(index)}
              onClick={() => void choose(item)}
            >
              <Group gap="xs" wrap="nowrap">
                <Text size="sm" fw={600} style={{ flexShrink: 0 }}>
                  /{item.shortcut}
                </Text>
                <Text size="sm" truncate="end" style={{ minWidth: 0 }}>
                  {item.title}
                </Text>
                {item.media && <IconPaperclip size={14} aria-label={t('hasAttachment')} />}
                <Badge size="xs" variant="light" color={item.scope === 'shared' ? 'teal' : 'gray'} ml="auto">
                  {t(`picker.${item.scope}`)}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed" lineClamp={1} dir="auto">
                {item.text}
              </Text>
            </div>
          ))}
        </div>
      )}
      {(problem || use.isPending) && (
        <Text size="xs" px="sm" pb={6} c={problem ? 'red' : 'dimmed'} role={problem ? 'alert' : undefined}>
          {problem ?? t('picker.inserting')}
        </Text>
      )}
    </Paper>
  ) : null;

  const liveRegion = (
    <div className="visually-hidden" role="status" aria-live="polite">
      {announcement}
    </div>
  );

  return {
    onKeyDown,
    inputProps: {
      onSelect: track,
      'aria-autocomplete': 'list',
      ...(open && matches.length > 0 ? { 'aria-controls': listId } : {}),
      ...(open && activeItem ? { 'aria-activedescendant': optionId(activeItem.id) } : {}),
    },
    panel: (
      <>
        {panel}
        {liveRegion}
      </>
    ),
  };
}
