import { useCallback, useEffect, useRef, useState } from 'react';
import { useRoutingAgents } from '../routing/api';
import { useSetPresence } from './api';
import { type Chosen, type IdleEvent, idleStep, initialIdleState } from './idle';

const ACTIVITY_KEY = 'parley:last-activity';
const autoAwayKey = (ws: string) => `parley:auto-away:${ws}`;
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;
/** Activity is recorded at most this often (pointer moves fire constantly). */
const ACTIVITY_THROTTLE_MS = 5_000;
const TICK_MS = 30_000;

function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}
function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Private mode or storage full: automatic away then works per tab only.
  }
}

/**
 * My availability in this workspace, with automatic away: after 10 minutes without pointer or
 * keyboard activity in any tab of this browser (tabs share their last activity through localStorage),
 * I am set away; the next activity sets me available again, unless I chose away myself.
 */
export function usePresence(ws: string, userId: string) {
  const agents = useRoutingAgents(ws);
  const setPresence = useSetPresence(ws);
  const server = agents.data?.agents.find((a) => a.userId === userId)?.availability;
  const stateRef = useRef(initialIdleState(Date.now()));
  const [availability, setAvailability] = useState<Chosen>(stateRef.current.availability);
  const sendRef = useRef(setPresence.mutate);
  sendRef.current = setPresence.mutate;

  const dispatch = useCallback(
    (event: IdleEvent) => {
      const { state, send } = idleStep(stateRef.current, event);
      stateRef.current = state;
      setAvailability(state.availability);
      if (send) {
        writeStorage(autoAwayKey(ws), state.isAutoAway ? '1' : null);
        sendRef.current(send);
      }
    },
    [ws],
  );

  // The server's value (first load, another device, another tab).
  useEffect(() => {
    if (server === 'available' || server === 'away')
      dispatch({ type: 'sync', availability: server, isAuto: readStorage(autoAwayKey(ws)) === '1' });
  }, [server, ws, dispatch]);

  useEffect(() => {
    let recordedAt = 0;
    const onActivity = () => {
      const now = Date.now();
      if (now - recordedAt < ACTIVITY_THROTTLE_MS) return;
      recordedAt = now;
      writeStorage(ACTIVITY_KEY, String(now));
      dispatch({ type: 'activity', at: now });
    };
    const onStorage = (event: StorageEvent) => {
      if (event.key !== ACTIVITY_KEY || !event.newValue) return;
      const at = Number(event.newValue);
      if (Number.isFinite(at)) dispatch({ type: 'activity', at });
    };
    const tick = () => {
      // Another tab's activity may have been missed (storage events are not guaranteed while hidden).
      const shared = Number(readStorage(ACTIVITY_KEY));
      if (Number.isFinite(shared) && shared > stateRef.current.lastActivityAt)
        dispatch({ type: 'activity', at: shared });
      dispatch({ type: 'tick', at: Date.now() });
    };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { passive: true });
    window.addEventListener('storage', onStorage);
    const timer = window.setInterval(tick, TICK_MS);
    return () => {
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity);
      window.removeEventListener('storage', onStorage);
      window.clearInterval(timer);
    };
  }, [dispatch]);

  const choose = useCallback(
    (next: Chosen) => dispatch({ type: 'choose', availability: next, at: Date.now() }),
    [dispatch],
  );

  return { availability, isKnown: server !== undefined, isPending: setPresence.isPending, choose };
}
