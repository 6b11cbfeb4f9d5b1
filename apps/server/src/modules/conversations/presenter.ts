import type { ConversationDto, MessageDto } from '@parley/contracts';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import type { contacts, conversations, messages } from '../../db/schema.js';
import { type MediaRow, mediaByIds, toMediaDto } from '../media/index.js';
import { isRetryable } from './retry-policy.js';

type MessageRow = typeof messages.$inferSelect;
type ConversationRow = typeof conversations.$inferSelect;
type ContactRow = typeof contacts.$inferSelect;

/**
 * Decrypts and copies the fields an agent sees. `file` is the message's media row when the caller
 * loaded it already (listMessages loads a page's in one query); otherwise it is looked up here.
 */
export async function toMessageDto(
  ctx: AppContext,
  db: DbOrTx,
  m: MessageRow,
  file?: MediaRow | null,
): Promise<MessageDto> {
  const content = await ctx.keyring.decryptOptional(db, m.workspaceId, m.content, 'messages.content');
  const attachment =
    file !== undefined || !m.mediaId
      ? (file ?? null)
      : ((await mediaByIds(db, m.workspaceId, [m.mediaId])).get(m.mediaId) ?? null);
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    kind: m.kind,
    type: m.type,
    text: await ctx.keyring.decryptOptional(db, m.workspaceId, m.text, 'messages.text'),
    content: content ? (JSON.parse(content) as Record<string, unknown>) : null,
    status: m.status,
    providerMessageId: m.providerMessageId,
    replyToProviderId: m.replyToProviderId,
    broadcastId: m.broadcastId ?? null,
    errorCode: m.errorCode,
    errorTitle: m.errorTitle,
    retryable: isRetryable(m, true),
    media: attachment ? await toMediaDto(ctx, db, attachment) : null,
    senderUserId: m.senderUserId,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
    sentAt: m.sentAt?.toISOString() ?? null,
    deliveredAt: m.deliveredAt?.toISOString() ?? null,
    readAt: m.readAt?.toISOString() ?? null,
  };
}

export async function toContactSummary(ctx: AppContext, db: DbOrTx, c: ContactRow) {
  return {
    id: c.id,
    name: await ctx.keyring.decryptOptional(db, c.workspaceId, c.name, 'contacts.name'),
    waId: await ctx.keyring.decryptOptional(db, c.workspaceId, c.waId, 'contacts.wa_id'),
  };
}

/** What a conversation's DTO needs beyond its row; lists load it for a whole page at once. */
export type ConversationExtras = { labelIds: string[]; isUnread: boolean };

export async function toConversationDto(
  ctx: AppContext,
  db: DbOrTx,
  c: ConversationRow,
  contact: ContactRow,
  extras?: ConversationExtras,
): Promise<ConversationDto> {
  return {
    id: c.id,
    channelId: c.channelId,
    status: c.status,
    assigneeId: c.assigneeId,
    teamId: c.teamId,
    contact: await toContactSummary(ctx, db, contact),
    lastMessageAt: c.lastMessageAt.toISOString(),
    lastInboundAt: c.lastInboundAt?.toISOString() ?? null,
    lastMessagePreview: await ctx.keyring.decryptOptional(
      db,
      c.workspaceId,
      c.lastMessagePreview,
      'conversations.preview',
    ),
    unreadCount: c.unreadCount,
    priority: c.priority,
    snoozedUntil: c.snoozedUntil?.toISOString() ?? null,
    queuedAt: c.queuedAt?.toISOString() ?? null,
    assignedAt: c.assignedAt?.toISOString() ?? null,
    labelIds: extras?.labelIds ?? [],
    isUnread: extras?.isUnread ?? c.unreadCount > 0,
  };
}
