import type { InboundMessage, WebhookContact } from '@parley/whatsapp';
import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { contacts, conversations, messages } from '../../db/schema.js';
import { recordEvent } from '../../realtime/event-bus.js';
import type { ChannelRow } from '../channels/service.js';
import { attachInboundMedia } from '../media/index.js';
import { contactSearchTokens, messageSearchTokens } from '../search/index.js';

/** A short, plain preview of a message for the conversation list. */
export function previewOf(m: { type: string; text?: string | null }): string {
  if (m.text) return m.text.slice(0, 140);
  const labels: Record<string, string> = {
    image: '📷 Photo',
    video: '🎬 Video',
    audio: '🎤 Audio',
    document: '📄 Document',
    sticker: 'Sticker',
    location: '📍 Location',
    contacts: '👤 Contact',
    reaction: 'Reaction',
    order: '🛒 Order',
    system: 'System message',
  };
  return labels[m.type] ?? `Unsupported message (${m.type})`;
}

function textOf(m: InboundMessage): string | null {
  const any = m as Record<string, unknown> & InboundMessage;
  if (m.type === 'text') return m.text?.body ?? null;
  if (m.type === 'button') return m.button?.text ?? null;
  if (m.type === 'interactive') {
    const i = m.interactive as
      | { button_reply?: { title?: string }; list_reply?: { title?: string } }
      | undefined;
    return i?.button_reply?.title ?? i?.list_reply?.title ?? null;
  }
  const media = any[m.type] as { caption?: string } | undefined;
  return typeof media?.caption === 'string' ? media.caption : null;
}

/**
 * Stores one inbound message exactly once (unique channel + wamid): creates the contact on first
 * contact, the conversation per contact × channel, bumps unread and the 24-hour window, and records
 * `message.created`. Returns false when the message was a duplicate.
 */
export async function ingestInboundMessage(
  ctx: AppContext,
  tx: Tx,
  ch: ChannelRow,
  m: InboundMessage,
  profiles: WebhookContact[],
): Promise<boolean> {
  const ws = ch.workspaceId;
  const from = m.from ?? (m as { from_user_id?: string }).from_user_id ?? 'unknown';
  const profile = profiles.find((p) => p.wa_id === from || p.user_id === from);
  const name = profile?.profile?.name?.slice(0, 200) ?? null;
  const waIdHash = await ctx.keyring.blindIndex(tx, ws, 'contacts.wa_id', from);
  const encName = name ? await ctx.keyring.encrypt(tx, ws, name, 'contacts.name') : null;
  const nameTokens = await contactSearchTokens(ctx.keyring, tx, ws, name, from);
  const [contact] = await tx
    .insert(contacts)
    .values({
      workspaceId: ws,
      waIdHash,
      waId: await ctx.keyring.encrypt(tx, ws, from, 'contacts.wa_id'),
      name: encName,
      nameTokens,
    })
    .onConflictDoUpdate({
      target: [contacts.workspaceId, contacts.waIdHash],
      set: encName ? { name: encName, nameTokens, updatedAt: new Date() } : { updatedAt: new Date() },
    })
    .returning({ id: contacts.id });
  // Millisecond precision (the webhook's own is seconds): list cursors carry JavaScript dates.
  const at = new Date(Number(m.timestamp) * 1000 || Date.now());
  const [conversation] = await tx
    .insert(conversations)
    .values({ workspaceId: ws, channelId: ch.id, contactId: contact!.id, lastMessageAt: at })
    .onConflictDoUpdate({
      target: [conversations.channelId, conversations.contactId],
      set: { updatedAt: new Date() },
    })
    .returning({ id: conversations.id });

  const text = textOf(m);
  const {
    id: _id,
    from: _from,
    timestamp: _ts,
    type,
    ...rest
  } = m as Record<string, unknown> & InboundMessage;
  const inserted = await tx
    .insert(messages)
    .values({
      workspaceId: ws,
      conversationId: conversation!.id,
      channelId: ch.id,
      direction: 'inbound',
      type,
      text: text ? await ctx.keyring.encrypt(tx, ws, text, 'messages.text') : null,
      searchTokens: await messageSearchTokens(ctx.keyring, tx, ws, text),
      content: await ctx.keyring.encrypt(tx, ws, JSON.stringify(rest), 'messages.content'),
      providerMessageId: m.id,
      replyToProviderId: m.context?.id ?? null,
      status: 'received',
      createdAt: at,
    })
    .onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] })
    .returning({ id: messages.id });
  if (inserted.length === 0) return false;
  await attachInboundMedia(ctx, tx, ws, inserted[0]!.id, m);

  // Reactions, system notices and "opened the chat" are not messages from the customer: they do not
  // count as unread, open the 24-hour window (contract 8.1), reopen the conversation or become its
  // preview.
  const counts = type !== 'reaction' && type !== 'system' && type !== 'request_welcome';
  if (counts) {
    const preview = await ctx.keyring.encrypt(tx, ws, previewOf({ type, text }), 'conversations.preview');
    const iso = at.toISOString();
    await tx
      .update(conversations)
      .set({
        lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${iso}::timestamptz)`,
        lastInboundAt: sql`greatest(coalesce(${conversations.lastInboundAt}, ${iso}::timestamptz), ${iso}::timestamptz)`,
        lastMessagePreview: preview,
        unreadCount: sql`${conversations.unreadCount} + 1`,
        status: sql`case when ${conversations.status} in ('resolved', 'snoozed') then 'open' else ${conversations.status} end`,
        updatedAt: new Date(),
      })
      .where(and(eq(conversations.id, conversation!.id), eq(conversations.workspaceId, ws)));
  }
  await recordEvent(tx, {
    type: 'message.created',
    workspaceId: ws,
    rooms: [`workspace:${ws}`],
    payload: { conversationId: conversation!.id, messageId: inserted[0]!.id },
  });
  return true;
}
