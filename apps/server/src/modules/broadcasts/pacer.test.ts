import { describe, expect, it } from 'vitest';
import { messagingLimitOf, SlidingWindowPacer } from './pacer.js';

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
    for (let i = 80; i < starts.length; i++)
      expect(starts[i]! - starts[i - 80]!).toBeGreaterThanOrEqual(1000);
    expect(starts.filter((t) => t < 1000)).toHaveLength(80);
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
