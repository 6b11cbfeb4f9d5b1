import type { Customer } from '../state.js';

export const WINDOW_MS = 24 * 60 * 60 * 1000;

/** Inbound types that are not real user messages and never open the customer-service window. */
const NON_OPENING_TYPES = new Set(['system', 'unsupported', 'unknown', 'request_welcome', 'revoke']);

/** True when this inbound message type opens (or resets) the 24-hour window. */
export function opensWindow(type: string, reactionsOpenWindow: boolean): boolean {
  if (type === 'reaction') return reactionsOpenWindow;
  return !NON_OPENING_TYPES.has(type);
}

/** True while less than 24 h have passed since the customer's last window-opening message. */
export function isWindowOpen(customer: Customer, now: number): boolean {
  return customer.lastInboundAt !== undefined && now - customer.lastInboundAt < WINDOW_MS;
}
