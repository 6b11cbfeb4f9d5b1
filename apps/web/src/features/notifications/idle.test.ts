import { describe, expect, it } from 'vitest';
import { IDLE_AFTER_MS, type IdleEvent, type IdleState, idleStep, initialIdleState } from './idle';

function run(state: IdleState, events: IdleEvent[]) {
  const sent: string[] = [];
  let current = state;
  for (const event of events) {
    const result = idleStep(current, event);
    current = result.state;
    if (result.send) sent.push(result.send);
  }
  return { state: current, sent };
}

const MIN = 60_000;

describe('idleStep', () => {
  it('goes away after 10 minutes without activity, not before', () => {
    const start = initialIdleState(0);
    expect(run(start, [{ type: 'tick', at: IDLE_AFTER_MS - 1 }]).sent).toEqual([]);
    const { state, sent } = run(start, [{ type: 'tick', at: IDLE_AFTER_MS }]);
    expect(sent).toEqual(['away']);
    expect(state).toMatchObject({ availability: 'away', isAutoAway: true });
  });

  it('activity resets the idle time', () => {
    const { sent } = run(initialIdleState(0), [
      { type: 'activity', at: 9 * MIN },
      { type: 'tick', at: 12 * MIN },
      { type: 'tick', at: 19 * MIN - 1 },
    ]);
    expect(sent).toEqual([]);
  });

  it('comes back on activity after an automatic away, once', () => {
    const { state, sent } = run(initialIdleState(0), [
      { type: 'tick', at: 11 * MIN },
      { type: 'tick', at: 12 * MIN },
      { type: 'activity', at: 13 * MIN },
      { type: 'activity', at: 13 * MIN + 1 },
    ]);
    expect(sent).toEqual(['away', 'available']);
    expect(state).toEqual({ availability: 'available', isAutoAway: false, lastActivityAt: 13 * MIN + 1 });
  });

  it('stays away on activity when the person chose away', () => {
    const { state, sent } = run(initialIdleState(0), [
      { type: 'choose', availability: 'away', at: 1 * MIN },
      { type: 'tick', at: 30 * MIN },
      { type: 'activity', at: 31 * MIN },
    ]);
    expect(sent).toEqual(['away']);
    expect(state.availability).toBe('away');
  });

  it('a choice of away during an automatic away stays chosen', () => {
    const { sent, state } = run(initialIdleState(0), [
      { type: 'tick', at: 10 * MIN },
      { type: 'choose', availability: 'away', at: 11 * MIN },
      { type: 'activity', at: 12 * MIN },
    ]);
    expect(sent).toEqual(['away', 'away']);
    expect(state).toMatchObject({ availability: 'away', isAutoAway: false });
  });

  it('a change from another device is a choice; from another tab going idle it is automatic', () => {
    const chosen = run(initialIdleState(0), [
      { type: 'sync', availability: 'away' },
      { type: 'activity', at: 1 * MIN },
    ]);
    expect(chosen.sent).toEqual([]);
    expect(chosen.state.availability).toBe('away');
    const auto = run(initialIdleState(0), [
      { type: 'sync', availability: 'away', isAuto: true },
      { type: 'activity', at: 1 * MIN },
    ]);
    expect(auto.sent).toEqual(['available']);
  });

  it('does not go away again while away', () => {
    const { sent } = run(initialIdleState(0, 'away'), [{ type: 'tick', at: 60 * MIN }]);
    expect(sent).toEqual([]);
  });
});
