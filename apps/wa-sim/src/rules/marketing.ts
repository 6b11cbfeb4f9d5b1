import { BoundedMap } from '../bounded-map.js';
import { WINDOW_MS } from './window.js';

/** Marketing templates each user received in the moving 24 h (per-user marketing cap, 131049). */
export class MarketingLedger {
  private sends = new BoundedMap<string, number[]>(100_000);

  /** Records a marketing send; false when the user already got `limit` in the last 24 h. */
  tryRecord(customerKey: string, now: number, limit: number | null): boolean {
    const recent = (this.sends.get(customerKey) ?? []).filter((at) => now - at < WINDOW_MS);
    if (limit !== null && recent.length >= limit) {
      this.sends.set(customerKey, recent);
      return false;
    }
    recent.push(now);
    this.sends.set(customerKey, recent);
    return true;
  }
}

/** US numbers (+1) do not receive marketing templates since 2025-04-01 (UNCERTAIN, switchable). */
export function isUsNumber(waId: string | undefined): boolean {
  return waId?.length === 11 && waId.startsWith('1');
}
