/**
 * Simulated time. `now()` is real time plus an offset that `advance()` moves forward, so the
 * 24-hour window, media URL expiry and rolling limits can be tested without waiting. Delays of
 * status webhooks and retries use real timers (they are configured short in tests).
 */
export type SimClock = {
  now(): number;
  nowSeconds(): number;
  advance(ms: number): number;
  set(epochMs: number): number;
};

export function createClock(startMs?: number): SimClock {
  let offset = startMs === undefined ? 0 : startMs - Date.now();
  const now = () => Date.now() + offset;
  return {
    now,
    nowSeconds: () => Math.floor(now() / 1000),
    advance(ms) {
      if (ms > 0) offset += ms;
      return now();
    },
    set(epochMs) {
      offset = epochMs - Date.now();
      return now();
    },
  };
}
