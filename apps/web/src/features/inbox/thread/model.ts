// Pure logic of the conversation thread: activity lines, mentions, snooze presets, collision detection.
// No React, no i18n instance: everything here is tested in model.test.ts.

import type { ActivityContent, MessageDto } from '@parley/contracts';

// ---- activity lines ----

/** A translation key (namespace `thread`) and its values; the component translates it. */
export type TextDescriptor = { key: string; values: Record<string, string> };

/**
 * What an activity line says. `name` turns a user id into a display name (null: the system, e.g.
 * automatic assignment). `formatDate` formats an ISO time (snoozed until).
 */
export function activityText(
  content: unknown,
  name: (userId: string | null) => string,
  formatDate: (iso: string) => string,
): TextDescriptor {
  const c = content as Partial<ActivityContent> | null;
  if (!c || typeof c !== 'object' || typeof c.action !== 'string')
    return { key: 'activity.unknown', values: {} };
  const actorId = (c as { actorId?: string | null }).actorId ?? null;
  const actor = name(actorId);
  const system = actorId === null;
  switch (c.action) {
    case 'assigned': {
      const a = c as Extract<ActivityContent, { action: 'assigned' }>;
      if (a.assigneeId === null) {
        return system
          ? { key: 'activity.unassignedSystem', values: {} }
          : { key: 'activity.unassigned', values: { actor } };
      }
      const assignee = name(a.assigneeId);
      if (a.via === 'take') return { key: 'activity.took', values: { actor: assignee } };
      if (a.via === 'auto') return { key: 'activity.autoAssigned', values: { assignee } };
      if (a.via === 'takeover') {
        return a.previousAssigneeId
          ? { key: 'activity.takeoverFrom', values: { assignee, previous: name(a.previousAssigneeId) } }
          : { key: 'activity.takeover', values: { assignee } };
      }
      if (system) return { key: 'activity.assignedSystem', values: { assignee } };
      if (a.assigneeId === actorId) return { key: 'activity.assignedSelf', values: { actor } };
      return { key: 'activity.assigned', values: { actor, assignee } };
    }
    case 'status': {
      const s = c as Extract<ActivityContent, { action: 'status' }>;
      const suffix = system ? 'System' : '';
      if (s.status === 'snoozed') {
        return {
          key: `activity.snoozed${suffix}`,
          values: { actor, until: s.snoozedUntil ? formatDate(s.snoozedUntil) : '' },
        };
      }
      const verb = s.status === 'open' ? 'reopened' : s.status === 'pending' ? 'pending' : 'resolved';
      return { key: `activity.${verb}${suffix}`, values: { actor } };
    }
    case 'priority': {
      const p = c as Extract<ActivityContent, { action: 'priority' }>;
      if (p.priority === 'none') return { key: 'activity.priorityRemoved', values: { actor } };
      return { key: 'activity.priority', values: { actor, priority: p.priority } };
    }
    default:
      return { key: 'activity.unknown', values: {} };
  }
}

// ---- mentions ----

export type MentionMember = { userId: string; name: string };

/** `@[Name](userId)`: the syntax the server parses in notes (see the notes route). */
const MENTION = /@\[([^\]\n]{1,100})\]\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)/gi;

export function formatMention(member: MentionMember): string {
  const name =
    member.name
      .replace(/[\]\n\r[]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 100) || '?';
  return `@[${name}](${member.userId})`;
}

/**
 * The mention being typed at the caret: an `@` at the start or after whitespace, followed by up to 30
 * characters without a line break (names have spaces: "@anna m"). Null when there is none.
 */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at === -1) return null;
  if (at > 0 && !/\s/.test(before[at - 1] ?? '')) return null;
  const query = before.slice(at + 1);
  if (query.length > 30 || /[\n\r[\]()@]/.test(query)) return null;
  // "@ " is no mention; a query that ends in two spaces was given up.
  if (query.startsWith(' ') || /\s{2}$/.test(query)) return null;
  return { start: at, query };
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/ß/g, 'ss');

/** Members whose name (or a word of it) starts with the query; at most `limit`. */
export function filterMentionMembers<T extends MentionMember>(members: T[], query: string, limit = 8): T[] {
  const q = fold(query.trim());
  if (!q) return members.slice(0, limit);
  return members
    .filter((m) => {
      const name = fold(m.name);
      return name.startsWith(q) || name.split(/\s+/).some((word) => word.startsWith(q));
    })
    .slice(0, limit);
}

/** Replaces the typed `@query` (from `start` to `caret`) by the mention and a space. */
export function insertMention(
  text: string,
  start: number,
  caret: number,
  member: MentionMember,
): { text: string; caret: number } {
  const mention = `${formatMention(member)} `;
  const after = text.slice(caret).replace(/^ /, '');
  return { text: text.slice(0, start) + mention + after, caret: start + mention.length };
}

