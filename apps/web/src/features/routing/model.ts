import type { AgentRoutingDto, ChannelRoutingRequest } from '@parley/contracts';

export type AutoAssignMode = 'round_robin' | 'least_busy';
export type ChannelRoutingForm = {
  teamIds: string[];
  autoAssign: boolean;
  mode: AutoAssignMode;
  defaultTeamId: string | null;
};

/** The form's state from the server's channel routing (the mode defaults to round-robin when off). */
export function channelRoutingForm(dto: {
  teamIds: string[];
  autoAssign: 'off' | AutoAssignMode;
  defaultTeamId: string | null;
}): ChannelRoutingForm {
  return {
    teamIds: [...dto.teamIds],
    autoAssign: dto.autoAssign !== 'off',
    mode: dto.autoAssign === 'off' ? 'round_robin' : dto.autoAssign,
    defaultTeamId: dto.defaultTeamId,
  };
}

/** PUT …/routing body from the form (duplicates removed; the default team must still exist). */
export function channelRoutingRequestOf(
  form: ChannelRoutingForm,
  knownTeamIds: readonly string[],
): ChannelRoutingRequest {
  const known = new Set(knownTeamIds);
  return {
    teamIds: [...new Set(form.teamIds)].filter((id) => known.has(id)),
    autoAssign: form.autoAssign ? form.mode : 'off',
    defaultTeamId: form.defaultTeamId && known.has(form.defaultTeamId) ? form.defaultTeamId : null,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of a local date. */
export function toDateInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * "Absent until and including <date>" (a date field's `YYYY-MM-DD`) as the instant the person is back:
 * the start of the next local day, as ISO. Empty = not absent (null); an unreadable date = undefined.
 */
export function absentUntilFromDateInput(value: string): string | null | undefined {
  const trimmed = value.trim();
  if (!trimmed) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const day = new Date(y, m - 1, d);
  if (day.getFullYear() !== y || day.getMonth() !== m - 1 || day.getDate() !== d) return undefined;
  return new Date(y, m - 1, d + 1).toISOString();
}

/** The last absent day (for the date field) of an `absentUntil` instant; '' when not absent. */
export function dateInputFromAbsentUntil(iso: string | null): string {
  if (!iso) return '';
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return '';
  return toDateInput(new Date(time - 1));
}

export type MemberRoutingChanges = { capacity?: number; absentUntil?: string | null };

/**
 * PATCH …/members/:id/routing body with only what changed, `null` when nothing did, or an error key
 * (`capacity`, `absentUntil`) for a value the server would refuse.
 */
export function memberRoutingChanges(
  before: { capacity: number; absentUntil: string | null },
  form: { capacity: number | string; absentDate: string },
  now = new Date(),
): { ok: true; changes: MemberRoutingChanges | null } | { ok: false; field: 'capacity' | 'absentUntil' } {
  const capacity = typeof form.capacity === 'number' ? form.capacity : Number(form.capacity);
  if (form.capacity === '' || !Number.isInteger(capacity) || capacity < 0 || capacity > 500)
    return { ok: false, field: 'capacity' };
  const absentUntil = absentUntilFromDateInput(form.absentDate);
  if (absentUntil === undefined) return { ok: false, field: 'absentUntil' };
  if (absentUntil !== null && new Date(absentUntil) <= now) return { ok: false, field: 'absentUntil' };
  const changes: MemberRoutingChanges = {};
  if (capacity !== before.capacity) changes.capacity = capacity;
  if (form.absentDate.trim() !== dateInputFromAbsentUntil(before.absentUntil))
    changes.absentUntil = absentUntil;
  return { ok: true, changes: Object.keys(changes).length > 0 ? changes : null };
}

/** How full a person is, 0–100 (capacity 0: full as soon as anything is assigned). */
export function loadPercent(load: number, capacity: number): number {
  if (capacity <= 0) return load > 0 ? 100 : 0;
  return Math.min(100, Math.round((load / capacity) * 100));
}

/** Who can take over someone's conversations: everyone else, available people first, then by name. */
export function takeoverCandidates(
  agents: readonly AgentRoutingDto[],
  fromUserId: string,
  locale: string,
  now = new Date(),
): AgentRoutingDto[] {
  const rank = (a: AgentRoutingDto) =>
    isAbsent(a, now) ? 3 : a.availability === 'available' ? 0 : a.availability === 'away' ? 1 : 2;
  const collator = new Intl.Collator(locale, { sensitivity: 'base' });
  return agents
    .filter((a) => a.userId !== fromUserId)
    .sort((a, b) => rank(a) - rank(b) || collator.compare(a.name, b.name));
}

/** Absent now (an absence date in the future). */
export function isAbsent(agent: { absentUntil: string | null }, now = new Date()): boolean {
  return agent.absentUntil !== null && new Date(agent.absentUntil) > now;
}
