import { type RefObject, useEffect } from 'react';

/**
 * Infinite scrolling: calls `load` when `sentinel` scrolls into view inside `root` (within `margin`
 * pixels), as long as `enabled`. The visible "Load more" button stays for keyboards and screen readers.
 */
export function useLoadMore(
  sentinel: RefObject<HTMLElement | null>,
  root: RefObject<HTMLElement | null>,
  enabled: boolean,
  load: () => void,
  margin = 200,
): void {
  useEffect(() => {
    const target = sentinel.current;
    if (!enabled || !target || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) load();
      },
      { root: root.current, rootMargin: `${margin}px` },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [sentinel, root, enabled, load, margin]);
}
