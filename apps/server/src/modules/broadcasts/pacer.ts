/**
 * A send's place in its number's window. WhatsApp counts a send when it arrives, which is some time
 * between its start here and its answer; so a send counts from its start until a second after its
 * answer (`done`). Counted that way, no one-second window at WhatsApp can hold more sends than the
 * pacer allowed, however late a request travels or is read there.
 */
export type Slot = { done(now: number): void };

/** A send without an answer after this long (a crashed caller) stops counting. */
const IN_FLIGHT_CAP_MS = 20_000;

type NumberWindow = {
  /** Start times of sends without an answer yet (oldest first). */
  open: Set<{ start: number }>;
  /** Answer times of answered sends in the last second, in the order they were answered. */
  answered: number[];
};

/**
 * Holds a number's throughput strictly: a broadcast's send starts only while fewer than `mps` sends of
 * that number — its own and, noted with `note`, the inbox's ordinary sends — are under way or were
 * answered in the last second. Ordinary sends keep their own lane (they never wait here); the broadcast
 * yields to them, and spreads its own sends over the second so that a reply never lands in a window it
 * already filled. Per number on this node; time from the caller.
 */
export class SlidingWindowPacer {
  private readonly windows = new Map<string, NumberWindow>();
  /** The broadcast's own token bucket per number: its sends spread over the second (small bursts). */
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  private window(phoneNumberId: string, now: number): NumberWindow {
    let w = this.windows.get(phoneNumberId);
    if (!w) {
      w = { open: new Set(), answered: [] };
      this.windows.set(phoneNumberId, w);
    }
    let drop = 0;
    while (drop < w.answered.length && w.answered[drop]! <= now - 1000) drop++;
    if (drop > 0) w.answered.splice(0, drop);
    for (const send of w.open) {
      if (send.start > now - IN_FLIGHT_CAP_MS) break;
      w.open.delete(send);
    }
    return w;
  }

  private slot(phoneNumberId: string, now: number): Slot {
    const w = this.window(phoneNumberId, now);
    const send = { start: now };
    w.open.add(send);
    let settled = false;
    return {
      done: (at: number) => {
        if (settled) return;
        settled = true;
        if (!w.open.delete(send)) return; // past the cap: no longer counted
        // Answers come in time order; one reported a little out of order only counts a little longer.
        const last = w.answered.at(-1) ?? at;
        w.answered.push(Math.max(at, last));
      },
    };
  }

  /**
   * The number's slot for the next broadcast send of `phoneNumberId` (call `done` with the time of its
   * answer), or the milliseconds to wait before asking again. The broadcast leaves 1 % of the
   * throughput (at least one slot per second) free for the ordinary lane, so an agent's reply finds
   * room without pushing the number over its limit.
   */
  take(phoneNumberId: string, mps: number, now: number): Slot | number {
    const w = this.window(phoneNumberId, now);
    const own = Math.max(1, mps - reserveOf(mps));
    const counted = w.open.size + w.answered.length;
    if (counted >= own) {
      // Answered sends leave the window a second after their answer; sends under way, when answered.
      const leave = counted - own; // how many of the answered must leave first (0-based)
      const at = w.answered[leave];
      return at === undefined ? 2 : Math.max(1, at + 1000 - now);
    }
    // Small bursts: sends started in one tick catch up on a late timer. 2 (at 80/s) to 1 % of the
    // throughput (at 1,000/s).
    const burst = Math.max(2, Math.ceil(own / 100));
    const bucket = this.buckets.get(phoneNumberId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * own) / 1000);
    bucket.at = now;
    this.buckets.set(phoneNumberId, bucket);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil(((1 - bucket.tokens) * 1000) / own));
    bucket.tokens -= 1;
    return this.slot(phoneNumberId, now);
  }

  /** Counts a send on another lane (an agent's reply) against the number's window, until its `done`. */
  note(phoneNumberId: string, now: number): Slot {
    return this.slot(phoneNumberId, now);
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
