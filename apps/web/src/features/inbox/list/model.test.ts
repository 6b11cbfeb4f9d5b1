import { describe, expect, it } from 'vitest';
import {
  activeFilterCount,
  DEFAULT_FILTERS,
  EMPTY_SELECTION,
  filtersFromSearch,
  filtersToApiQuery,
  filtersToSearch,
  filtersToView,
  type ListFilters,
  matchesView,
  pruneSelection,
  queueOrder,
  quickTabOf,
  type Selection,
  selectionState,
  shortcutTargets,
  sinceTime,
  snoozeUntil,
  toggleAll,
  toggleSelection,
  viewToFilters,
  waitingParts,
  withQuickTab,
} from './model';

const CHANNEL = '11111111-1111-4111-8111-111111111111';
const TEAM = '22222222-2222-4222-8222-222222222222';
const LABEL = '33333333-3333-4333-8333-333333333333';
const PERSON = '44444444-4444-4444-8444-444444444444';

describe('filters ⇄ URL query', () => {
  it.each<[string, ListFilters]>([
    ['', DEFAULT_FILTERS],
    ['tab=mine', { ...DEFAULT_FILTERS, assignee: 'me' }],
    ['tab=unassigned&status=pending', { ...DEFAULT_FILTERS, assignee: 'unassigned', status: 'pending' }],
    ['tab=queue', { ...DEFAULT_FILTERS, queue: true }],
    [`assignee=${PERSON}&status=snoozed`, { ...DEFAULT_FILTERS, assignee: PERSON, status: 'snoozed' }],
    [
      `channel=${CHANNEL}&team=${TEAM}&label=${LABEL}&priority=urgent&since=7d`,
      {
        ...DEFAULT_FILTERS,
        channelId: CHANNEL,
        teamId: TEAM,
        labelId: LABEL,
        priority: 'urgent',
        since: '7d',
      },
    ],
    ['since=2026-01-02T00:00:00.000Z', { ...DEFAULT_FILTERS, since: '2026-01-02T00:00:00.000Z' }],
  ])('round-trips %s', (query, filters) => {
    expect(filtersFromSearch(new URLSearchParams(query))).toEqual(filters);
    expect(filtersToSearch(filters).toString()).toBe(new URLSearchParams(query).toString());
  });

  it('drops unknown and malformed values', () => {
    const filters = filtersFromSearch(
      new URLSearchParams(
        'status=deleted&tab=boss&assignee=me&channel=42&priority=asap&since=yesterday&label=x',
      ),
    );
    expect(filters).toEqual(DEFAULT_FILTERS);
  });

  it('does not write the default status, and no status in the queue', () => {
    expect(filtersToSearch({ ...DEFAULT_FILTERS, status: 'open' }).has('status')).toBe(false);
    expect(filtersToSearch({ ...DEFAULT_FILTERS, queue: true, status: 'resolved' }).toString()).toBe(
      'tab=queue',
    );
  });
});

describe('quick tabs', () => {
  it('knows the tab of the filters, none for a person', () => {
    expect(quickTabOf({ ...DEFAULT_FILTERS, assignee: 'me' })).toBe('mine');
    expect(quickTabOf({ ...DEFAULT_FILTERS, assignee: PERSON })).toBeNull();
    expect(quickTabOf({ ...DEFAULT_FILTERS, assignee: 'me', queue: true })).toBe('queue');
  });

  it('switching keeps the other filters', () => {
    const base: ListFilters = { ...DEFAULT_FILTERS, channelId: CHANNEL, status: 'pending', assignee: PERSON };
    expect(withQuickTab(base, 'mine')).toEqual({ ...base, assignee: 'me', queue: false });
    expect(withQuickTab(base, 'queue')).toEqual({ ...base, assignee: 'all', queue: true });
    expect(withQuickTab({ ...base, queue: true }, 'all')).toEqual({ ...base, assignee: 'all', queue: false });
  });
});

