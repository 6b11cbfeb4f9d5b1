import { describe, expect, it } from 'vitest';
import {
  activePresence,
  activityText,
  applyActivity,
  colleagueReplied,
  filterMentionMembers,
  formatMention,
  fromDateTimeLocal,
  insertMention,
  mentionQuery,
  parseMentions,
  presetTime,
  shouldEmitTyping,
  toDateTimeLocal,
} from './model';

const ANNA = '11111111-1111-4111-8111-111111111111';
const BEN = '22222222-2222-4222-8222-222222222222';
const ME = '33333333-3333-4333-8333-333333333333';
const names: Record<string, string> = { [ANNA]: 'Anna', [BEN]: 'Ben' };
const name = (id: string | null) => (id ? (names[id] ?? 'Someone') : 'Parley');
const fmt = (iso: string) => `<${iso}>`;

describe('activityText', () => {
  const assigned = {
    action: 'assigned',
    actorId: ANNA,
    assigneeId: BEN,
    previousAssigneeId: null,
    teamId: null,
  };
  it('describes a manual assignment', () => {
    expect(activityText({ ...assigned, via: 'manual' }, name, fmt)).toEqual({
      key: 'activity.assigned',
      values: { actor: 'Anna', assignee: 'Ben' },
    });
  });
  it('describes self-assignment, take, auto and unassign', () => {
    expect(activityText({ ...assigned, assigneeId: ANNA, via: 'manual' }, name, fmt).key).toBe(
      'activity.assignedSelf',
    );
    expect(activityText({ ...assigned, via: 'take' }, name, fmt)).toEqual({
      key: 'activity.took',
      values: { actor: 'Ben' },
    });
    expect(activityText({ ...assigned, actorId: null, via: 'auto' }, name, fmt).key).toBe(
      'activity.autoAssigned',
    );
    expect(activityText({ ...assigned, assigneeId: null, via: 'manual' }, name, fmt)).toEqual({
      key: 'activity.unassigned',
      values: { actor: 'Anna' },
    });
    expect(
      activityText({ ...assigned, previousAssigneeId: ANNA, actorId: BEN, via: 'takeover' }, name, fmt),
    ).toEqual({ key: 'activity.takeoverFrom', values: { assignee: 'Ben', previous: 'Anna' } });
  });
  it('describes status changes, snooze with its time, and priority', () => {
    expect(
      activityText({ action: 'status', actorId: ANNA, status: 'resolved', snoozedUntil: null }, name, fmt)
        .key,
    ).toBe('activity.resolved');
    expect(
      activityText({ action: 'status', actorId: null, status: 'open', snoozedUntil: null }, name, fmt).key,
    ).toBe('activity.reopenedSystem');
    expect(
      activityText(
        { action: 'status', actorId: ANNA, status: 'snoozed', snoozedUntil: '2026-01-01T09:00:00Z' },
        name,
        fmt,
      ),
    ).toEqual({ key: 'activity.snoozed', values: { actor: 'Anna', until: '<2026-01-01T09:00:00Z>' } });
    expect(activityText({ action: 'priority', actorId: ANNA, priority: 'high' }, name, fmt)).toEqual({
      key: 'activity.priority',
      values: { actor: 'Anna', priority: 'high' },
    });
    expect(activityText({ action: 'priority', actorId: ANNA, priority: 'none' }, name, fmt).key).toBe(
      'activity.priorityRemoved',
    );
  });
  it('falls back for unknown content', () => {
    expect(activityText(null, name, fmt).key).toBe('activity.unknown');
    expect(activityText({ action: 'exploded' }, name, fmt).key).toBe('activity.unknown');
  });
});

describe('mentions', () => {
  it('finds the query at the caret', () => {
    expect(mentionQuery('hi @an', 6)).toEqual({ start: 3, query: 'an' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('mail a@b', 8)).toBeNull();
    expect(mentionQuery('hi @an\nx', 8)).toBeNull();
    expect(mentionQuery('@ x', 3)).toBeNull();
    expect(mentionQuery('@[Anna](x) more', 15)).toBeNull();
  });
  it('filters members by word prefix, accent-insensitive', () => {
    const members = [
      { userId: ANNA, name: 'Anna Müller' },
      { userId: BEN, name: 'Ben Ärger' },
    ];
    expect(filterMentionMembers(members, 'mul').map((m) => m.userId)).toEqual([ANNA]);
    expect(filterMentionMembers(members, 'ar').map((m) => m.userId)).toEqual([BEN]);
    expect(filterMentionMembers(members, '')).toHaveLength(2);
    expect(filterMentionMembers(members, 'zz')).toHaveLength(0);
  });
  it('inserts the server syntax and parses it back', () => {
    const result = insertMention('hi @an please', 3, 6, { userId: ANNA, name: 'Anna [M]' });
    expect(result.text).toBe(`hi @[Anna M](${ANNA}) please`);
    expect(result.caret).toBe(`hi @[Anna M](${ANNA}) `.length);
    expect(parseMentions(result.text)).toEqual([
      { type: 'text', text: 'hi ' },
      { type: 'mention', name: 'Anna M', userId: ANNA },
      { type: 'text', text: ' please' },
    ]);
    expect(formatMention({ userId: BEN, name: 'Ben' })).toBe(`@[Ben](${BEN})`);
    // The server's pattern: the same text gives the same id.
    expect(/@\[[^\]\n]{1,100}\]\(([0-9a-f-]{36})\)/.exec(result.text)?.[1]).toBe(ANNA);
  });
});

