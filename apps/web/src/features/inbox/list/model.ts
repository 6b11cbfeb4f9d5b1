// Pure logic of the conversation list: filters ⇄ URL query ⇄ API query ⇄ saved views, quick tabs,
// the queue's order, bulk selection and snooze presets. No React, no i18n instance (see model.test.ts).

import type { ConversationDto, Priority, SavedViewDto } from '@parley/contracts';

export type ListStatus = ConversationDto['status'];
export const LIST_STATUSES: ListStatus[] = ['open', 'pending', 'snoozed', 'resolved'];
export const PRIORITIES: Priority[] = ['urgent', 'high', 'medium', 'low', 'none'];
export const SINCE_PRESETS = ['today', '7d', '30d'] as const;
export type SincePreset = (typeof SINCE_PRESETS)[number];
export const QUICK_TABS = ['mine', 'unassigned', 'all', 'queue'] as const;
export type QuickTab = (typeof QUICK_TABS)[number];

/**
 * What the list shows. `assignee` is `me`, `unassigned`, `all` or a person's user id; `queue` shows the
 * auto-assignment queue (oldest first; status and assignee do not apply). `since` is a preset or an
 * ISO time (from a saved view).
 */
export type ListFilters = {
  status: ListStatus;
  assignee: 'me' | 'unassigned' | 'all' | (string & {});
  queue: boolean;
  channelId?: string;
  teamId?: string;
  labelId?: string;
  priority?: Priority;
  since?: SincePreset | (string & {});
};

export const DEFAULT_FILTERS: ListFilters = { status: 'open', assignee: 'all', queue: false };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string | null | undefined): value is string => !!value && UUID.test(value);

function isIsoTime(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

/**
 * The filters in a URL query (`?tab=mine&status=pending&channel=…`). Unknown or malformed values are
 * dropped (a hand-edited link cannot break the list); defaults are not written.
 */
export function filtersFromSearch(search: URLSearchParams): ListFilters {
  const out: ListFilters = { ...DEFAULT_FILTERS };
  const status = search.get('status');
  if (status && (LIST_STATUSES as string[]).includes(status)) out.status = status as ListStatus;
  const tab = search.get('tab');
  const person = search.get('assignee');
  if (tab === 'queue') out.queue = true;
  else if (tab === 'mine') out.assignee = 'me';
  else if (tab === 'unassigned') out.assignee = 'unassigned';
  else if (isUuid(person)) out.assignee = person.toLowerCase();
  for (const [param, key] of [
    ['channel', 'channelId'],
    ['team', 'teamId'],
    ['label', 'labelId'],
  ] as const) {
    const value = search.get(param);
    if (isUuid(value)) out[key] = value.toLowerCase();
  }
  const priority = search.get('priority');
  if (priority && (PRIORITIES as string[]).includes(priority)) out.priority = priority as Priority;
  const since = search.get('since');
  if (since && ((SINCE_PRESETS as readonly string[]).includes(since) || isIsoTime(since))) out.since = since;
  return out;
}

/** The inverse of filtersFromSearch (keys in a stable order, defaults left out). */
export function filtersToSearch(filters: ListFilters): URLSearchParams {
  const out = new URLSearchParams();
  const tab = quickTabOf(filters);
  if (tab && tab !== 'all') out.set('tab', tab);
  if (!tab) out.set('assignee', filters.assignee);
  if (!filters.queue && filters.status !== DEFAULT_FILTERS.status) out.set('status', filters.status);
  if (filters.channelId) out.set('channel', filters.channelId);
  if (filters.teamId) out.set('team', filters.teamId);
  if (filters.labelId) out.set('label', filters.labelId);
  if (filters.priority) out.set('priority', filters.priority);
  if (filters.since) out.set('since', filters.since);
  return out;
}

/** The quick tab the filters correspond to; null when a particular person is chosen. */
export function quickTabOf(filters: ListFilters): QuickTab | null {
  if (filters.queue) return 'queue';
  if (filters.assignee === 'me') return 'mine';
  if (filters.assignee === 'unassigned') return 'unassigned';
  if (filters.assignee === 'all') return 'all';
  return null;
}

/** Switches the quick tab, keeping channel, team, label, priority, date and status. */
export function withQuickTab(filters: ListFilters, tab: QuickTab): ListFilters {
  if (tab === 'queue') return { ...filters, queue: true, assignee: 'all' };
  const assignee = tab === 'mine' ? 'me' : tab;
  return { ...filters, queue: false, assignee };
}

/** Start of the date filter: local midnight today, or midnight 7 / 30 days ago; an ISO time as is. */
export function sinceTime(since: ListFilters['since'], now: Date): string | undefined {
  if (!since) return undefined;
  const days = since === 'today' ? 0 : since === '7d' ? 7 : since === '30d' ? 30 : null;
  if (days === null) return since;
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - days);
  return start.toISOString();
}

