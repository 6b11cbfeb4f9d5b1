/** WhatsApp's customer-service window: free-form messages only within 24 hours of the customer's last message. */
export const REPLY_WINDOW_MS = 24 * 3600_000;

/** Milliseconds left in the window at `now` (0 when closed or never opened). Pure. */
export function replyWindowRemainingMs(lastInboundAt: Date | null, now: Date): number {
  if (!lastInboundAt) return 0;
  return Math.max(0, lastInboundAt.getTime() + REPLY_WINDOW_MS - now.getTime());
}
