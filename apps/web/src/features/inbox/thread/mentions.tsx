import { type KeyboardEvent, type RefObject, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { filterMentionMembers, insertMention, type MentionMember, mentionQuery } from './model';
import './i18n';
import './thread.css';

/**
 * `@` autocomplete of colleagues in a textarea: arrows move, Enter or Tab insert `@[Name](userId)`,
 * Escape closes. `onKeyDown` returns true when it handled the key.
 */
export function useMentions({
  text,
  setText,
  inputRef,
  members,
}: {
  text: string;
  setText: (text: string) => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  members: MentionMember[];
}) {
  const { t } = useTranslation('thread');
  const listId = useId();
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const query = mentionQuery(text, caret);
  const open = !!query && dismissedAt !== query.start;
  const matches = useMemo(
    () => (open && query ? filterMentionMembers(members, query.query) : []),
    [open, query?.query, members, query],
  );

  useEffect(() => setActive(0), [query?.query, query?.start]);

  const syncCaret = () => setCaret(inputRef.current?.selectionStart ?? text.length);

  const pick = (member: MentionMember) => {
    if (!query) return;
    const next = insertMention(text, query.start, caret, member);
    setText(next.text);
    setCaret(next.caret);
    window.requestAnimationFrame(() => {
      const el = inputRef.current;
      el?.focus();
      el?.setSelectionRange(next.caret, next.caret);
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open || matches.length === 0) {
      if (open && event.key === 'Escape' && query) {
        event.preventDefault();
        setDismissedAt(query.start);
        return true;
      }
      return false;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + matches.length) % matches.length);
      return true;
    }
    if ((event.key === 'Enter' && !event.nativeEvent.isComposing) || event.key === 'Tab') {
      const member = matches[Math.min(active, matches.length - 1)];
      if (!member) return false;
      event.preventDefault();
      pick(member);
      return true;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      if (query) setDismissedAt(query.start);
      return true;
    }
    return false;
  };

  const optionId = (i: number) => `${listId}-opt-${i}`;
  const expanded = open && matches.length > 0;
  const panel = open ? (
    matches.length > 0 ? (
      <div
        className="thread-mention-list"
        id={listId}
        role="listbox"
        aria-label={t('composer.mentions')}
        data-testid="mention-list"
      >
        {matches.map((m, i) => (
          <div
            key={m.userId}
            id={optionId(i)}
            role="option"
            tabIndex={-1}
            aria-selected={i === active}
            data-user-id={m.userId}
            onMouseDown={(event) => {
              event.preventDefault();
              pick(m);
            }}
            onMouseEnter={() => setActive(i)}
          >
            @{m.name}
          </div>
        ))}
      </div>
    ) : (
      <div className="thread-mention-list" data-testid="mention-list" data-empty>
        <span style={{ fontSize: 'var(--mantine-font-size-xs)', color: 'var(--mantine-color-dimmed)' }}>
          {t('composer.noMatches')}
        </span>
      </div>
    )
  ) : null;

  return {
    open: expanded,
    panel,
    onKeyDown,
    syncCaret,
    inputProps: {
      role: 'combobox' as const,
      'aria-autocomplete': 'list' as const,
      'aria-expanded': expanded,
      'aria-controls': expanded ? listId : undefined,
      'aria-activedescendant': expanded ? optionId(active) : undefined,
      onSelect: syncCaret,
      onClick: syncCaret,
      onKeyUp: syncCaret,
    },
  };
}
