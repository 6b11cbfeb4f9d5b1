import { describe, expect, it } from 'vitest';
import { PAIR_BURST, PAIR_INTERVAL_MS, pairBackoffMs, SendLimiter, SlotBucket } from './send-limits.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('SlotBucket', () => {
  it('hands out the burst, then one slot per interval, and says how long to wait', () => {
    const c = clock();
    const b = new SlotBucket(2, 500, c.now());
    for (let i = 0; i < 2; i++) {
      expect(b.waitMs(c.now())).toBe(0);
      b.take(c.now());
    }
    expect(b.waitMs(c.now())).toBe(500);
    c.advance(200);
    expect(b.waitMs(c.now())).toBe(300);
    c.advance(300);
    expect(b.waitMs(c.now())).toBe(0);
  });

  it('waits out a block and starts empty after it', () => {
    const c = clock();
    const b = new SlotBucket(10, 100, c.now());
    b.block(c.now(), 2000);
    expect(b.waitMs(c.now())).toBe(2000);
    c.advance(2000);
    expect(b.waitMs(c.now())).toBe(100);
  });
});

describe('SendLimiter', () => {
  it('holds a number to its throughput per second', () => {
    const c = clock();
    const limiter = new SendLimiter(c.now);
    let sent = 0;
    for (let i = 0; i < 200; i++) if (limiter.reserve('pn', `customer-${i}`, 80) === 0) sent++;
    expect(sent).toBe(80);
    c.advance(500);
    let more = 0;
    for (let i = 0; i < 200; i++) if (limiter.reserve('pn', `other-${i}`, 80) === 0) more++;
    expect(more).toBe(40);
  });

  it('allows a burst of 45 to one customer, then one per 6 s, without slowing other customers', () => {
    const c = clock();
    const limiter = new SendLimiter(c.now);
    for (let i = 0; i < PAIR_BURST; i++) {
      expect(limiter.reserve('pn', 'ana')).toBe(0);
      c.advance(30); // stay under the number's throughput
    }
    expect(limiter.reserve('pn', 'ana')).toBeGreaterThan(PAIR_INTERVAL_MS - 2000);
    expect(limiter.reserve('pn', 'ben')).toBe(0);
    c.advance(PAIR_INTERVAL_MS);
    expect(limiter.reserve('pn', 'ana')).toBe(0);
  });

  it('a 130429 pauses the whole number; a 131056 only that customer', () => {
    const c = clock();
    const limiter = new SendLimiter(c.now);
    expect(limiter.penalizePair('pn', 'ana')).toBe(4000);
    expect(limiter.reserve('pn', 'ana')).toBe(4000);
    expect(limiter.penalizePair('pn', 'ana')).toBe(16000);
    limiter.succeeded('pn', 'ana');
    expect(limiter.penalizePair('pn', 'ana')).toBe(4000);
    expect(limiter.reserve('pn', 'ben')).toBe(0);
    limiter.penalizeNumber('pn', 3000);
    expect(limiter.reserve('pn', 'ben')).toBe(3000);
    expect(limiter.reserve('other-number', 'ben')).toBe(0);
  });

  it('backs off 4^x seconds after pair-rate errors, capped at 15 minutes', () => {
    expect([0, 1, 2, 3].map(pairBackoffMs)).toEqual([1000, 4000, 16000, 64000]);
    expect(pairBackoffMs(20)).toBe(15 * 60_000);
  });
});
