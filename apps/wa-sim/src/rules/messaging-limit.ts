import { WINDOW_MS } from './window.js';

/**
 * Unique users reached with business-initiated messages (templates outside the window) in a moving
 * 24 h, per business portfolio. A user already counted in the last 24 h does not count again.
 */
export class MessagingLimit {
  /** customer key → sim ms of the last business-initiated send; kept in time order. */
  private reached = new Map<string, number>();

  private prune(now: number): void {
    for (const [key, at] of this.reached) {
      if (now - at < WINDOW_MS) return;
      this.reached.delete(key);
    }
  }

  /** Records a business-initiated send; false when it would exceed `limit` unique users. */
  tryReach(customerKey: string, now: number, limit: number): boolean {
    this.prune(now);
    if (this.reached.has(customerKey)) {
      this.reached.delete(customerKey);
      this.reached.set(customerKey, now);
      return true;
    }
    if (this.reached.size >= limit) return false;
    this.reached.set(customerKey, now);
    return true;
  }

  uniqueUsers(now: number): number {
    this.prune(now);
    return this.reached.size;
  }
}