export type NoteSegment = { type: 'text'; text: string } | { type: 'mention'; name: string; userId: string };

/** A note's text split into plain text and mentions (shown as "@Name"). */
export function parseMentions(text: string): NoteSegment[] {
  const segments: NoteSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const index = match.index ?? 0;
    if (index > last) segments.push({ type: 'text', text: text.slice(last, index) });
    segments.push({ type: 'mention', name: match[1] ?? '', userId: (match[2] ?? '').toLowerCase() });
    last = index + match[0].length;
  }
  if (last < text.length) segments.push({ type: 'text', text: text.slice(last) });
  return segments;
}

// ---- snooze and send-later presets ----

export type TimePreset = 'inOneHour' | 'tomorrow9' | 'nextMonday9';

/** The preset times, in the browser's local time zone. "Next Monday" is never today. */
export function presetTime(preset: TimePreset, now: Date): Date {
  if (preset === 'inOneHour') return new Date(now.getTime() + 60 * 60_000);
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 9, 0, 0, 0);
  if (preset === 'tomorrow9') {
    d.setDate(d.getDate() + 1);
    return d;
  }
  // getDay(): 0 Sunday … 1 Monday.
  const days = (8 - now.getDay()) % 7 || 7;
  d.setDate(d.getDate() + days);
  return d;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A date as the value of an `<input type="datetime-local">` (local time, minutes). */
export function toDateTimeLocal(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An `<input type="datetime-local">` value as an ISO time; null when empty, invalid or not in the future. */
export function fromDateTimeLocal(value: string, now: Date): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as number[];
  const date = new Date(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0);
  if (Number.isNaN(date.getTime()) || date.getTime() <= now.getTime()) return null;
  // The server allows at most a year ahead.
  if (date.getTime() > now.getTime() + 366 * 24 * 60 * 60_000) return null;
  return date.toISOString();
}

// ---- collision detection ----

export type PresenceState = 'viewing' | 'typing';
export type PresenceEntry = { userId: string; state: PresenceState; at: number };
export type Presence = Record<string, PresenceEntry>;

/** Viewing and typing repeat while true; without a repeat they expire after this long. */
export const PRESENCE_TTL_MS = 30_000;
/** How often "viewing" is repeated while the conversation is open. */
export const VIEWING_HEARTBEAT_MS = 20_000;
/** "typing" is sent at most this often. */
export const TYPING_THROTTLE_MS = 3_000;
/** Without a keystroke for this long, typing becomes viewing again. */
export const TYPING_IDLE_MS = 5_000;

/** Applies a colleague's activity event (ours and other conversations' are ignored). */
export function applyActivity(
  presence: Presence,
  event: { conversationId: string; userId: string; state: 'viewing' | 'typing' | 'left' },
  conversationId: string,
  myUserId: string,
  now: number,
): Presence {
  if (event.conversationId !== conversationId || event.userId === myUserId) return presence;
  const next = { ...presence };
  if (event.state === 'left') delete next[event.userId];
  else next[event.userId] = { userId: event.userId, state: event.state, at: now };
  return next;
}

/** Who is there now (not expired), those typing first. */
export function activePresence(presence: Presence, now: number): PresenceEntry[] {
  return Object.values(presence)
    .filter((e) => now - e.at < PRESENCE_TTL_MS)
    .sort((a, b) => (a.state === b.state ? a.at - b.at : a.state === 'typing' ? -1 : 1));
}

/** Whether a keystroke should send "typing" now (throttled). */
export function shouldEmitTyping(lastTypingAt: number | null, now: number): boolean {
  return lastTypingAt === null || now - lastTypingAt >= TYPING_THROTTLE_MS;
}

/**
 * The colleague's reply that arrived after this person started typing (their draft may be out of
 * date): the newest outbound customer message sent by another member since `typingSince`. Null when
 * there is none, or when they did not start typing.
 */
export function colleagueReplied(
  messages: Pick<MessageDto, 'id' | 'direction' | 'kind' | 'senderUserId' | 'createdAt' | 'type'>[],
  myUserId: string,
  typingSince: string | null,
): { messageId: string; userId: string } | null {
  if (!typingSince) return null;
  const since = Date.parse(typingSince);
  let found: { messageId: string; userId: string; at: number } | null = null;
  for (const m of messages) {
    if (m.direction !== 'outbound' || m.kind !== 'message' || m.type === 'reaction') continue;
    if (!m.senderUserId || m.senderUserId === myUserId) continue;
    if (m.id.startsWith('optimistic-')) continue;
    const at = Date.parse(m.createdAt);
    if (!(at > since)) continue;
    if (!found || at > found.at) found = { messageId: m.id, userId: m.senderUserId, at };
  }
  return found ? { messageId: found.messageId, userId: found.userId } : null;
}
