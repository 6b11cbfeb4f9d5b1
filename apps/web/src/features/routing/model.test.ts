import type { AgentRoutingDto } from '@parley/contracts';
import { describe, expect, it } from 'vitest';
import {
  absentUntilFromDateInput,
  channelRoutingForm,
  channelRoutingRequestOf,
  dateInputFromAbsentUntil,
  isAbsent,
  loadPercent,
  memberRoutingChanges,
  takeoverCandidates,
  toDateInput,
} from './model';

describe('channel routing form', () => {
  it('reads the server state and keeps round-robin as the mode while off', () => {
    expect(channelRoutingForm({ teamIds: ['t1'], autoAssign: 'off', defaultTeamId: null })).toEqual({
      teamIds: ['t1'],
      autoAssign: false,
      mode: 'round_robin',
      defaultTeamId: null,
    });
    expect(channelRoutingForm({ teamIds: [], autoAssign: 'least_busy', defaultTeamId: 't2' })).toMatchObject({
      autoAssign: true,
      mode: 'least_busy',
    });
  });
  it('builds the PUT body: off or the mode, known teams only, no duplicates', () => {
    const form = {
      teamIds: ['t1', 't1', 'gone'],
      autoAssign: true,
      mode: 'least_busy' as const,
      defaultTeamId: 'gone',
    };
    expect(channelRoutingRequestOf(form, ['t1', 't2'])).toEqual({
      teamIds: ['t1'],
      autoAssign: 'least_busy',
      defaultTeamId: null,
    });
    expect(
      channelRoutingRequestOf({ ...form, autoAssign: false, defaultTeamId: 't2' }, ['t1', 't2']),
    ).toEqual({
      teamIds: ['t1'],
      autoAssign: 'off',
      defaultTeamId: 't2',
    });
  });
});

describe('absence dates', () => {
  it('means "absent through that day": back at the start of the next local day', () => {
    const iso = absentUntilFromDateInput('2030-03-31');
    expect(iso).toBe(new Date(2030, 3, 1).toISOString());
    expect(dateInputFromAbsentUntil(iso!)).toBe('2030-03-31');
  });
  it('empty means not absent; nonsense is refused', () => {
    expect(absentUntilFromDateInput('')).toBeNull();
    expect(absentUntilFromDateInput('  ')).toBeNull();
    expect(absentUntilFromDateInput('2030-02-30')).toBeUndefined();
    expect(absentUntilFromDateInput('31.03.2030')).toBeUndefined();
    expect(dateInputFromAbsentUntil(null)).toBe('');
    expect(dateInputFromAbsentUntil('nope')).toBe('');
  });
  it('formats local dates with zero padding', () => {
    expect(toDateInput(new Date(2031, 0, 5))).toBe('2031-01-05');
  });
});

describe('memberRoutingChanges', () => {
  const now = new Date(2030, 0, 10, 12);
  const before = { capacity: 10, absentUntil: null };
  it('sends only what changed, or nothing', () => {
    expect(memberRoutingChanges(before, { capacity: 10, absentDate: '' }, now)).toEqual({
      ok: true,
      changes: null,
    });
    expect(memberRoutingChanges(before, { capacity: '4', absentDate: '' }, now)).toEqual({
      ok: true,
      changes: { capacity: 4 },
    });
    expect(memberRoutingChanges(before, { capacity: 10, absentDate: '2030-01-20' }, now)).toEqual({
      ok: true,
      changes: { absentUntil: new Date(2030, 0, 21).toISOString() },
    });
  });
  it('clears an absence', () => {
    const absent = { capacity: 10, absentUntil: new Date(2030, 0, 21).toISOString() };
    expect(memberRoutingChanges(absent, { capacity: 10, absentDate: '2030-01-20' }, now)).toEqual({
      ok: true,
      changes: null,
    });
    expect(memberRoutingChanges(absent, { capacity: 10, absentDate: '' }, now)).toEqual({
      ok: true,
      changes: { absentUntil: null },
    });
  });
  it('refuses what the server would refuse, naming the field', () => {
    for (const capacity of ['', '-1', '501', '2.5', 'x'])
      expect(memberRoutingChanges(before, { capacity, absentDate: '' }, now)).toEqual({
        ok: false,
        field: 'capacity',
      });
    expect(memberRoutingChanges(before, { capacity: 1, absentDate: '2030-01-05' }, now)).toEqual({
      ok: false,
      field: 'absentUntil',
    });
    expect(memberRoutingChanges(before, { capacity: 1, absentDate: '2030-13-01' }, now)).toEqual({
      ok: false,
      field: 'absentUntil',
    });
  });
  it('accepts today as the last absent day', () => {
    const r = memberRoutingChanges(before, { capacity: 10, absentDate: '2030-01-10' }, now);
    expect(r.ok).toBe(true);
  });
});

describe('load', () => {
  it('is a capped percentage', () => {
    expect(loadPercent(0, 10)).toBe(0);
    expect(loadPercent(5, 10)).toBe(50);
    expect(loadPercent(15, 10)).toBe(100);
    expect(loadPercent(0, 0)).toBe(0);
    expect(loadPercent(1, 0)).toBe(100);
  });
});

const agent = (over: Partial<AgentRoutingDto>): AgentRoutingDto => ({
  userId: 'u',
  name: 'N',
  role: 'agent',
  availability: 'available',
  load: 0,
  capacity: 10,
  absentUntil: null,
  teamIds: [],
  ...over,
});

describe('takeoverCandidates', () => {
  const now = new Date(2030, 0, 10);
  it('excludes the absent person; available first, absent last, then by name', () => {
    const agents = [
      agent({ userId: 'from', name: 'Anna' }),
      agent({ userId: 'b', name: 'Bea', availability: 'offline' }),
      agent({ userId: 'c', name: 'Carl', availability: 'away' }),
      agent({ userId: 'd', name: 'Dora' }),
      agent({ userId: 'e', name: 'Emil', absentUntil: new Date(2030, 0, 11).toISOString() }),
      agent({ userId: 'f', name: 'Ähm' }),
    ];
    expect(takeoverCandidates(agents, 'from', 'de', now).map((a) => a.userId)).toEqual([
      'f',
      'd',
      'c',
      'b',
      'e',
    ]);
  });
  it('knows who is absent', () => {
    expect(isAbsent({ absentUntil: null }, now)).toBe(false);
    expect(isAbsent({ absentUntil: new Date(2030, 0, 9).toISOString() }, now)).toBe(false);
    expect(isAbsent({ absentUntil: new Date(2030, 0, 11).toISOString() }, now)).toBe(true);
  });
});