describe('presets', () => {
  it('computes one hour, tomorrow 9:00 and next Monday 9:00', () => {
    const wed = new Date(2026, 11, 2, 15, 30); // Wednesday
    expect(presetTime('inOneHour', wed).getTime()).toBe(wed.getTime() + 3_600_000);
    expect(presetTime('tomorrow9', wed)).toEqual(new Date(2026, 11, 3, 9, 0));
    expect(presetTime('nextMonday9', wed)).toEqual(new Date(2026, 11, 7, 9, 0));
    const monday = new Date(2026, 11, 7, 8, 0);
    expect(presetTime('nextMonday9', monday)).toEqual(new Date(2026, 11, 14, 9, 0));
    const sunday = new Date(2026, 11, 6, 20, 0);
    expect(presetTime('nextMonday9', sunday)).toEqual(new Date(2026, 11, 7, 9, 0));
    expect(presetTime('tomorrow9', new Date(2026, 11, 31, 23, 0))).toEqual(new Date(2027, 0, 1, 9, 0));
  });
  it('round-trips datetime-local values and refuses the past', () => {
    const now = new Date(2026, 11, 2, 15, 30);
    const later = new Date(2026, 11, 3, 10, 5);
    expect(toDateTimeLocal(later)).toBe('2026-12-03T10:05');
    expect(fromDateTimeLocal('2026-12-03T10:05', now)).toBe(later.toISOString());
    expect(fromDateTimeLocal('2026-12-01T10:05', now)).toBeNull();
    expect(fromDateTimeLocal('', now)).toBeNull();
    expect(fromDateTimeLocal('2028-12-01T10:05', now)).toBeNull();
  });
});

describe('collision', () => {
  const conv = 'c1';
  it('tracks colleagues, ignores me and other conversations, and expires', () => {
    let p = applyActivity({}, { conversationId: conv, userId: ANNA, state: 'viewing' }, conv, ME, 1000);
    p = applyActivity(p, { conversationId: conv, userId: ME, state: 'typing' }, conv, ME, 1000);
    p = applyActivity(p, { conversationId: 'other', userId: BEN, state: 'typing' }, conv, ME, 1000);
    expect(Object.keys(p)).toEqual([ANNA]);
    p = applyActivity(p, { conversationId: conv, userId: BEN, state: 'typing' }, conv, ME, 5000);
    expect(activePresence(p, 6000).map((e) => e.userId)).toEqual([BEN, ANNA]);
    expect(activePresence(p, 31_500).map((e) => e.userId)).toEqual([BEN]);
    p = applyActivity(p, { conversationId: conv, userId: BEN, state: 'left' }, conv, ME, 7000);
    expect(activePresence(p, 7000).map((e) => e.userId)).toEqual([ANNA]);
  });
  it('throttles typing', () => {
    expect(shouldEmitTyping(null, 0)).toBe(true);
    expect(shouldEmitTyping(1000, 2000)).toBe(false);
    expect(shouldEmitTyping(1000, 4000)).toBe(true);
  });
  it('detects a colleague reply after typing started', () => {
    const base = { direction: 'outbound' as const, kind: 'message' as const, type: 'text' };
    const messages = [
      { ...base, id: 'a', senderUserId: ANNA, createdAt: '2026-12-02T10:00:00.000Z' },
      { ...base, id: 'b', senderUserId: ME, createdAt: '2026-12-02T10:05:00.000Z' },
      { ...base, id: 'c', kind: 'note' as const, senderUserId: BEN, createdAt: '2026-12-02T10:06:00.000Z' },
      {
        ...base,
        id: 'd',
        direction: 'inbound' as const,
        senderUserId: null,
        createdAt: '2026-12-02T10:07:00.000Z',
      },
    ];
    expect(colleagueReplied(messages, ME, '2026-12-02T10:01:00.000Z')).toBeNull();
    expect(colleagueReplied(messages, ME, null)).toBeNull();
    expect(colleagueReplied(messages, ME, '2026-12-02T09:59:00.000Z')).toEqual({
      messageId: 'a',
      userId: ANNA,
    });
    const withBen = [
      ...messages,
      { ...base, id: 'e', senderUserId: BEN, createdAt: '2026-12-02T10:08:00+00:00' },
    ];
    expect(colleagueReplied(withBen, ME, '2026-12-02T10:01:00.000Z')).toEqual({
      messageId: 'e',
      userId: BEN,
    });
  });
});
