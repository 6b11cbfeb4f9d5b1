/**
 * Meta error codes after which sending the same message again cannot help (the customer opted out, the
 * content or template is invalid, the account is restricted, the file was refused): no retry button.
 * Everything else (an expired token an admin has renewed, a temporary outage, an undeliverable number
 * that may come back) may be retried by the agent.
 */
const NEVER_RETRY = new Set([
  100, 368, 130403, 130472, 131008, 131009, 131021, 131031, 131048, 131050, 131051, 131053, 131062, 131064,
  132000, 132001, 132005, 132007, 132008, 132012, 132015, 132016, 132018,
]);

/**
 * May the agent send this failed outbound message again? Free-form messages (everything but templates)
 * also need the 24-hour window to be open. Pure.
 */
export function isRetryable(
  m: { direction: string; status: string; type: string; errorCode: number | null },
  windowOpen: boolean,
): boolean {
  if (m.direction !== 'outbound' || m.status !== 'failed') return false;
  if (m.errorCode !== null && NEVER_RETRY.has(m.errorCode)) return false;
  return m.type === 'template' || windowOpen;
}
