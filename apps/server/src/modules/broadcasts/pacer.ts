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

/** While an ordinary send of the number happened this recently, the broadcast keeps the reserve free. */
const ORDINARY_ACTIVE_MS = 60_000;
/** How long an ordinary send that found the window full keeps the broadcast waiting (it asks again). */
const ORDINARY_CLAIM_MS = 50;

/**
 * Holds a number's throughput strictly: a send starts only while fewer than `mps` sends of that number
 * are under way or were answered in the last second — a broadcast's (`take`) and the inbox's ordinary
 * sends (`ordinary`) alike. Ordinary sends go first: one that finds the window full gets the next slot
 * that frees and the broadcast waits meanwhile; and while the inbox has sent on the number in the last
 * minute, the broadcast leaves free what the inbox sent in the last second plus 1 % of the throughput
 * (at least one slot), so an agent's reply normally finds room at once. Per number on this node; time from the caller.
 */
export class SlidingWindowPacer {
  private readonly windows = new Map<string, NumberWindow>();
  /** The broadcast's own token bucket per number: its sends spread over the second (small bursts). */
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Per number: the last ordinary send, and until when one waits for a slot. */
  private readonly ordinaryAt = new Map<string, { last: number; waitingUntil: number; starts: number[] }>();

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

  /** 0 when fewer than `limit` sends count now; else the milliseconds until one leaves (2: an answer). */
  private room(w: NumberWindow, limit: number, now: number): number {
    const counted = w.open.size + w.answered.length;
    if (counted < limit) return 0;
    // Answered sends leave the window a second after their answer; sends under way, when answered.
    const at = w.answered[counted - limit];
    return at === undefined ? 2 : Math.max(1, at + 1000 - now);
  }

  private slot(w: NumberWindow, now: number): Slot {
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
   * answer), or the milliseconds to wait before asking again.
   */
  take(phoneNumberId: string, mps: number, now: number): Slot | number {
    const w = this.window(phoneNumberId, now);
    const ordinary = this.ordinaryAt.get(phoneNumberId);
    if (ordinary && now < ordinary.waitingUntil) return Math.max(1, Math.min(5, ordinary.waitingUntil - now));
    // While the inbox sends on the number, the window keeps 1 % free for it, and the broadcast's own
    // pace leaves room for as many ordinary sends as in the last second.
    let reserve = 0;
    let replies = 0;
    if (ordinary && now - ordinary.last < ORDINARY_ACTIVE_MS) {
      while (ordinary.starts.length > 0 && ordinary.starts[0]! <= now - 1000) ordinary.starts.shift();
      reserve = reserveOf(mps);
      replies = ordinary.starts.length;
    }
    const wait = this.room(w, Math.max(1, mps - reserve), now);
    if (wait > 0) return wait;
    // Small bursts: sends started in one tick catch up on a late timer. 2 (at 80/s) to 1 % of the
    // throughput (at 1,000/s).
    const own = Math.max(1, mps - reserve - replies);
    const burst = Math.max(2, Math.ceil(own / 100));
    const bucket = this.buckets.get(phoneNumberId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * own) / 1000);
    bucket.at = now;
    this.buckets.set(phoneNumberId, bucket);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil(((1 - bucket.tokens) * 1000) / own));
    bucket.tokens -= 1;
    return this.slot(w, now);
  }

  /**
   * An ordinary send's slot (an agent's reply, an API send): at once while the window has room, or
   * with `force`; otherwise the milliseconds until the next slot frees, which the broadcast leaves to
   * it (ask again then).
   */
  tryOrdinary(phoneNumberId: string, mps: number, now: number, force = false): Slot | number {
    const w = this.window(phoneNumberId, now);
    const state = this.ordinaryAt.get(phoneNumberId) ?? { last: now, waitingUntil: 0, starts: [] };
    state.last = now;
    this.ordinaryAt.set(phoneNumberId, state);
    const wait = force ? 0 : this.room(w, mps, now);
    if (wait === 0) {
      state.waitingUntil = 0;
      state.starts.push(now);
      if (state.starts.length > mps) state.starts.shift();
      return this.slot(w, now);
    }
    state.waitingUntil = now + Math.max(ORDINARY_CLAIM_MS, wait + 5);
    return wait;
  }

  /** `take` until it gives a slot. */
  async broadcast(phoneNumberId: string, mps: number): Promise<Slot> {
    for (;;) {
      const slot = this.take(phoneNumberId, mps, Date.now());
      if (typeof slot !== 'number') return slot;
      await new Promise((resolve) => setTimeout(resolve, slot));
    }
  }

  /** `tryOrdinary` until it gets a slot; after `maxWaitMs` it goes anyway (WhatsApp's 130429 then). */
  async ordinary(phoneNumberId: string, mps: number, maxWaitMs = 1000): Promise<Slot> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const now = Date.now();
      const slot = this.tryOrdinary(phoneNumberId, mps, now, now >= deadline);
      if (typeof slot !== 'number') return slot;
      await new Promise((resolve) => setTimeout(resolve, Math.min(slot, Math.max(1, deadline - now))));
    }
  }
}

/** Runs `send` (the request to WhatsApp) in `slot`, which ends the moment the answer is in. */
export async function inSlot<T>(slot: Slot, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } finally {
    slot.done(Date.now());
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
