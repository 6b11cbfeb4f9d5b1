import { describe, expect, it } from 'vitest';
import { messagingLimitOf, reserveOf, SlidingWindowPacer } from './pacer.js';

describe('sliding window pacer', () => {
  it('never lets more than mps sends start within one second', () => {
    const pacer = new SlidingWindowPacer();
    const starts: number[] = [];
    let now = 0;
    while (starts.length < 300) {
      const wait = pacer.take('n', 80, now);
      if (wait === 0) starts.push(now);
      else now += wait;
    }
    // 79: one slot per second stays free for agents' replies (reserveOf).
    for (let i = 79; i < starts.length; i++)
      expect(starts[i]! - starts[i - 79]!).toBeGreaterThanOrEqual(1000);
    expect(starts.filter((t) => t < 1000)).toHaveLength(79);
    expect(reserveOf(1000)).toBe(10);
  });

  /** Broadcast sends tried every 5 ms for 3 s, an agent's reply every `replyEveryMs` on its own lane. */
  function run(replyEveryMs: number) {
    const pacer = new SlidingWindowPacer();
    const all: number[] = [];
    let broadcast = 0;
    for (let now = 0; now < 3000; now += 5) {
      if (now % replyEveryMs === 0) {
        pacer.note('n', now);
        all.push(now);
      }
      if (pacer.take('n', 80, now) === 0) {
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
