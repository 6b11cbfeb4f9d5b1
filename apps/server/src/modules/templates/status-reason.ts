/** The reason to keep with a template status: Meta's `rejection_info.reason`, else `reason`; `NONE`/null → null. Pure. */
export function statusReasonOf(update: {
  reason?: string | null;
  rejection_info?: { reason?: string };
  other_info?: { title?: string };
}): string | null {
  const reason = update.rejection_info?.reason ?? update.reason ?? update.other_info?.title ?? null;
  if (!reason || reason === 'NONE') return null;
  return reason;
}
