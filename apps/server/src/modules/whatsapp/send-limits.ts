/**
 * Sending limits of the Cloud API (contract 8.3, 8.4), kept per node: a number's throughput
 * (80 messages/s by default, 1,000 on the high tier) and the pair rate to one customer (one message per
 * 6 s, bursts of up to 45 borrowed from the future). A send that would exceed either waits; when
 * WhatsApp still answers 130429 or 131056 (several nodes share a number), `penalize` makes the number
 * or the pair wait. Time comes from the caller; pure apart from the in-memory buckets.
 */

/** Token bucket that says how long to wait instead of just "no". */
export class SlotBucket {
  private tokens: number;
  private updatedAt: number;
  private blockedUntil = 0;

  constructor(
    private readonly capacity: number,
    private readonly intervalMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    if (now <= this.updatedAt) return;
    const elapsed = now - this.updatedAt;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed / this.intervalMs);
    this.updatedAt = now;
  }

  /** Milliseconds until a slot is free (0: a slot is free now). Takes nothing. */
  waitMs(now: number): number {
    this.refill(now);
    if (now < this.blockedUntil) return this.blockedUntil - now;
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.intervalMs);
  }

  /** Takes a slot; call only after `waitMs` said 0. */
  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  /** Nothing is sent before `now + ms`, and the bucket starts empty then. */
  block(now: number, ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, now + ms);
    this.tokens = 0;
    this.updatedAt = this.blockedUntil;
  }
}

export const DEFAULT_THROUGHPUT_MPS = 80;

/** Messages per second of a number by its Graph API throughput level (contract 8.3). */
export function throughputMps(level: string | null | undefined): number {
  return level === 'HIGH' ? 1000 : DEFAULT_THROUGHPUT_MPS;
}

/** How long a message may wait for sending limits before it is given up as failed. */
export const MAX_LIMIT_WAIT_MS = 3600_000;
export const PAIR_INTERVAL_MS = 6000;
export const PAIR_BURST = 45;
const MAX_PAIRS = 100_000;

export class SendLimiter {
  private readonly numbers = new Map<string, SlotBucket>();
  private readonly pairs = new Map<string, SlotBucket>();
  private readonly pairFailures = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  private numberBucket(phoneNumberId: string, mps: number): SlotBucket {
    let bucket = this.numbers.get(phoneNumberId);
    if (!bucket) {
      bucket = new SlotBucket(mps, 1000 / mps, this.now());
      this.numbers.set(phoneNumberId, bucket);
    }
    return bucket;
  }

  private pairBucket(phoneNumberId: string, recipient: string): SlotBucket {
    const key = `${phoneNumberId}\0${recipient}`;
    let bucket = this.pairs.get(key);
    if (!bucket) {
      if (this.pairs.size >= MAX_PAIRS) this.pairs.delete(this.pairs.keys().next().value as string);
      bucket = new SlotBucket(PAIR_BURST, PAIR_INTERVAL_MS, this.now());
      this.pairs.set(key, bucket);
    }
    return bucket;
  }

  /**
   * Reserves a send from `phoneNumberId` to `recipient` (any stable key of the customer): 0 when it may
   * go now (both slots are taken), otherwise the milliseconds to wait (nothing is taken).
   */
  reserve(phoneNumberId: string, recipient: string, mps = DEFAULT_THROUGHPUT_MPS): number {
    const now = this.now();
    const number = this.numberBucket(phoneNumberId, mps);
    const pair = this.pairBucket(phoneNumberId, recipient);
    const wait = Math.max(number.waitMs(now), pair.waitMs(now));
    if (wait > 0) return wait;
    number.take(now);
    pair.take(now);
    return 0;
  }

  /** WhatsApp said 130429 (the number is over its throughput): the whole number pauses `ms`. */
  penalizeNumber(phoneNumberId: string, ms: number): void {
    this.numberBucket(phoneNumberId, DEFAULT_THROUGHPUT_MPS).block(this.now(), ms);
  }

  /**
   * WhatsApp said 131056 (too many to this customer): only this pair pauses, 4^x seconds after the
   * x-th error in a row. Returns the pause in milliseconds.
   */
  penalizePair(phoneNumberId: string, recipient: string): number {
    const key = `${phoneNumberId}\0${recipient}`;
    const failures = (this.pairFailures.get(key) ?? 0) + 1;
    if (this.pairFailures.size >= MAX_PAIRS) this.pairFailures.clear();
    this.pairFailures.set(key, failures);
    const ms = pairBackoffMs(failures);
    this.pairBucket(phoneNumberId, recipient).block(this.now(), ms);
    return ms;
  }

  /** A send went through: the pair's error streak ends. */
  succeeded(phoneNumberId: string, recipient: string): void {
    this.pairFailures.delete(`${phoneNumberId}\0${recipient}`);
  }
}

/** Meta's advice after a pair-rate error: wait 4^x seconds after the x-th failure in a row (capped). */
export function pairBackoffMs(failures: number): number {
  return Math.min(4 ** Math.max(0, failures) * 1000, 15 * 60_000);
}
