import { describe, expect, it } from 'vitest';
import { messagingLimitOf, reserveOf, SlidingWindowPacer, type Slot } from './pacer.js';

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
    for (let i = 80; i < starts.length; i++)
      expect(starts[i]! - starts[i - 80]!).toBeGreaterThanOrEqual(1000);
    expect(starts.filter((t) => t < 1000)).toHaveLength(80);
    // Once the inbox has sent on the number, one slot per second stays free for its replies.
    const replied = new SlidingWindowPacer();
    (replied.tryOrdinary('n', 80, 0) as Slot).done(0);
    let count = 0;
    for (let t = 1; t < 1000; t++) {
      const slot = replied.take('n', 80, t);
      if (typeof slot !== 'number') {
        count++;
        slot.done(t);
      }
    }
    expect(count).toBe(79 - 1); // 80 less the reply, less the reserve
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
    expect(worstWindow(sends)).toBeLessThanOrEqual(80);
    // The cost: each send holds its place for a second plus its round trip (here 31 ms on average).
    const rate = sends.filter((s) => s.start >= 1000 && s.start < 6000).length / 5;
    expect(rate).toBeGreaterThanOrEqual(80 / 1.031 - 1.5);
  });

  it('frees a slot whose answer never comes after 20 s, so a crashed caller does not hold it', () => {
    const pacer = new SlidingWindowPacer();
    for (let i = 0; i < 80; i++) expect(typeof pacer.take('n', 80, i * 13)).not.toBe('number');
    expect(typeof pacer.take('n', 80, 5000)).toBe('number'); // 80 under way, none answered
    expect(typeof pacer.take('n', 80, 21_100)).not.toBe('number');
  });

  /**
   * Broadcast sends tried every millisecond from `broadcastFrom` for 3 s, each answered after 5 ms; an
   * agent's reply every `replyEveryMs`, asking again each millisecond until it has a slot.
   */
  function run(replyEveryMs: number, broadcastFrom = 0) {
    const pacer = new SlidingWindowPacer();
    const sends: { start: number; end: number }[] = [];
    const open: { end: number; done: (now: number) => void }[] = [];
    const replyWaits: number[] = [];
    let replyAsked: number | null = null;
    let broadcast = 0;
    for (let now = 0; now < broadcastFrom + 3000; now++) {
      for (const o of open.filter((x) => x.end <= now)) {
        o.done(now);
        open.splice(open.indexOf(o), 1);
      }
      if (now % replyEveryMs === 0) replyAsked ??= now;
      if (replyAsked !== null) {
        const slot = pacer.tryOrdinary('n', 80, now);
        if (typeof slot !== 'number') {
          replyWaits.push(now - replyAsked);
          replyAsked = null;
          sends.push({ start: now, end: now + 5 });
          open.push({ end: now + 5, done: slot.done });
        }
      }
      const slot = now >= broadcastFrom ? pacer.take('n', 80, now) : 0;
      if (typeof slot !== 'number') {
        broadcast++;
        sends.push({ start: now, end: now + 5 });
        open.push({ end: now + 5, done: slot.done });
      }
    }
    return {
      broadcast,
      busiest: worstWindow(sends),
      replyWaits: replyWaits.slice(broadcastFrom / replyEveryMs),
    };
  }

  it('leaves room for replies: a reply goes at once or within one slot, and the number never goes over', () => {
    const { broadcast, busiest, replyWaits } = run(1000);
    expect(busiest).toBeLessThanOrEqual(80);
    expect(replyWaits).toHaveLength(3);
    // The first reply finds the window full and takes the next slot; then the reserve is kept free.
    expect(Math.max(...replyWaits)).toBeLessThanOrEqual(1000 / 80 + 6);
    expect(replyWaits.slice(1)).toEqual([0, 0]);
    expect(broadcast).toBeGreaterThanOrEqual(3 * 77);
  });

  it('yields to a busy inbox: the broadcast gets what replies leave, and replies hardly wait', () => {
    // 20 replies per second, and then a broadcast starts: it drops to about 60 per second.
    const { broadcast, busiest, replyWaits } = run(50, 1000);
    expect(broadcast).toBeLessThanOrEqual(3 * 61 + 4);
    expect(broadcast).toBeGreaterThanOrEqual(3 * 55);
    expect(busiest).toBeLessThanOrEqual(80);
    expect(replyWaits).toHaveLength(60);
    expect(Math.max(...replyWaits)).toBeLessThanOrEqual(1000 / 80 + 6);
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
