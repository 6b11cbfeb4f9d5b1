import { useEffect, useRef } from 'react';
import { isTypingElement, resolveShortcut, type ShortcutAction } from './shortcuts';

/**
 * Calls `onShortcut` for the inbox's keyboard shortcuts (see shortcuts.ts) anywhere on the page.
 * Keys another handler already took (`defaultPrevented`) are left alone; a handled key is prevented.
 */
export function useShortcuts(onShortcut: (action: ShortcutAction, event: KeyboardEvent) => unknown): void {
  const handlerRef = useRef(onShortcut);
  handlerRef.current = onShortcut;

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const target = event.target instanceof Element ? event.target : null;
      const action = resolveShortcut({
        key: event.key,
        altKey: event.altKey,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        isTyping: isTypingElement(target),
        isOnControl: !!target?.closest(
          'a, button, [role="button"], [role="tab"], [role="menuitem"], input, summary',
        ),
        isInList: !!target?.closest('[data-inbox-list]'),
        isModalOpen: !!document.querySelector('[role="dialog"][aria-modal="true"], [role="menu"]'),
      });
      if (!action) return;
      if (handlerRef.current(action, event) !== false) event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
