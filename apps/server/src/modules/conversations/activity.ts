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
  const [row] = await tx
    .insert(messages)
    .values({
      workspaceId: c.workspaceId,
      conversationId: c.id,
      channelId: c.channelId,
      direction: 'outbound',
      kind: 'activity',
      type: 'activity',
      content: await ctx.keyring.encrypt(tx, c.workspaceId, JSON.stringify(content), 'messages.content'),
      status: 'sent',
      senderUserId: content.actorId,
      createdAt: at,
    })
    .returning({ id: messages.id });
  await recordEvent(tx, {
    type: 'message.created',
    workspaceId: c.workspaceId,
    rooms: [],
    payload: { conversationId: c.id, messageId: row!.id },
  });
  return row!.id;
}
