import type { MessageStatus } from '@parley/whatsapp';
import { describeErrorCode } from '@parley/whatsapp';
import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { messageStatusEvents, messages } from '../../db/schema.js';
import { isUuid } from '../../lib/ids.js';
import { recordEvent } from '../../realtime/event-bus.js';
import { applyRecipientStatuses } from '../broadcasts/index.js';
import type { ChannelRow } from '../channels/service.js';

const RANK: Record<string, number> = { pending: 0, unknown: 0, sent: 1, delivered: 2, read: 3, played: 3 };

type MessageRow = typeof messages.$inferSelect;

/**
 * The status a message shows after `incoming`: it only moves forward (sent < delivered < read), and
 * `failed` never overwrites a delivery or read (it is kept in the history beside it). Pure.
 */
export function nextStatus(current: MessageRow['status'], incoming: string): MessageRow['status'] {
  if (incoming === 'failed') return (RANK[current] ?? 0) >= 2 ? current : 'failed';
  const inc = incoming === 'played' ? 'read' : incoming;
  if (current === 'failed') return (RANK[inc] ?? 0) >= 2 ? (inc as MessageRow['status']) : current;
  return (RANK[inc] ?? 0) > (RANK[current] ?? 0) ? (inc as MessageRow['status']) : current;
}

async function findMessage(tx: Tx, ch: ChannelRow, s: MessageStatus): Promise<MessageRow | null> {
  const opaque = s.biz_opaque_callback_data;
  if (opaque && isUuid(opaque)) {
    const [byId] = await tx
      .select()
      .from(messages)
      .where(and(eq(messages.id, opaque), eq(messages.channelId, ch.id)))
      .for('update');
    if (byId) return byId;
  }
  const [byWamid] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.channelId, ch.id), eq(messages.providerMessageId, s.id)))
    .for('update');
  return byWamid ?? null;
}

/**
 * Applies statuses in their order: those of broadcast sends set-based (applyRecipientStatuses, one
 * pair of statements per number), the inbox's one by one.
 */
export async function applyStatuses(
  ctx: AppContext,
  tx: Tx,
  items: readonly { ch: ChannelRow; s: MessageStatus }[],
): Promise<void> {
  const byChannel = new Map<string, { ch: ChannelRow; s: MessageStatus }[]>();
  for (const it of items) {
    const group = byChannel.get(it.ch.id);
    if (group) group.push(it);
    else byChannel.set(it.ch.id, [it]);
  }
  const recipients = new Set<{ ch: ChannelRow; s: MessageStatus }>();
  for (const group of byChannel.values()) {
    const handled = await applyRecipientStatuses(
      ctx,
      tx,
      group[0]!.ch.id,
      group.map((g) => g.s),
    );
    for (const [i, g] of group.entries()) if (handled[i]) recipients.add(g);
  }
  for (const it of items) if (!recipients.has(it)) await applyMessageStatus(tx, it.ch, it.s);
}

/**
 * A status of an inbox message: the full history is kept (deduplicated), the message's shown status
 * only moves forward, a send whose API reply was lost is reconciled through `biz_opaque_callback_data`.
 * A status for a message not stored yet is kept and applied when the send records its wamid.
 */
async function applyMessageStatus(tx: Tx, ch: ChannelRow, s: MessageStatus): Promise<void> {
  const msg = await findMessage(tx, ch, s);
  const at = new Date(Number(s.timestamp) * 1000 || Date.now());
  const inserted = await tx
    .insert(messageStatusEvents)
    .values({
      channelId: ch.id,
      messageId: msg?.id ?? null,
      providerMessageId: s.id,
      status: s.status,
      occurredAt: at,
      errors: s.errors ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: messageStatusEvents.id });
  if (!msg || inserted.length === 0) return;
  await applyToMessage(tx, msg, { status: s.status, at, errors: s.errors, wamid: s.id });
}

export async function applyToMessage(
  tx: Tx,
  msg: MessageRow,
  e: { status: string; at: Date; errors?: { code?: number }[] | null; wamid: string },
): Promise<void> {
  const status = nextStatus(msg.status, e.status);
  const set: Partial<MessageRow> = { updatedAt: new Date() };
  if (!msg.providerMessageId) set.providerMessageId = e.wamid;
  if (status !== msg.status) set.status = status;
  if (e.status === 'sent' && !msg.sentAt) set.sentAt = e.at;
  if (e.status === 'delivered' && !msg.deliveredAt) set.deliveredAt = e.at;
  if ((e.status === 'read' || e.status === 'played') && !msg.readAt) set.readAt = e.at;
  if (e.status === 'failed') {
    const code = Number(e.errors?.[0]?.code ?? 0);
    set.failedAt = e.at;
    set.errorCode = code;
    set.errorTitle = describeErrorCode(code).title;
  }
  await tx.update(messages).set(set).where(eq(messages.id, msg.id));
  Object.assign(msg, set);
  await recordEvent(tx, {
    type: 'message.updated',
    workspaceId: msg.workspaceId,
    rooms: [`workspace:${msg.workspaceId}`],
    payload: { conversationId: msg.conversationId, messageId: msg.id },
  });
}
