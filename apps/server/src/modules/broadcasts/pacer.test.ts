import { describe, expect, it } from 'vitest';
import { messagingLimitOf, reserveOf, SlidingWindowPacer } from './pacer.js';

describe('sliding window pacer', () => {
  it('never lets more than mps sends start within one second', () => {
    const pacer = new SlidingWindowPacer();
    const starts: number[] = [];
    let now = 0;
    while (starts.length < 300) {
      const slot = pacer.take('n', 80, now);
      if (typeof slot === 'number') now += slot;
      else {
        starts.push(now);
        slot.done(now); // answered at once
      }
    }
    // 79: one slot per second stays free for agents' replies (reserveOf).
    for (let i = 79; i < starts.length; i++)
      expect(starts[i]! - starts[i - 79]!).toBeGreaterThanOrEqual(1000);
    expect(starts.filter((t) => t < 1000)).toHaveLength(79);
    expect(reserveOf(1000)).toBe(10);
  });

  /**
   * `workers` senders, each answer `latency()` ms after its start; every send is an interval
   * [start, answer] somewhere in which WhatsApp counts it. Returns the intervals.
   */
  function simulate(mps: number, workers: number, ms: number, latency: (i: number) => number) {
    const pacer = new SlidingWindowPacer();
    const sends: { start: number; end: number }[] = [];
    const busyUntil = new Array<number>(workers).fill(0);
    const waitUntil = new Array<number>(workers).fill(0);
    const open: ({ end: number; done: (now: number) => void } | null)[] = new Array(workers).fill(null);
    for (let now = 0; now < ms; now++)
      for (let w = 0; w < workers; w++) {
        const inFlight = open[w];
        if (inFlight && now >= inFlight.end) {
          inFlight.done(now);
          open[w] = null;
        }
        if (open[w] || now < busyUntil[w]! || now < waitUntil[w]!) continue;
        const slot = pacer.take('n', mps, now);
        if (typeof slot === 'number') {
          waitUntil[w] = now + slot;
          continue;
        }
        const end = now + latency(sends.length);
        sends.push({ start: now, end });
        open[w] = { end, done: slot.done };
      }
    return sends;
  }

  /** The most sends that WhatsApp could count in one second, whenever in its interval each arrived. */
  function worstWindow(sends: { start: number; end: number }[]): number {
    let worst = 0;
    const last = Math.max(...sends.map((s) => s.end));
    for (let t = 0; t <= last; t += 5)
      worst = Math.max(worst, sends.filter((s) => s.start < t + 1000 && s.end >= t).length);
    return worst;
  }

  it('holds the limit at WhatsApp however late each send arrives: a send counts until its answer', () => {
    // Answers after 2–60 ms, jittering (a busy server or simulator reads requests in bunches).
    const jitter = (i: number) => 2 + ((i * 7919) % 59);
    const sends = simulate(80, 16, 6000, jitter);
    expect(worstWindow(sends)).toBeLessThanOrEqual(79);
    // The cost: each send holds its place for a second plus its round trip (here 31 ms on average).
    const rate = sends.filter((s) => s.start >= 1000 && s.start < 6000).length / 5;
    expect(rate).toBeGreaterThanOrEqual(79 / 1.031 - 1.5);
  });

  it('frees a slot whose answer never comes after 20 s, so a crashed caller does not hold it', () => {
    const pacer = new SlidingWindowPacer();
    for (let i = 0; i < 79; i++) expect(typeof pacer.take('n', 80, i * 13)).not.toBe('number');
    expect(typeof pacer.take('n', 80, 5000)).toBe('number'); // 79 under way, none answered
    expect(typeof pacer.take('n', 80, 21_100)).not.toBe('number');
  });

  /** Broadcast sends tried every 5 ms for 3 s, an agent's reply every `replyEveryMs` on its own lane. */
  function run(replyEveryMs: number) {
    const pacer = new SlidingWindowPacer();
    const all: number[] = [];
    let broadcast = 0;
    for (let now = 0; now < 3000; now += 5) {
      if (now % replyEveryMs === 0) {
        pacer.note('n', now).done(now);
        all.push(now);
      }
      const slot = pacer.take('n', 80, now);
      if (typeof slot !== 'number') {
        slot.done(now);
        broadcast++;
        all.push(now);
      }
    }
    let busiest = 0;
    for (let t = 0; t < 3000; t += 5)
      busiest = Math.max(busiest, all.filter((x) => x > t - 1000 && x <= t).length);
    return { broadcast, busiest };
  }

  it('leaves room for replies: with replies within the reserve the number never goes over', () => {
    const { broadcast, busiest } = run(1000);
    expect(busiest).toBeLessThanOrEqual(80);
    expect(broadcast).toBeGreaterThanOrEqual(3 * 78);
  });

  it('yields to a busy inbox: the broadcast gets what replies leave, never blocking them', () => {
    const { broadcast, busiest } = run(50);
    // 20 replies per second: the broadcast drops to about 60 per second.
    expect(broadcast).toBeLessThanOrEqual(3 * 61 + 4);
    expect(broadcast).toBeGreaterThanOrEqual(3 * 55);
    // Replies are never held back, so a burst of them may go a few over (WhatsApp's 130429 back-off).
    expect(busiest).toBeLessThanOrEqual(84);
  });
});

describe('messaging limit tiers', () => {
  it.each([
    ['TIER_250', 250],
    ['TIER_2K', 2000],
    ['TIER_10K', 10_000],
    ['TIER_100K', 100_000],
    ['TIER_UNLIMITED', Number.POSITIVE_INFINITY],
    [null, 250],
  ])('%s → %d', (tier, limit) => expect(messagingLimitOf(tier)).toBe(limit));
});