/**
 * The `GET /conversations` query for the filters (without search and cursor). In the queue, status
 * and assignee do not apply: everything waiting for an agent is shown.
 */
export function filtersToApiQuery(filters: ListFilters, now: Date): Record<string, string> {
  const out: Record<string, string> = {};
  if (filters.queue) out.queued = 'true';
  else {
    out.status = filters.status;
    if (filters.assignee === 'me' || filters.assignee === 'unassigned' || filters.assignee === 'all')
      out.assignee = filters.assignee;
    else {
      out.assignee = 'all';
      out.assigneeId = filters.assignee;
    }
  }
  if (filters.channelId) out.channelId = filters.channelId;
  if (filters.teamId) out.teamId = filters.teamId;
  if (filters.labelId) out.labelId = filters.labelId;
  if (filters.priority) out.priority = filters.priority;
  const since = sinceTime(filters.since, now);
  if (since) out.since = since;
  return out;
}

/** How many refining filters are set (the filter button's count; tabs and status are not counted). */
export function activeFilterCount(filters: ListFilters): number {
  const person = quickTabOf(filters) === null ? 1 : 0;
  return (
    person +
    [filters.channelId, filters.teamId, filters.labelId, filters.priority, filters.since].filter(Boolean)
      .length
  );
}

export type ViewFilters = SavedViewDto['filters'];

/**
 * The filters as a saved view stores them. A relative date preset is not stored (a view's `since` is
 * an absolute time, which would go stale); an absolute one is.
 */
export function filtersToView(filters: ListFilters): ViewFilters {
  const out: ViewFilters = {};
  if (filters.queue) out.queued = 'true';
  else {
    out.status = filters.status;
    const tab = quickTabOf(filters);
    if (tab) out.assignee = tab === 'mine' ? 'me' : (tab as 'unassigned' | 'all');
    else out.assigneeId = filters.assignee;
  }
  if (filters.channelId) out.channelId = filters.channelId;
  if (filters.teamId) out.teamId = filters.teamId;
  if (filters.labelId) out.labelId = filters.labelId;
  if (filters.priority) out.priority = filters.priority;
  if (filters.since && !(SINCE_PRESETS as readonly string[]).includes(filters.since))
    out.since = filters.since;
  return out;
}

/** A saved view's filters as list filters. */
export function viewToFilters(view: ViewFilters): ListFilters {
  const out: ListFilters = { ...DEFAULT_FILTERS };
  if (view.queued === 'true') out.queue = true;
  if (view.status) out.status = view.status;
  if (view.assigneeId) out.assignee = view.assigneeId;
  else if (view.assignee) out.assignee = view.assignee;
  if (view.channelId) out.channelId = view.channelId;
  if (view.teamId) out.teamId = view.teamId;
  if (view.labelId) out.labelId = view.labelId;
  if (view.priority) out.priority = view.priority;
  if (view.since) out.since = view.since;
  return out;
}

/** Whether the current filters are exactly what a view stores (the view shows as selected). */
export function matchesView(filters: ListFilters, view: ViewFilters): boolean {
  return filtersToSearch(filters).toString() === filtersToSearch(viewToFilters(view)).toString();
}

