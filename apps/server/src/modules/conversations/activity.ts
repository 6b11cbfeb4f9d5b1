import crypto from 'node:crypto';
import type { ActivityContent } from '@parley/contracts';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { messages } from '../../db/schema.js';
import { recordEvent } from '../../realtime/event-bus.js';

/**
 * An activity line in a thread ("Anna assigned Ben", "resolved", "snoozed until …"): a message of kind
 * `activity` that is never sent and does not change the conversation's order or preview. Its `content`
 * (encrypted like every message's) is one of `activityContent`.
 */
export async function recordActivity(
  ctx: AppContext,
  tx: Tx,
  c: { id: string; workspaceId: string; channelId: string },
  content: ActivityContent,
  at = new Date(),
): Promise<string> {
  const [id] = await recordActivities(ctx, tx, [{ c, content }], at);
  return id!;
}

/**
 * Activity lines in one multi-row insert (one line, or the auto-assigner's batches); ids are made here
 * so each line's id is known without relying on the order of RETURNING. Returns the ids in input order.
 */
export async function recordActivities(
  ctx: AppContext,
  tx: Tx,
  items: Array<{ c: { id: string; workspaceId: string; channelId: string }; content: ActivityContent }>,
  at = new Date(),
): Promise<string[]> {
  if (items.length === 0) return [];
  const rows = [];
  for (const { c, content } of items)
    rows.push({
      id: crypto.randomUUID(),
      workspaceId: c.workspaceId,
      conversationId: c.id,
      channelId: c.channelId,
      direction: 'outbound' as const,
      kind: 'activity' as const,
      type: 'activity',
      content: await ctx.keyring.encrypt(tx, c.workspaceId, JSON.stringify(content), 'messages.content'),
      status: 'sent' as const,
      senderUserId: content.actorId,
      createdAt: at,
    });
  for (let i = 0; i < rows.length; i += 500) await tx.insert(messages).values(rows.slice(i, i + 500));
  for (const r of rows)
    await recordEvent(tx, {
      type: 'message.created',
      workspaceId: r.workspaceId,
      rooms: [],
      payload: { conversationId: r.conversationId, messageId: r.id },
    });
  return rows.map((r) => r.id);
}