describe('filtersToApiQuery', () => {
  const now = new Date(2026, 2, 15, 14, 30);

  it('sends a person as assigneeId with assignee all', () => {
    expect(filtersToApiQuery({ ...DEFAULT_FILTERS, assignee: PERSON, labelId: LABEL }, now)).toEqual({
      status: 'open',
      assignee: 'all',
      assigneeId: PERSON,
      labelId: LABEL,
    });
  });

  it('sends the queue without status and assignee', () => {
    expect(
      filtersToApiQuery({ ...DEFAULT_FILTERS, queue: true, status: 'resolved', channelId: CHANNEL }, now),
    ).toEqual({
      queued: 'true',
      channelId: CHANNEL,
    });
  });

  it('turns a date preset into local midnight', () => {
    expect(sinceTime('today', now)).toBe(new Date(2026, 2, 15).toISOString());
    expect(sinceTime('7d', now)).toBe(new Date(2026, 2, 8).toISOString());
    expect(sinceTime('30d', now)).toBe(new Date(2026, 1, 13).toISOString());
    expect(sinceTime('2026-01-01T00:00:00Z', now)).toBe('2026-01-01T00:00:00Z');
    expect(filtersToApiQuery({ ...DEFAULT_FILTERS, since: 'today' }, now).since).toBe(
      new Date(2026, 2, 15).toISOString(),
    );
  });

  it('counts refining filters, not tabs', () => {
    expect(activeFilterCount({ ...DEFAULT_FILTERS, assignee: 'me', status: 'pending' })).toBe(0);
    expect(
      activeFilterCount({ ...DEFAULT_FILTERS, assignee: PERSON, priority: 'high', since: 'today' }),
    ).toBe(3);
  });
});

describe('saved views', () => {
  it('stores the filters without a relative date', () => {
    expect(filtersToView({ ...DEFAULT_FILTERS, assignee: 'me', teamId: TEAM, since: '7d' })).toEqual({
      status: 'open',
      assignee: 'me',
      teamId: TEAM,
    });
    expect(filtersToView({ ...DEFAULT_FILTERS, assignee: PERSON, since: '2026-01-01T00:00:00Z' })).toEqual({
      status: 'open',
      assigneeId: PERSON,
      since: '2026-01-01T00:00:00Z',
    });
    expect(filtersToView({ ...DEFAULT_FILTERS, queue: true })).toEqual({ queued: 'true' });
  });

  it('applies a view and recognises it', () => {
    const view = {
      status: 'pending' as const,
      assigneeId: PERSON,
      labelId: LABEL,
      priority: 'high' as const,
    };
    const filters = viewToFilters(view);
    expect(filters).toEqual({
      ...DEFAULT_FILTERS,
      status: 'pending',
      assignee: PERSON,
      labelId: LABEL,
      priority: 'high',
    });
    expect(matchesView(filters, view)).toBe(true);
    expect(matchesView({ ...filters, priority: 'low' }, view)).toBe(false);
    expect(matchesView(DEFAULT_FILTERS, {})).toBe(true);
  });
});

describe('queue', () => {
  it('puts the longest waiting first', () => {
    const rows = [
      { id: 'b', queuedAt: '2026-01-01T10:05:00Z', lastMessageAt: '2026-01-01T12:00:00Z' },
      { id: 'n', queuedAt: null, lastMessageAt: '2026-01-01T13:00:00Z' },
      { id: 'a', queuedAt: '2026-01-01T10:00:00Z', lastMessageAt: '2026-01-01T11:00:00Z' },
    ];
    expect(queueOrder(rows).map((r) => r.id)).toEqual(['a', 'b', 'n']);
  });

  it('describes the waiting time compactly', () => {
    const at = Date.parse('2026-01-01T10:00:00Z');
    expect(waitingParts('2026-01-01T09:55:30Z', at)).toEqual({ unit: 'm', value: 4 });
    expect(waitingParts('2026-01-01T07:00:00Z', at)).toEqual({ unit: 'h', value: 3 });
    expect(waitingParts('2025-12-28T10:00:00Z', at)).toEqual({ unit: 'd', value: 4 });
    expect(waitingParts('2026-01-01T10:01:00Z', at)).toEqual({ unit: 'm', value: 0 });
  });
});