/** The queue in its order: longest waiting first (rows without `queuedAt` last, by activity). */
export function queueOrder<T extends Pick<ConversationDto, 'queuedAt' | 'lastMessageAt'>>(rows: T[]): T[] {
  return [...rows].sort((a, b) => {
    if (a.queuedAt && b.queuedAt) return a.queuedAt < b.queuedAt ? -1 : a.queuedAt > b.queuedAt ? 1 : 0;
    if (a.queuedAt) return -1;
    if (b.queuedAt) return 1;
    return a.lastMessageAt < b.lastMessageAt ? 1 : -1;
  });
}

/** `{ minutes }` or `{ hours, minutes }` or `{ days }` of waiting, for a compact label. */
export function waitingParts(since: string, now: number): { unit: 'm' | 'h' | 'd'; value: number } {
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  if (minutes < 60) return { unit: 'm', value: minutes };
  if (minutes < 48 * 60) return { unit: 'h', value: Math.floor(minutes / 60) };
  return { unit: 'd', value: Math.floor(minutes / 1440) };
}

// ---- bulk selection ----

export type Selection = { ids: ReadonlySet<string>; anchor: string | null };
export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null };

/**
 * A click on a row's checkbox. Without shift it toggles that row and makes it the anchor; with shift
 * (and an anchor still in the list) every row between the anchor and this one takes the state the
 * clicked row gets. `order` is the rows as shown.
 */
export function toggleSelection(
  selection: Selection,
  order: string[],
  id: string,
  shift: boolean,
): Selection {
  const next = new Set(selection.ids);
  const checked = !next.has(id);
  const from = selection.anchor ? order.indexOf(selection.anchor) : -1;
  const to = order.indexOf(id);
  if (shift && from !== -1 && to !== -1) {
    const [start, end] = from < to ? [from, to] : [to, from];
    for (const rowId of order.slice(start, end + 1)) {
      if (checked) next.add(rowId);
      else next.delete(rowId);
    }
  } else if (checked) next.add(id);
  else next.delete(id);
  return { ids: next, anchor: id };
}

/** "Select all" for the loaded rows: all when not all are selected, none otherwise. */
export function toggleAll(selection: Selection, order: string[]): Selection {
  const all = order.length > 0 && order.every((id) => selection.ids.has(id));
  return all ? EMPTY_SELECTION : { ids: new Set(order), anchor: selection.anchor };
}

/**
 * The conversations the shortcuts a, e and s act on: the selection when there is one, else the row
 * with the keyboard focus, else the open conversation.
 */
export function shortcutTargets(
  selection: Selection,
  focusedId: string | null | undefined,
  openId: string | null | undefined,
): string[] {
  if (selection.ids.size > 0) return [...selection.ids];
  const one = focusedId ?? openId;
  return one ? [one] : [];
}

/** Drops ids that are no longer shown (the list changed under the selection). */
export function pruneSelection(selection: Selection, order: string[]): Selection {
  const shown = new Set(order);
  const ids = [...selection.ids].filter((id) => shown.has(id));
  if (ids.length === selection.ids.size) return selection;
  return {
    ids: new Set(ids),
    anchor: selection.anchor && shown.has(selection.anchor) ? selection.anchor : null,
  };
}

export function selectionState(selection: Selection, order: string[]): 'none' | 'some' | 'all' {
  const count = order.filter((id) => selection.ids.has(id)).length;
  if (count === 0) return 'none';
  return count === order.length ? 'all' : 'some';
}

// ---- snooze ----

export const SNOOZE_PRESETS = ['1h', '3h', 'tomorrow', 'nextWeek'] as const;
export type SnoozePreset = (typeof SNOOZE_PRESETS)[number];

/**
 * When a snooze preset ends: in 1 or 3 hours, tomorrow at 09:00, or next Monday at 09:00 (local time;
 * on a Monday "next week" is a week later).
 */
export function snoozeUntil(preset: SnoozePreset, now: Date): Date {
  if (preset === '1h') return new Date(now.getTime() + 3600_000);
  if (preset === '3h') return new Date(now.getTime() + 3 * 3600_000);
  if (preset === 'tomorrow')
    return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0, 0);
  const daysToMonday = (8 - now.getDay()) % 7 || 7;
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + daysToMonday, 9, 0, 0, 0);
}
