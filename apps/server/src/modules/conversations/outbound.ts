import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { conversations, messages } from '../../db/schema.js';
import { enqueueJob } from '../../jobs/queue.js';
import { recordEvent } from '../../realtime/event-bus.js';
import { messageSearchTokens } from '../search/index.js';
import { previewOf } from '../whatsapp/ingest-message.js';
import { sendMessageJob } from '../whatsapp/send-message.job.js';

export type OutboundDraft = {
  type: string;
  text: string | null;
  content: Record<string, unknown>;
  replyToProviderId?: string | null;
  mediaId?: string | null;
};

/**
 * Records an outbound message as pending in the caller's transaction and hands it to the send job,
 * which sends it once: encrypted text and content, search tokens, the conversation's activity and
 * preview (not for reactions), the `message.created` event. `senderUserId` null is Parley itself.
 * `within` runs after the job is queued and before the event (a scheduled send marks itself sent).
 * Returns null when the attachment is already on another message (the unique media id).
 */
export async function recordOutbound(
  ctx: AppContext,
  tx: Tx,
  c: { workspaceId: string; channelId: string; conversationId: string },
  draft: OutboundDraft,
  senderUserId: string | null,
  within?: (tx: Tx, message: typeof messages.$inferSelect) => Promise<void>,
): Promise<typeof messages.$inferSelect | null> {
  const ws = c.workspaceId;
  // Millisecond precision like every list position (cursors carry JavaScript dates).
  const now = new Date();
  const [m] = await tx
    .insert(messages)
    .values({
      workspaceId: ws,
      conversationId: c.conversationId,
      channelId: c.channelId,
      createdAt: now,
      direction: 'outbound',
      type: draft.type,
      text: draft.text ? await ctx.keyring.encrypt(tx, ws, draft.text, 'messages.text') : null,
      searchTokens: await messageSearchTokens(ctx.keyring, tx, ws, draft.text),
      content: await ctx.keyring.encrypt(tx, ws, JSON.stringify(draft.content), 'messages.content'),
      replyToProviderId: draft.replyToProviderId ?? null,
      mediaId: draft.mediaId ?? null,
      status: 'pending',
      senderUserId,
    })
    .onConflictDoNothing({ target: messages.mediaId, where: sql`${messages.mediaId} is not null` })
    .returning();
  if (!m) return null;
  if (draft.type !== 'reaction')
    await tx
      .update(conversations)
      .set({
        lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${now.toISOString()}::timestamptz)`,
        lastMessagePreview: await ctx.keyring.encrypt(
          tx,
          ws,
          previewOf({ type: draft.type === 'template' ? 'text' : draft.type, text: draft.text }),
          'conversations.preview',
        ),
        updatedAt: new Date(),
      })
      .where(eq(conversations.id, c.conversationId));
  await enqueueJob(tx, sendMessageJob, { messageId: m.id }, { workspaceId: ws });
  if (within) await within(tx, m);
  await recordEvent(tx, {
    type: 'message.created',
    workspaceId: ws,
    rooms: [`workspace:${ws}`],
    payload: { conversationId: c.conversationId, messageId: m.id },
  });
  return m;
}
