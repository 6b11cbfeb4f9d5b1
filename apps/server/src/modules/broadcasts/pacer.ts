/**
 * Holds a number's throughput strictly: at most `mps` sends start in any one-second window (a sliding
 * window over the start times of the last `mps` sends), per number on this node. Time from the caller.
 */
export class SlidingWindowPacer {
  private readonly starts = new Map<string, number[]>();

  /** Milliseconds until the next send of `phoneNumberId` may start (0: now, and the slot is taken). */
  take(phoneNumberId: string, mps: number, now: number): number {
    let ring = this.starts.get(phoneNumberId);
    if (!ring) {
      ring = [];
      this.starts.set(phoneNumberId, ring);
    }
    while (ring.length > mps) ring.shift();
    if (ring.length < mps) {
      ring.push(now);
      return 0;
    }
    const oldest = ring[0]!;
    const wait = oldest + 1000 - now;
    if (wait > 0) return wait;
    ring.shift();
    ring.push(now);
    return 0;
  }
}

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
