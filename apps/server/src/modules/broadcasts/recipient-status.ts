import type { MessageStatus } from '@parley/whatsapp';
import { describeErrorCode } from '@parley/whatsapp';
import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { broadcastRecipients, broadcasts } from '../../db/schema.js';
import { jsonRows, textArray, uuidArray } from '../../db/sets.js';
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
 * Applies status webhooks to broadcast recipients found by our id (`b:<id>` in
 * `biz_opaque_callback_data`) or their wamid, set-based: one `SELECT … FOR UPDATE` (in id order, so
 * two batches never deadlock) and one `UPDATE … FROM` for the whole batch, however many statuses.
 * Statuses of one recipient are folded in their order. Returns, per status, whether it was about a
 * broadcast send (the others are the inbox's). Reconciles sends whose API answer was lost; 131050
 * withdraws marketing consent in the ledger; 131048/131064/368 pause the broadcast.
 */
export async function applyRecipientStatuses(
  ctx: AppContext,
  tx: Tx,
  channelId: string,
  statuses: readonly MessageStatus[],
): Promise<boolean[]> {
  const handled = statuses.map(() => false);
  const ids = new Set<string>();
  const wamids = new Set<string>();
  for (const s of statuses) {
    const opaque = s.biz_opaque_callback_data;
    if (opaque?.startsWith('b:') && isUuid(opaque.slice(2))) ids.add(opaque.slice(2));
    else if (!opaque) wamids.add(s.id);
  }
  if (ids.size === 0 && wamids.size === 0) return handled;
  const found = await tx
    .select({
      r: broadcastRecipients,
      b: { id: broadcasts.id, workspaceId: broadcasts.workspaceId, channelId: broadcasts.channelId },
    })
    .from(broadcastRecipients)
    .innerJoin(broadcasts, eq(broadcasts.id, broadcastRecipients.broadcastId))
    .where(
      or(
        ids.size ? sql`${broadcastRecipients.id} = any(${uuidArray([...ids])})` : undefined,
        wamids.size
          ? sql`${broadcastRecipients.providerMessageId} = any(${textArray([...wamids])})`
          : undefined,
      ),
    )
    .orderBy(asc(broadcastRecipients.id))
    .for('update', { of: broadcastRecipients });
  const byId = new Map(found.map((f) => [f.r.id, f]));
  const byWamid = new Map(found.filter((f) => f.r.providerMessageId).map((f) => [f.r.providerMessageId!, f]));
  const changed = new Set<string>();
  const paused = new Set<string>();
  for (const [i, s] of statuses.entries()) {
    const opaque = s.biz_opaque_callback_data;
    const f = opaque ? (opaque.startsWith('b:') ? byId.get(opaque.slice(2)) : undefined) : byWamid.get(s.id);
    if (!f || f.b.channelId !== channelId) continue;
    handled[i] = true;
    const r = f.r;
    const at = new Date(Number(s.timestamp) * 1000 || Date.now());
    const state = nextRecipientState(r.state, s.status);
    if (!r.providerMessageId) r.providerMessageId = s.id;
    r.state = state;
    if ((RANK[s.status] ?? 0) >= 1 && !r.sentAt) r.sentAt = at;
    if (s.status === 'delivered' && !r.deliveredAt) r.deliveredAt = at;
    if ((s.status === 'read' || s.status === 'played') && !r.readAt) r.readAt = at;
    if (s.status === 'failed') {
      const code = Number(s.errors?.[0]?.code ?? 0);
      r.failedAt = at;
      r.errorCode = String(code);
      r.errorMessage = describeErrorCode(code).title;
      r.retryable = RETRY_LATER_CODES.has(code);
      if (code === 131050)
        await recordMetaOptOut(ctx, tx, {
          workspaceId: f.b.workspaceId,
          contactId: r.contactId,
          channelId: f.b.channelId,
          detail: 'WhatsApp error 131050: the customer stopped marketing messages',
          at,
        });
      if (STOP_CODES.has(code) && !paused.has(f.b.id)) {
        paused.add(f.b.id);
        await tx
          .update(broadcasts)
          .set({
            state: 'paused',
            pauseReason: 'whatsapp_error',
            pauseCode: code,
            pauseDetail: describeErrorCode(code).title,
            updatedAt: new Date(),
          })
          .where(and(eq(broadcasts.id, f.b.id), sql`${broadcasts.state} in ('running', 'scheduled')`));
      }
    }
    changed.add(r.id);
  }
  if (changed.size === 0) return handled;
  const rows = [...changed].map((id) => {
    const r = byId.get(id)!.r;
    return {
      id,
      state: r.state,
      provider_message_id: r.providerMessageId,
      sent_at: r.sentAt,
      delivered_at: r.deliveredAt,
      read_at: r.readAt,
      failed_at: r.failedAt,
      error_code: r.errorCode,
      error_message: r.errorMessage,
      retryable: r.retryable,
    };
  });
  await tx.execute(sql`
    update broadcast_recipients r set state = v.state, provider_message_id = v.provider_message_id,
      sent_at = v.sent_at, delivered_at = v.delivered_at, read_at = v.read_at, failed_at = v.failed_at,
      error_code = v.error_code, error_message = v.error_message, retryable = v.retryable, updated_at = now()
    from ${jsonRows(rows)} as v(id uuid, state text, provider_message_id text, sent_at timestamptz,
      delivered_at timestamptz, read_at timestamptz, failed_at timestamptz, error_code text,
      error_message text, retryable boolean)
    where r.id = v.id`);
  return handled;
}
