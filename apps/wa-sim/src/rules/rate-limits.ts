import { BoundedMap } from '../bounded-map.js';

/** Classic token bucket: `capacity` tokens, refilled at `ratePerMs`; time comes from the caller. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private capacity: number,
    private ratePerMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** Takes one token; false when empty. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.ratePerMs);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  reconfigure(capacity: number, ratePerMs: number): void {
    this.capacity = capacity;
    this.ratePerMs = ratePerMs;
    this.tokens = Math.min(this.tokens, capacity);
  }
}

/** Per phone number throughput: `mps` messages per second, with a one-second burst (130429). */
export class ThroughputLimiter {
  private buckets = new Map<string, TokenBucket>();
  constructor(private mps: number) {}

  setRate(mps: number): void {
    this.mps = mps;
    for (const bucket of this.buckets.values()) bucket.reconfigure(mps, mps / 1000);
  }

  take(phoneNumberId: string, now: number): boolean {
    let bucket = this.buckets.get(phoneNumberId);
    if (!bucket) {
      bucket = new TokenBucket(this.mps, this.mps / 1000, now);
      this.buckets.set(phoneNumberId, bucket);
    }
    return bucket.take(now);
  }
}

/**
 * Business number → one user: one message per `intervalMs`, bursts up to `burst` borrowed from
 * future quota (131056). Buckets per pair, bounded.
 */
export class PairRateLimiter {
  private buckets = new BoundedMap<string, TokenBucket>(100_000);
  constructor(
    private intervalMs: number,
    private burst: number,
  ) {}

  configure(intervalMs: number, burst: number): void {
    this.intervalMs = intervalMs;
    this.burst = burst;
    this.buckets.clear();
  }

  take(phoneNumberId: string, recipientKey: string, now: number): boolean {
    const key = `${phoneNumberId}:${recipientKey}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.burst, 1 / this.intervalMs, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }
}
