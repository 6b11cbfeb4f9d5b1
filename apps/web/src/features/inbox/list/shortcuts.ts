// The inbox's keyboard shortcuts: one map (the help overlay lists it) and a pure resolver.

export type ShortcutAction =
  | 'next'
  | 'previous'
  | 'open'
  | 'reply'
  | 'note'
  | 'assignToMe'
  | 'resolve'
  | 'snooze'
  | 'search'
  | 'select'
  | 'help'
  | 'escape';

/** Key (as `KeyboardEvent.key`) → action. Arrow keys only move while the list (or nothing) has focus. */
export const SHORTCUTS: { keys: string[]; action: ShortcutAction }[] = [
  { keys: ['j', 'ArrowDown'], action: 'next' },
  { keys: ['k', 'ArrowUp'], action: 'previous' },
  { keys: ['Enter'], action: 'open' },
  { keys: ['r'], action: 'reply' },
  { keys: ['n'], action: 'note' },
  { keys: ['a'], action: 'assignToMe' },
  { keys: ['e'], action: 'resolve' },
  { keys: ['s'], action: 'snooze' },
  { keys: ['x'], action: 'select' },
  { keys: ['/'], action: 'search' },
  { keys: ['?'], action: 'help' },
  { keys: ['Escape'], action: 'escape' },
];

const byKey = new Map(SHORTCUTS.flatMap((s) => s.keys.map((key) => [key, s.action] as const)));

export type KeyContext = {
  key: string;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  /** The focus is in a text field (input, textarea, select, contenteditable). */
  isTyping: boolean;
  /** The focus is on a button, link or other control that handles Enter and arrows itself. */
  isOnControl: boolean;
  /** The focus is in the conversation list (its rows handle Enter as links). */
  isInList: boolean;
  /** A modal dialog is open (only Escape is left to it, nothing fires). */
  isModalOpen: boolean;
};

/** The action a key press triggers, or null (typing, modifiers, a modal, a key without shortcut). */
export function resolveShortcut(context: KeyContext): ShortcutAction | null {
  if (context.altKey || context.ctrlKey || context.metaKey) return null;
  if (context.isModalOpen) return null;
  const key = context.key.length === 1 ? context.key.toLowerCase() : context.key;
  // `?` is shift+/ on most layouts: keep it case-free, but a capital letter (shift+j) is no shortcut.
  if (context.key.length === 1 && context.key !== key) return null;
  const action = byKey.get(key) ?? null;
  if (!action) return null;
  if (context.isTyping) return action === 'escape' ? 'escape' : null;
  if ((action === 'next' || action === 'previous') && key.startsWith('Arrow')) {
    return context.isInList || !context.isOnControl ? action : null;
  }
  if (action === 'open' && (context.isOnControl || context.isInList)) return null;
  return action;
}

/** Whether an element is a place where one types. */
export function isTypingElement(element: Element | null): boolean {
  if (!element) return false;
  if (element.closest('[contenteditable=""], [contenteditable="true"]')) return true;
  const tag = element.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (element as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}