describe('bulk selection', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];
  const ids = (s: Selection) => [...s.ids].sort();

  it('toggles one row and makes it the anchor', () => {
    const one = toggleSelection(EMPTY_SELECTION, order, 'b', false);
    expect(ids(one)).toEqual(['b']);
    expect(one.anchor).toBe('b');
    expect(ids(toggleSelection(one, order, 'b', false))).toEqual([]);
  });

  it('shift-click selects the range from the anchor, in either direction', () => {
    const start = toggleSelection(EMPTY_SELECTION, order, 'd', false);
    expect(ids(toggleSelection(start, order, 'b', true))).toEqual(['b', 'c', 'd']);
    const down = toggleSelection(toggleSelection(EMPTY_SELECTION, order, 'a', false), order, 'c', true);
    expect(ids(down)).toEqual(['a', 'b', 'c']);
  });

  it('shift-click on a selected row clears the range', () => {
    const all = toggleAll(EMPTY_SELECTION, order);
    const anchored = toggleSelection(toggleSelection(all, order, 'b', false), order, 'b', false);
    expect(ids(toggleSelection(anchored, order, 'd', true))).toEqual(['a', 'e']);
  });

  it('shift-click without an anchor in the list toggles just the row', () => {
    const stale: Selection = { ids: new Set(['zz']), anchor: 'zz' };
    expect(ids(toggleSelection(stale, order, 'c', true))).toEqual(['c', 'zz']);
  });

  it('select all selects the loaded rows, then none', () => {
    const some = toggleSelection(EMPTY_SELECTION, order, 'a', false);
    expect(selectionState(some, order)).toBe('some');
    const all = toggleAll(some, order);
    expect(selectionState(all, order)).toBe('all');
    expect(selectionState(toggleAll(all, order), order)).toBe('none');
  });

  it('prunes rows that are gone', () => {
    const s: Selection = { ids: new Set(['a', 'x']), anchor: 'x' };
    expect(pruneSelection(s, order)).toEqual({ ids: new Set(['a']), anchor: null });
    const kept: Selection = { ids: new Set(['a']), anchor: 'a' };
    expect(pruneSelection(kept, order)).toBe(kept);
  });
});

describe('snoozeUntil', () => {
  it.each<[string, Date, Date]>([
    ['1h', new Date(2026, 0, 7, 10, 15), new Date(2026, 0, 7, 11, 15)],
    ['3h', new Date(2026, 0, 7, 22, 0), new Date(2026, 0, 8, 1, 0)],
    ['tomorrow', new Date(2026, 0, 31, 23, 0), new Date(2026, 1, 1, 9, 0)],
    // 7 Jan 2026 is a Wednesday → Monday 12 Jan; on a Monday → the Monday after.
    ['nextWeek', new Date(2026, 0, 7, 10, 0), new Date(2026, 0, 12, 9, 0)],
    ['nextWeek', new Date(2026, 0, 12, 8, 0), new Date(2026, 0, 19, 9, 0)],
    ['nextWeek', new Date(2026, 0, 11, 8, 0), new Date(2026, 0, 12, 9, 0)],
  ])('%s from %s', (preset, now, expected) => {
    expect(snoozeUntil(preset as Parameters<typeof snoozeUntil>[0], now)).toEqual(expected);
  });
});

describe('shortcutTargets', () => {
  const selected: Selection = { ids: new Set(['b', 'c']), anchor: 'c' };

  it('acts on the selection first, whatever has the focus', () => {
    expect(shortcutTargets(selected, 'a', 'z')).toEqual(['b', 'c']);
  });

  it('without a selection: the focused row, else the open conversation', () => {
    expect(shortcutTargets(EMPTY_SELECTION, 'a', 'z')).toEqual(['a']);
    expect(shortcutTargets(EMPTY_SELECTION, null, 'z')).toEqual(['z']);
  });

  it('nothing to act on', () => {
    expect(shortcutTargets(EMPTY_SELECTION, null, undefined)).toEqual([]);
  });
});
