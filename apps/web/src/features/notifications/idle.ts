// Automatic away: pure state machine. The hook (presence.ts) feeds it activity, ticks and choices and
// sends the availability it asks for. Tested in idle.test.ts.

export const IDLE_AFTER_MS = 10 * 60_000;

export type Chosen = 'available' | 'away';

export type IdleState = {
  /** What we last told the server (or learned from it). */
  availability: Chosen;
  /** The current away was set automatically (activity brings the person back). */
  isAutoAway: boolean;
  /** Last pointer or keyboard activity in any tab (ms since epoch). */
  lastActivityAt: number;
};

export type IdleEvent =
  | { type: 'activity'; at: number }
  | { type: 'tick'; at: number }
  /** The person picked an availability in the menu. */
  | { type: 'choose'; availability: Chosen; at: number }
  /**
   * The server's value (first load, another device or tab). `isAuto`: another tab of this browser set
   * it automatically (so activity here brings the person back as well).
   */
  | { type: 'sync'; availability: Chosen; isAuto?: boolean };

export type IdleResult = { state: IdleState; send: Chosen | null };

export function initialIdleState(now: number, availability: Chosen = 'available'): IdleState {
  return { availability, isAutoAway: false, lastActivityAt: now };
}

/**
 * One step. After `idleAfterMs` without activity an available person goes away automatically; the
 * next activity brings them back, but only if the away was automatic, never when they chose it.
 */
export function idleStep(state: IdleState, event: IdleEvent, idleAfterMs = IDLE_AFTER_MS): IdleResult {
  switch (event.type) {
    case 'activity': {
      const lastActivityAt = Math.max(state.lastActivityAt, event.at);
      if (state.availability === 'away' && state.isAutoAway)
        return { state: { availability: 'available', isAutoAway: false, lastActivityAt }, send: 'available' };
      return { state: { ...state, lastActivityAt }, send: null };
    }
    case 'tick': {
      if (state.availability === 'available' && event.at - state.lastActivityAt >= idleAfterMs)
        return { state: { ...state, availability: 'away', isAutoAway: true }, send: 'away' };
      return { state, send: null };
    }
    case 'choose':
      return {
        state: { availability: event.availability, isAutoAway: false, lastActivityAt: event.at },
        send: event.availability === state.availability && !state.isAutoAway ? null : event.availability,
      };
    case 'sync':
      if (event.availability === state.availability) return { state, send: null };
      // Changed elsewhere: a choice, unless another tab of ours went away automatically.
      return {
        state: {
          ...state,
          availability: event.availability,
          isAutoAway: event.availability === 'away' && event.isAuto === true,
        },
        send: null,
      };
  }
}
