/**
 * Holds a number's throughput strictly: a broadcast's send starts only while fewer than `mps` sends of
 * that number — its own and, noted with `note`, the inbox's ordinary sends — started in the last
 * second. Ordinary sends keep their own lane (they never wait here); the broadcast yields to them, and
 * spreads its own sends over the second so that a reply never lands in a window it already filled.
 * Per number on this node; time from the caller.
 */
export class SlidingWindowPacer {
  private readonly starts = new Map<string, number[]>();
  /** The broadcast's own token bucket per number: its sends spread over the second (small bursts). */
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  private window(phoneNumberId: string, now: number): number[] {
    let ring = this.starts.get(phoneNumberId);
    if (!ring) {
      ring = [];
      this.starts.set(phoneNumberId, ring);
    }
    let drop = 0;
    while (drop < ring.length && ring[drop]! <= now - 1000) drop++;
    if (drop > 0) ring.splice(0, drop);
    return ring;
  }

  /**
   * Milliseconds until the next broadcast send of `phoneNumberId` may start (0: now, and the slot is
   * taken). The broadcast leaves 1 % of the throughput (at least one slot per second) free for the
   * ordinary lane, so an agent's reply finds room without pushing the number over its limit.
   */
  take(phoneNumberId: string, mps: number, now: number): number {
    const ring = this.window(phoneNumberId, now);
    const own = Math.max(1, mps - reserveOf(mps));
    if (ring.length >= own)
      // The start that must leave the window before the count is below the broadcast's share again.
      return Math.max(1, ring[ring.length - own]! + 1000 - now);
    // Small bursts: sends started in one tick may reach WhatsApp together after a busy moment, so a
    // burst adds to the window as WhatsApp sees it. 2 (at 80/s) to 1 % of the throughput (at 1,000/s)
    // catches up on late timers without exceeding the number's limit there.
    const burst = Math.max(2, Math.ceil(own / 100));
    const bucket = this.buckets.get(phoneNumberId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * own) / 1000);
    bucket.at = now;
    this.buckets.set(phoneNumberId, bucket);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil(((1 - bucket.tokens) * 1000) / own));
    bucket.tokens -= 1;
    ring.push(now);
    return 0;
  }

  /** Counts a send that went out on another lane (an agent's reply) against the number's window. */
  note(phoneNumberId: string, now: number): void {
    this.window(phoneNumberId, now).push(now);
  }
}

/** Slots per second a broadcast leaves to ordinary sends: 1 % of the throughput, at least 1. */
export function reserveOf(mps: number): number {
  return mps > 1 ? Math.max(1, Math.ceil(mps / 100)) : 0;
}

/** The node's windows, shared by broadcasts and ordinary sends. */
export const numberWindows = new SlidingWindowPacer();

/** Unique customers per rolling 24 h by the Graph API's `whatsapp_business_manager_messaging_limit`. */
export function messagingLimitOf(tier: string | null | undefined): number {
  switch (tier) {
    case 'TIER_50':
      return 50;
    case 'TIER_250':
      return 250;
    case 'TIER_1K':
      return 1000;
    case 'TIER_2K':
      return 2000;
    case 'TIER_10K':
      return 10_000;
    case 'TIER_100K':
      return 100_000;
    case 'TIER_UNLIMITED':
      return Number.POSITIVE_INFINITY;
    default:
      // Unknown or not set: the smallest tier of a new portfolio.
      return 250;
  }
}
