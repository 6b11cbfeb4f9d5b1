import { previewLabelOf } from '@parley/contracts';
import type { InboundMessage, WebhookContact } from '@parley/whatsapp';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { contacts, conversations, messages } from '../../db/schema.js';
import { recordEvent } from '../../realtime/event-bus.js';
import { requestAutoAssignFor } from '../assignment/auto-assign.js';
import { linkBroadcastReplies, type ReplyCandidate } from '../broadcasts/index.js';
import type { ChannelRow } from '../channels/service.js';
import { applyConsentKeywords, buttonIdOf, type ConsentCandidate } from '../consents/keywords.js';
import { attachInboundMedia } from '../media/index.js';
import { notifyAssigneesOfMessages } from '../notifications/index.js';
import { contactSearchTokens, messageSearchTokens } from '../search/index.js';

/**
 * A short, plain preview of a message for the conversation list: its text, or a label by type
 * (PREVIEW_LABELS in contracts, which the web app shows translated).
 */
export function previewOf(m: { type: string; text?: string | null }): string {
  if (m.text) return m.text.slice(0, 140);
  return previewLabelOf(m.type);
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

/** One inbound message of a webhook delivery, with the delivery's contact profiles and its channel. */
export type InboundItem = { ch: ChannelRow; m: InboundMessage; profiles: WebhookContact[] };

type Prepared = {
  ch: ChannelRow;
  m: InboundMessage;
  ws: string;
  from: string;
  name: string | null;
  at: Date;
  text: string | null;
  type: string;
  rest: Record<string, unknown>;
  waIdHash: string;
};

/** Rows per multi-row statement (well below PostgreSQL's 65,535 parameters). */
const CHUNK = 400;

async function chunked<T, R>(rows: T[], run: (part: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(...(await run(rows.slice(i, i + CHUNK))));
  return out;
}

/**
 * Stores inbound messages, each exactly once (unique channel + wamid), set-based: one multi-row
 * statement each for the contacts, the conversations, the messages and the conversation updates,
 * whatever the number of messages. Creates a contact on first contact (profile name, WhatsApp id or
 * business-scoped user id), a conversation per contact × channel, bumps unread and the 24-hour
 * window, reopens a resolved conversation, and records `message.created` per new message, in the
 * order given. Returns how many messages were new (the others were duplicates).
 */
export async function ingestInboundMessages(ctx: AppContext, tx: Tx, items: InboundItem[]): Promise<number> {
  if (items.length === 0) return 0;
  // 1. Per message: who, when, what (encrypted, hashed).
  const prepared: Prepared[] = [];
  for (const { ch, m, profiles } of items) {
    const ws = ch.workspaceId;
    const from = m.from ?? (m as { from_user_id?: string }).from_user_id ?? 'unknown';
    const profile = profiles.find((p) => p.wa_id === from || p.user_id === from);
    const name = profile?.profile?.name?.slice(0, 200) ?? null;
    // Millisecond precision (the webhook's own is seconds): list cursors carry JavaScript dates.
    const at = new Date(Number(m.timestamp) * 1000 || Date.now());
    const text = textOf(m);
    const {
      id: _id,
      from: _from,
      timestamp: _ts,
      type,
      ...rest
    } = m as Record<string, unknown> & InboundMessage;
    prepared.push({
      ch,
      m,
      ws,
      from,
      name,
      at,
      text,
      type,
      rest,
      waIdHash: await ctx.keyring.blindIndex(tx, ws, 'contacts.wa_id', from),
    });
  }

  // 2. Contacts, one row per person (the last profile name in the batch wins, as it would one by one).
  const contactValues = new Map<string, typeof contacts.$inferInsert>();
  for (const p of prepared) {
    const key = `${p.ws}|${p.waIdHash}`;
    const known = contactValues.get(key);
    if (known && !p.name) continue;
    contactValues.set(key, {
      workspaceId: p.ws,
      waIdHash: p.waIdHash,
      waId: known?.waId ?? (await ctx.keyring.encrypt(tx, p.ws, p.from, 'contacts.wa_id')),
      name: p.name ? await ctx.keyring.encrypt(tx, p.ws, p.name, 'contacts.name') : null,
      nameTokens: await contactSearchTokens(ctx.keyring, tx, p.ws, p.name, p.from),
      lastActivityAt: new Date(),
    });
  }
  const contactRows = await chunked([...contactValues.values()], (part) =>
    tx
      .insert(contacts)
      .values(part)
      .onConflictDoUpdate({
        target: [contacts.workspaceId, contacts.waIdHash],
        // A message without a profile name keeps the name (and its search tokens) the contact has, and
        // so does a contact whose name a person set (the profile name only fills an empty one then).
        set: {
          name: sql`case when excluded.name is not null and (${contacts.nameFromProfile} or ${contacts.name} is null) then excluded.name else ${contacts.name} end`,
          nameTokens: sql`case when excluded.name is not null and (${contacts.nameFromProfile} or ${contacts.name} is null) then excluded.name_tokens else ${contacts.nameTokens} end`,
          lastActivityAt: sql`excluded.last_activity_at`,
          updatedAt: new Date(),
        },
      })
      .returning({
        id: contacts.id,
        workspaceId: contacts.workspaceId,
        waIdHash: contacts.waIdHash,
        blockedAt: contacts.blockedAt,
      }),
  );
  const contactIds = new Map(contactRows.map((r) => [`${r.workspaceId}|${r.waIdHash}`, r.id]));
  // A blocked contact's messages are stored (nothing a customer sends is lost) but stay quiet: they do
  // not reopen, count as unread, queue, notify or move the conversation up the list.
  const blockedContacts = new Set(contactRows.filter((r) => r.blockedAt).map((r) => r.id));
  const contactOf = (p: Prepared) => contactIds.get(`${p.ws}|${p.waIdHash}`)!;

  // 3. Conversations, one per contact × channel.
  const conversationValues = new Map<string, typeof conversations.$inferInsert>();
  for (const p of prepared) {
    const key = `${p.ch.id}|${contactOf(p)}`;
    if (!conversationValues.has(key))
      conversationValues.set(key, {
        workspaceId: p.ws,
        channelId: p.ch.id,
        contactId: contactOf(p),
        // A new conversation belongs to the channel's default team (routing settings).
        teamId: p.ch.defaultTeamId,
        lastMessageAt: p.at,
      });
  }
  const conversationRows = await chunked([...conversationValues.values()], (part) =>
    tx
      .insert(conversations)
      .values(part)
      .onConflictDoUpdate({
        target: [conversations.channelId, conversations.contactId],
        set: { updatedAt: new Date() },
      })
      .returning({
        id: conversations.id,
        channelId: conversations.channelId,
        contactId: conversations.contactId,
      }),
  );
  const conversationIds = new Map(conversationRows.map((r) => [`${r.channelId}|${r.contactId}`, r.id]));
  const conversationOf = (p: Prepared) => conversationIds.get(`${p.ch.id}|${contactOf(p)}`)!;

  // 4. Messages, in the order given (their seq is arrival order); a known wamid is skipped.
  const messageValues: (typeof messages.$inferInsert)[] = [];
  for (const p of prepared) {
    messageValues.push({
      workspaceId: p.ws,
      conversationId: conversationOf(p),
      channelId: p.ch.id,
      direction: 'inbound',
      type: p.type,
      text: p.text ? await ctx.keyring.encrypt(tx, p.ws, p.text, 'messages.text') : null,
      searchTokens: await messageSearchTokens(ctx.keyring, tx, p.ws, p.text),
      content: await ctx.keyring.encrypt(tx, p.ws, JSON.stringify(p.rest), 'messages.content'),
      providerMessageId: p.m.id,
      replyToProviderId: p.m.context?.id ?? null,
      status: 'received',
      createdAt: p.at,
    });
  }
  const insertedRows = await chunked(messageValues, (part) =>
    tx
      .insert(messages)
      .values(part)
      .onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] })
      .returning({ id: messages.id, channelId: messages.channelId, wamid: messages.providerMessageId }),
  );
  const inserted = new Map(insertedRows.map((r) => [`${r.channelId}|${r.wamid}`, r.id]));

  // 5. Per new message (the first of a wamid repeated in the batch): its file, its event, and what it
  // does to the conversation. Reactions, system notices and "opened the chat" are not messages from
  // the customer: they do not count as unread, open the 24-hour window (contract 8.1), reopen the
  // conversation or become its preview.
  const bumps = new Map<string, { ws: string; at: Date; preview: string; count: number }>();
  const consentCandidates: ConsentCandidate[] = [];
  const replies: ReplyCandidate[] = [];
  let fresh = 0;
  for (const p of prepared) {
    const key = `${p.ch.id}|${p.m.id}`;
    const id = inserted.get(key);
    if (!id) continue;
    inserted.delete(key);
    fresh++;
    const conversationId = conversationOf(p);
    await attachInboundMedia(ctx, tx, p.ws, id, p.m);
    if (
      p.type !== 'reaction' &&
      p.type !== 'system' &&
      p.type !== 'request_welcome' &&
      !blockedContacts.has(contactOf(p))
    ) {
      if (p.type === 'text' || p.type === 'button' || p.type === 'interactive')
        consentCandidates.push({
          workspaceId: p.ws,
          channelId: p.ch.id,
          contactId: contactOf(p),
          conversationId,
          messageId: id,
          text: p.text,
          buttonId: buttonIdOf(p.m as { type: string }),
        });
      replies.push({
        messageId: id,
        workspaceId: p.ws,
        channelId: p.ch.id,
        contactId: contactOf(p),
        contextId: p.m.context?.id ?? null,
        at: p.at,
      });
      const bump = bumps.get(conversationId);
      const preview = previewOf({ type: p.type, text: p.text });
      // The preview is the message processed last, as it was one by one.
      bumps.set(conversationId, {
        ws: p.ws,
        at: bump && bump.at > p.at ? bump.at : p.at,
        preview,
        count: (bump?.count ?? 0) + 1,
      });
    }
    await recordEvent(tx, {
      type: 'message.created',
      workspaceId: p.ws,
      rooms: [`workspace:${p.ws}`],
      payload: { conversationId, messageId: id },
    });
  }

  // 6. The conversations' activity, unread count, window and status in one statement.
  const updates = [];
  for (const [conversationId, b] of bumps) {
    const preview = await ctx.keyring.encrypt(tx, b.ws, b.preview, 'conversations.preview');
    updates.push(
      sql`(${conversationId}::uuid, ${b.ws}::uuid, ${b.at.toISOString()}::timestamptz, ${preview}::text, ${b.count}::int)`,
    );
  }
  for (let i = 0; i < updates.length; i += CHUNK) {
    await tx.execute(sql`
      update ${conversations} as c set
        last_message_at = greatest(c.last_message_at, v.at),
        last_inbound_at = greatest(coalesce(c.last_inbound_at, v.at), v.at),
        last_message_preview = v.preview,
        unread_count = c.unread_count + v.n,
        status = case when c.status in ('resolved', 'snoozed') then 'open' else c.status end,
        snoozed_until = null,
        updated_at = now()
      from (values ${sql.join(updates.slice(i, i + CHUNK), sql`, `)}) as v(id, ws, at, preview, n)
      where c.id = v.id and c.workspace_id = v.ws`);
  }
  // 7. New, reopened or woken conversations nobody has join the auto-assignment queue.
  const byWorkspace = new Map<string, string[]>();
  for (const [conversationId, b] of bumps)
    byWorkspace.set(b.ws, [...(byWorkspace.get(b.ws) ?? []), conversationId]);
  for (const [ws, ids] of byWorkspace) await requestAutoAssignFor(tx, ws, ids);
  // 8. Their assignees hear of the new message (one unread notification per conversation at most).
  await notifyAssigneesOfMessages(tx, [...bumps.keys()]);
  // 9. Consent keywords (STOP, START, the answer to the confirmation question) change the ledger and
  // are answered in this transaction: a withdrawal is in force once the message is stored.
  await applyConsentKeywords(ctx, tx, consentCandidates);
  // 10. Replies to a newsletter are linked to it (the message and the recipient's replied_at).
  await linkBroadcastReplies(tx, replies);
  return fresh;
}
