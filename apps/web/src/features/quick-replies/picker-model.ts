// The basic build (no extended search syntax) is enough here and about a third smaller.
import Fuse from 'fuse.js/basic';

/** What the picker needs of a quick reply. */
export type Pickable = { id: string; shortcut: string; title: string };

/** The `/query` being typed: from the slash (`start`) to the caret (`end`). */
export type Trigger = { start: number; end: number; query: string };

/** The message may be at most this long (WhatsApp's limit for a text). */
export const MAX_TEXT = 4096;

/**
 * The slash command the caret is in, or null: a `/` at the start of the text or after whitespace,
 * followed by up to 32 characters that are neither whitespace nor `/` up to the caret. Pure.
 */
export function findTrigger(text: string, caret: number): Trigger | null {
  if (caret < 1 || caret > text.length) return null;
  const before = text.slice(Math.max(0, caret - 33), caret);
  const m = /(?:^|\s)\/([^\s/]{0,32})$/.exec(before);
  if (!m) return null;
  const query = m[1] ?? '';
  const start = caret - query.length - 1;
  // The window may cut the text: the slash must really start the text or follow whitespace.
  if (start > 0 && !/\s/.test(text[start - 1] ?? '')) return null;
  return { start, end: caret, query };
}

/**
 * The quick replies matching a query, best first, at most `limit`: fuzzy on shortcut (weighted) and
 * title; shortcuts that start with the query come first. An empty query lists them in order. Pure.
 */
export function filterQuickReplies<T extends Pickable>(items: readonly T[], query: string, limit = 8): T[] {
  const q = query.trim().toLowerCase();
  if (!q) return items.slice(0, limit);
  const fuse = new Fuse(items as T[], {
    keys: [
      { name: 'shortcut', weight: 2 },
      { name: 'title', weight: 1 },
    ],
    threshold: 0.4,
    ignoreLocation: true,
    includeScore: true,
  });
  return fuse
    .search(q)
    .map((r, rank) => ({ item: r.item, rank, prefix: r.item.shortcut.toLowerCase().startsWith(q) ? 0 : 1 }))
    .sort((a, b) => a.prefix - b.prefix || a.rank - b.rank)
    .slice(0, limit)
    .map((r) => r.item);
}

/** The next option index for an arrow key, wrapping around; -1 when there are none. Pure. */
export function moveActive(index: number, delta: number, count: number): number {
  if (count <= 0) return -1;
  if (index < 0) return delta > 0 ? 0 : count - 1;
  return (((index + delta) % count) + count) % count;
}

/**
 * The text with the `/query` replaced by the rendered quick reply, and where the caret goes; null when
 * the result would be longer than a message may be. Pure.
 */
export function insertAtTrigger(
  text: string,
  trigger: Pick<Trigger, 'start' | 'end'>,
  rendered: string,
): { text: string; caret: number } | null {
  const next = text.slice(0, trigger.start) + rendered + text.slice(trigger.end);
  if (next.length > MAX_TEXT) return null;
  return { text: next, caret: trigger.start + rendered.length };
}
