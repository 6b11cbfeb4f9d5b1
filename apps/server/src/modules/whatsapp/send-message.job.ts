import { sendMessageResponseSchema } from '@parley/whatsapp';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { channels, contacts, conversations, media, messageStatusEvents, messages } from '../../db/schema.js';
import { defineJob, PermanentJobError, RetryLaterError } from '../../jobs/define-job.js';
import { recordEvent } from '../../realtime/event-bus.js';
import { channelCredentials } from '../channels/service.js';
import { ensureGraphMediaId } from '../media/index.js';
import { applyToMessage } from './apply-status.js';
import { GraphApiError, graphRequest } from './graph-client.js';

/**
 * Sends one outbound message through the Graph API, at most once: the message is tagged with our id in
 * `biz_opaque_callback_data`; `send_started_at` is committed before the call, so a job that finds it set
 * after a crash marks the message 'unknown' (a status webhook reconciles it) instead of sending again.
 * Retries on throughput limits, 5xx and time-outs; permanent errors mark the message failed.
 */
export const sendMessageJob = defineJob({
  name: 'whatsapp.send-message',
  payload: z.object({ messageId: z.uuid() }),
  retry: { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 120_000 },
  concurrency: 8,
  async run(ctx, { messageId }) {
    const [row] = await ctx.db
      .select({ m: messages, ch: channels, contact: contacts })
      .from(messages)
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(eq(messages.id, messageId));
    if (row?.m.direction !== 'outbound' || row.m.providerMessageId || row.m.status !== 'pending') return;
    const { m, ch, contact } = row;
    const ws = m.workspaceId;
    if (m.sendStartedAt) {
      await ctx.db.transaction(async (tx) => {
        await tx
          .update(messages)
          .set({ status: 'unknown', updatedAt: new Date() })
          .where(eq(messages.id, m.id));
        await recordEvent(tx, {
          type: 'message.updated',
          workspaceId: ws,
          rooms: [`workspace:${ws}`],
          payload: { conversationId: m.conversationId, messageId: m.id },
        });
      });
      await ctx.events.flush();
      return;
    }
    const to = contact.waId ? await ctx.keyring.decrypt(ctx.db, ws, contact.waId, 'contacts.wa_id') : null;
    if (!to) throw new PermanentJobError('contact has no WhatsApp id');
    const creds = await channelCredentials(ctx, ctx.db, ch);
    const text = m.text ? await ctx.keyring.decrypt(ctx.db, ws, m.text, 'messages.text') : '';
    const content = m.content
      ? (JSON.parse(await ctx.keyring.decrypt(ctx.db, ws, m.content, 'messages.content')) as Record<
          string,
          unknown
        >)
      : {};
    let payload: Record<string, unknown>;
    if (m.type === 'template') payload = { type: 'template', template: content.template };
    else if (m.type === 'reaction') payload = { type: 'reaction', reaction: content.reaction };
    else if (m.type === 'text') {
      payload = { type: 'text', text: { body: text, preview_url: content.preview_url === true } };
    } else {
      // An attachment: the stored file, uploaded to the Graph API once (the id is reused).
      const [file] = m.mediaId ? await ctx.db.select().from(media).where(eq(media.id, m.mediaId)) : [];
      if (!file) throw new PermanentJobError('the attachment is gone');
      const part = (content[m.type] ?? {}) as Record<string, unknown>;
      payload = {
        type: m.type,
        [m.type]: {
          id: await ensureGraphMediaId(ctx, ch, creds, file),
          ...(typeof part.caption === 'string' ? { caption: part.caption } : {}),
          ...(typeof part.filename === 'string' ? { filename: part.filename } : {}),
        },
      };
    }
    const body: Record<string, unknown> = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      ...payload,
      biz_opaque_callback_data: m.id,
      ...(m.replyToProviderId ? { context: { message_id: m.replyToProviderId } } : {}),
    };
    const claimed = await ctx.db
      .update(messages)
      .set({ sendStartedAt: new Date() })
      .where(and(eq(messages.id, m.id), isNull(messages.sendStartedAt)))
      .returning({ id: messages.id });
    if (claimed.length === 0) return;

    let wamid: string;
    try {
      const res = sendMessageResponseSchema.parse(
        await graphRequest(creds, 'POST', `${ch.phoneNumberId}/messages`, body),
      );
      wamid = res.messages[0]!.id;
    } catch (err) {
      if (err instanceof GraphApiError && (err.retryable || err.transport)) {
        // No message left Meta for a refused or failed call: allow the retry to send.
        await ctx.db.update(messages).set({ sendStartedAt: null }).where(eq(messages.id, m.id));
        if (err.code === 130429 || err.code === 131056 || err.httpStatus === 429)
          throw new RetryLaterError(2000 + Math.random() * 3000, err.message);
        throw err;
      }
      const code = err instanceof GraphApiError ? err.code : 0;
      await ctx.db.transaction(async (tx) => {
        await tx
          .update(messages)
          .set({
            status: 'failed',
            failedAt: new Date(),
            errorCode: code,
            errorTitle: err instanceof GraphApiError ? err.title : 'Error',
            updatedAt: new Date(),
          })
          .where(eq(messages.id, m.id));
        await recordEvent(tx, {
          type: 'message.updated',
          workspaceId: ws,
          rooms: [`workspace:${ws}`],
          payload: { conversationId: m.conversationId, messageId: m.id },
        });
      });
      await ctx.events.flush();
      if (err instanceof GraphApiError) return;
      throw err;
    }

    await ctx.db.transaction(async (tx) => {
      const [fresh] = await tx.select().from(messages).where(eq(messages.id, m.id)).for('update');
      if (!fresh) return;
      await applyToMessage(tx, fresh, { status: 'sent', at: new Date(), wamid });
      // Statuses that arrived before we knew the wamid.
      const early = await tx
        .select()
        .from(messageStatusEvents)
        .where(
          and(
            eq(messageStatusEvents.channelId, ch.id),
            eq(messageStatusEvents.providerMessageId, wamid),
            isNull(messageStatusEvents.messageId),
          ),
        );
      for (const e of early) {
        await tx.update(messageStatusEvents).set({ messageId: m.id }).where(eq(messageStatusEvents.id, e.id));
        await applyToMessage(tx, fresh, {
          status: e.status,
          at: e.occurredAt,
          errors: e.errors as { code?: number }[] | null,
          wamid,
        });
      }
    });
    await ctx.events.flush();
  },
});
