import type { MessageStatus } from '@parley/whatsapp';
import { describeErrorCode } from '@parley/whatsapp';
import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { broadcastRecipients, broadcasts } from '../../db/schema.js';
import { isUuid } from '../../lib/ids.js';
import { recordMetaOptOut } from '../consents/service.js';

type RecipientRow = typeof broadcastRecipients.$inferSelect;
const RANK: Record<string, number> = {
  queued: 0,
  sending: 0,
  unknown: 0,
  failed: 0,
  sent: 1,
  delivered: 2,
  read: 3,
};
/** Async failures that stop the whole broadcast. */
const STOP_CODES = new Set([131048, 131064, 368]);
const RETRY_LATER_CODES = new Set([131049, 131000, 131016]);

/** The recipient state after `incoming`: forward only; `failed` never overwrites a delivery or read. Pure. */
export function nextRecipientState(current: RecipientRow['state'], incoming: string): RecipientRow['state'] {
  const inc = incoming === 'played' ? 'read' : incoming;
  if (current === 'skipped') return current;
  if (inc === 'failed') return (RANK[current] ?? 0) >= 2 ? current : 'failed';
  if (!(inc in RANK)) return current;
  if (current === 'failed') return (RANK[inc] ?? 0) >= 2 ? (inc as RecipientRow['state']) : current;
  if (current === 'sending' || current === 'unknown' || current === 'queued')
    return (RANK[inc] ?? 0) >= 1 ? (inc as RecipientRow['state']) : current;
  return (RANK[inc] ?? 0) > (RANK[current] ?? 0) ? (inc as RecipientRow['state']) : current;
}

/**
 * Applies a status webhook to a broadcast recipient found by our id (`b:<id>` in
 * `biz_opaque_callback_data`) or its wamid; false when the status is not about a broadcast send.
 * Reconciles sends whose API answer was lost; 131050 withdraws marketing consent in the ledger;
 * 131048/131064 pause the broadcast.
 */
export async function applyRecipientStatus(
  ctx: AppContext,
  tx: Tx,
  channelId: string,
  s: MessageStatus,
): Promise<boolean> {
  const opaque = s.biz_opaque_callback_data;
  let r: RecipientRow | undefined;
  if (opaque?.startsWith('b:') && isUuid(opaque.slice(2))) {
    [r] = await tx
      .select()
      .from(broadcastRecipients)
      .where(eq(broadcastRecipients.id, opaque.slice(2)))
      .for('update');
  } else if (!opaque) {
    [r] = await tx
      .select()
      .from(broadcastRecipients)
      .where(eq(broadcastRecipients.providerMessageId, s.id))
      .for('update');
  }
  if (!r) return false;
  const [b] = await tx
    .select({ id: broadcasts.id, workspaceId: broadcasts.workspaceId, channelId: broadcasts.channelId })
    .from(broadcasts)
    .where(eq(broadcasts.id, r.broadcastId));
  if (!b || b.channelId !== channelId) return false;
  const at = new Date(Number(s.timestamp) * 1000 || Date.now());
  const state = nextRecipientState(r.state, s.status);
  const set: Partial<RecipientRow> = { updatedAt: new Date() };
  if (!r.providerMessageId) set.providerMessageId = s.id;
  if (state !== r.state) set.state = state;
  if ((RANK[s.status] ?? 0) >= 1 && !r.sentAt) set.sentAt = at;
  if (s.status === 'delivered' && !r.deliveredAt) set.deliveredAt = at;
  if ((s.status === 'read' || s.status === 'played') && !r.readAt) set.readAt = at;
  if (s.status === 'failed') {
    const code = Number(s.errors?.[0]?.code ?? 0);
    set.failedAt = at;
    set.errorCode = String(code);
    set.errorMessage = describeErrorCode(code).title;
    set.retryable = RETRY_LATER_CODES.has(code);
    if (code === 131050)
      await recordMetaOptOut(ctx, tx, {
        workspaceId: b.workspaceId,
        contactId: r.contactId,
        channelId: b.channelId,
        detail: 'WhatsApp error 131050: the customer stopped marketing messages',
        at,
      });
    if (STOP_CODES.has(code))
      await tx
        .update(broadcasts)
        .set({
          state: 'paused',
          pauseReason: 'whatsapp_error',
          pauseCode: code,
          pauseDetail: describeErrorCode(code).title,
          updatedAt: new Date(),
        })
        .where(and(eq(broadcasts.id, b.id), sql`${broadcasts.state} in ('running', 'scheduled')`));
  }
  await tx.update(broadcastRecipients).set(set).where(eq(broadcastRecipients.id, r.id));
  return true;
}
