import { notifications } from '@mantine/notifications';
import { type RefObject, useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { EMPTY_SELECTION, type Selection, shortcutTargets, snoozeUntil, toggleSelection } from './model';
import type { ShortcutAction } from './shortcuts';
import { useListActions } from './use-list-actions';
import { useShortcuts } from './use-shortcuts';

type Options = {
  workspaceId: string;
  myUserId: string;
  /** The open conversation. */
  conversationId: string | undefined;
  linkSearch: string;
  selection: Selection;
  onSelectionChange: (selection: Selection) => void;
  rowsRef: RefObject<string[]>;
  searchRef: RefObject<HTMLInputElement | null>;
};

const ROW_SELECTOR = '[data-inbox-list] a[data-conversation-id]';

function rowLinks(): HTMLAnchorElement[] {
  return [...document.querySelectorAll<HTMLAnchorElement>(ROW_SELECTOR)];
}

/** The row that has the keyboard focus, if any. */
function focusedRowId(): string | null {
  const row = document.activeElement
    ?.closest<HTMLElement>('[data-inbox-list] li')
    ?.querySelector<HTMLElement>('a[data-conversation-id]');
  return row?.dataset.conversationId ?? null;
}

/** Tells the composer (features/inbox/thread) to switch to reply or note and take the focus. */
export function requestComposerMode(mode: 'reply' | 'note'): void {
  window.dispatchEvent(new CustomEvent('parley:composer-mode', { detail: mode }));
}

/**
 * The inbox's keyboard shortcuts (list: j/k, Enter, x, /; conversation: r, n, a, e, s; ? help).
 * a, e and s act on the selection when there is one, else on the focused row, else on the open
 * conversation.
 */
export function useInboxShortcuts(options: Options) {
  const { t } = useTranslation('inboxList');
  const navigate = useNavigate();
  const actions = useListActions(options.workspaceId);
  const [isHelpOpen, setHelpOpen] = useState(false);
  const cursorRef = useRef<string | null>(null);
  const optionsRef = useRef(options);
  optionsRef.current = options;

  const setCursor = useCallback((id: string) => {
    cursorRef.current = id;
  }, []);

  const move = (delta: 1 | -1) => {
    const { conversationId, rowsRef, workspaceId, linkSearch } = optionsRef.current;
    const links = rowLinks();
    if (links.length === 0) {
      // The list is not on screen (a phone showing a conversation): go to the next conversation.
      const ids = rowsRef.current ?? [];
      const index = conversationId ? ids.indexOf(conversationId) : -1;
      const next = ids[Math.min(ids.length - 1, Math.max(0, index + delta))];
      if (next && next !== conversationId) navigate(`/w/${workspaceId}/inbox/${next}${linkSearch}`);
      return;
    }
    const ids = links.map((a) => a.dataset.conversationId);
    const from = focusedRowId() ?? cursorRef.current ?? conversationId ?? null;
    const index = from ? ids.indexOf(from) : -1;
    const next =
      index === -1
        ? delta === 1
          ? 0
          : links.length - 1
        : Math.min(links.length - 1, Math.max(0, index + delta));
    links[next]?.focus();
    links[next]?.scrollIntoView({ block: 'nearest' });
  };

  /** The conversations a, e and s act on. */
  const targets = (): string[] => {
    const { selection, conversationId } = optionsRef.current;
    return shortcutTargets(selection, focusedRowId(), conversationId);
  };

  const withTargets = (run: (ids: string[]) => void) => {
    const ids = targets();
    if (ids.length === 0) {
      notifications.show({ color: 'gray', message: t('actions.nothing'), autoClose: 2500 });
      return;
    }
    run(ids);
  };

  const clearSelectionAfter = (done: boolean) => {
    if (done) optionsRef.current.onSelectionChange(EMPTY_SELECTION);
  };

  useShortcuts((action: ShortcutAction, event) => {
    const o = optionsRef.current;
    switch (action) {
      case 'next':
        return move(1);
      case 'previous':
        return move(-1);
      case 'open': {
        const id = cursorRef.current;
        if (!id) return false;
        navigate(`/w/${o.workspaceId}/inbox/${id}${o.linkSearch}`);
        return;
      }
      case 'reply':
      case 'note':
        if (!o.conversationId) return false;
        requestComposerMode(action);
        return;
      case 'assignToMe':
        return withTargets((ids) => {
          if (ids.length === 1 && o.selection.ids.size === 0) void actions.takeOne(ids[0]!);
          else
            void actions.runBulk(ids, { type: 'assign', assigneeId: o.myUserId }).then(clearSelectionAfter);
        });
      case 'resolve':
        return withTargets((ids) => {
          if (ids.length === 1 && o.selection.ids.size === 0) actions.resolveOne(ids[0]!);
          else void actions.runBulk(ids, { type: 'status', status: 'resolved' }).then(clearSelectionAfter);
        });
      case 'snooze':
        // `s` snoozes for one hour right away (the bulk bar offers the other presets).
        return withTargets((ids) => snoozeOneHour(ids));
      case 'select': {
        const id = focusedRowId() ?? cursorRef.current ?? o.conversationId;
        if (!id) return false;
        o.onSelectionChange(toggleSelection(o.selection, o.rowsRef.current ?? [], id, false));
        return;
      }
      case 'search':
        if (!o.searchRef.current) return false;
        o.searchRef.current.focus();
        o.searchRef.current.select();
        return;
      case 'help':
        setHelpOpen(true);
        return;
      case 'escape': {
        const target = event.target instanceof HTMLElement ? event.target : null;
        // A field in a popover or with an open list of options closes that first.
        if (target?.closest('.mantine-Popover-dropdown') || target?.getAttribute('aria-expanded') === 'true')
          return false;
        if (
          target &&
          target !== document.body &&
          target.matches('input, textarea, select, [contenteditable]')
        ) {
          target.blur();
          return;
        }
        if (o.selection.ids.size > 0) {
          o.onSelectionChange(EMPTY_SELECTION);
          return;
        }
        return false;
      }
    }
  });

  function snoozeOneHour(ids: string[]) {
    const until = snoozeUntil('1h', new Date());
    if (ids.length === 1 && optionsRef.current.selection.ids.size === 0) actions.snoozeOne(ids[0]!, until);
    else
      void actions
        .runBulk(ids, { type: 'snooze', snoozedUntil: until.toISOString() })
        .then(clearSelectionAfter);
  }

  return {
    setCursor,
    isHelpOpen,
    closeHelp: () => setHelpOpen(false),
  };
}
