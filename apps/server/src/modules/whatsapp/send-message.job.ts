import { sendMessageResponseSchema } from '@parley/whatsapp';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import { z } from 'zod';
import { channels, contacts, conversations, media, messageStatusEvents, messages } from '../../db/schema.js';
import { defineJob, RetryAfterError, RetryLaterError } from '../../jobs/define-job.js';
import { recordEvent } from '../../realtime/event-bus.js';
import { inSlot, numberWindows } from '../broadcasts/pacer.js';
import { channelCredentials } from '../channels/service.js';
import { ensureGraphMediaId } from '../media/index.js';
import { withHeaderMedia } from '../templates/send-components.js';
import { applyToMessage } from './apply-status.js';
import { GraphApiError, graphRequest } from './graph-client.js';
import { MAX_LIMIT_WAIT_MS, throughputMps } from './send-limits.js';

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
  async run(ctx, { messageId }, job) {
    const [row] = await ctx.db
      .select({ m: messages, ch: channels, contact: contacts })
      .from(messages)
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(eq(messages.id, messageId));
    // Notes and activity lines are the team's own: never sent, whatever a job payload says.
    if (row?.m.direction !== 'outbound' || row.m.kind !== 'message') return;
    if (row.m.providerMessageId || row.m.status !== 'pending') return;
    const { m, ch, contact } = row;
    const ws = m.workspaceId;

    /** Ends a send that will not be tried again (the agent may retry a failed one). */
    const markFinal = async (status: 'failed' | 'unknown', err: GraphApiError | string | null) => {
      const graph = err instanceof GraphApiError ? err : null;
      await ctx.db.transaction(async (tx) => {
        await tx
          .update(messages)
          .set({
            status,
            ...(status === 'failed'
              ? {
                  failedAt: new Date(),
                  errorCode: graph?.code ?? null,
                  errorTitle: graph?.title ?? (typeof err === 'string' ? err : 'Error'),
                }
              : {}),
            updatedAt: new Date(),
          })
          .where(and(eq(messages.id, m.id), eq(messages.status, 'pending')));
        await recordEvent(tx, {
          type: 'message.updated',
          workspaceId: ws,
          rooms: [`workspace:${ws}`],
          payload: { conversationId: m.conversationId, messageId: m.id },
        });
      });
      await ctx.events.flush();
    };

    /**
     * After a failed call: limits wait (no attempt counted), temporary errors retry with back-off (an
     * ambiguous one not sooner than 20 s, so a status webhook can reconcile it first), and permanent
     * errors or the last attempt end the message as failed ('unknown' when it may have gone out).
     */
    const giveUpOrRetry = async (err: unknown, ambiguous: boolean): Promise<void> => {
      if (!(err instanceof GraphApiError)) throw err;
      // Limits make a message wait without using up attempts, but not for ever.
      const pairLimited = err.code === 131056;
      const numberLimited = err.code === 130429 || err.httpStatus === 429;
      if ((pairLimited || numberLimited) && Date.now() - m.createdAt.getTime() > MAX_LIMIT_WAIT_MS)
        return markFinal('failed', err);
      if (pairLimited)
        throw new RetryLaterError(ctx.sendLimits.penalizePair(ch.phoneNumberId, contact.id), err.message);
      if (numberLimited) {
        const pause = 1000 + Math.random() * 2000;
        ctx.sendLimits.penalizeNumber(ch.phoneNumberId, pause);
        throw new RetryLaterError(pause, err.message);
      }
      const temporary = err.retryable || err.transport;
      if (temporary && job.attempts < job.maxAttempts) {
        if (ambiguous) throw new RetryAfterError(20_000, err.message);
        throw err;
      }
      await markFinal(ambiguous ? 'unknown' : 'failed', err);
    };

    // A worker died during the call: the outcome is unknown; a status webhook will tell (never resent).
    if (m.sendStartedAt) return markFinal('unknown', null);
    // One conversation's messages go out in the order they were written (an attachment's upload takes
    // longer than a text): wait while an earlier one of the last ten minutes is still on its way.
    const [earlier] = await ctx.db
      .select({ id: messages.id })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, m.conversationId),
          eq(messages.status, 'pending'),
          isNull(messages.providerMessageId),
          lt(messages.seq, m.seq),
          gt(messages.createdAt, new Date(Date.now() - 10 * 60_000)),
        ),
      )
      .limit(1);
    if (earlier)
      throw new RetryLaterError(150 + Math.random() * 100, 'an earlier message is still being sent');
    const to = contact.waId ? await ctx.keyring.decrypt(ctx.db, ws, contact.waId, 'contacts.wa_id') : null;
    if (!to) return markFinal('failed', 'The contact has no WhatsApp number');
    const creds = await channelCredentials(ctx, ctx.db, ch);
    const text = m.text ? await ctx.keyring.decrypt(ctx.db, ws, m.text, 'messages.text') : '';
    const content = m.content
      ? (JSON.parse(await ctx.keyring.decrypt(ctx.db, ws, m.content, 'messages.content')) as Record<
          string,
          unknown
        >)
      : {};
    /**
     * The Graph API media id of the message's file (an attachment, or a template's media header),
     * uploaded once and reused; null when the send ended instead (file gone, or the upload failed).
     */
    const uploadedMediaId = async (): Promise<string | null> => {
      const [file] = m.mediaId ? await ctx.db.select().from(media).where(eq(media.id, m.mediaId)) : [];
      if (!file) {
        await markFinal('failed', 'The attachment was deleted');
        return null;
      }
      try {
        return await ensureGraphMediaId(ctx, ch, creds, file);
      } catch (err) {
        // An upload has no effect on the customer: retrying it is always safe.
        await giveUpOrRetry(err, false);
        return null;
      }
    };
    let payload: Record<string, unknown>;
    if (m.type === 'template') {
      // A media header is stored as a marker: the file's Graph id is only known now.
      const graphMediaId = m.mediaId ? await uploadedMediaId() : null;
      if (m.mediaId && !graphMediaId) return;
      payload = {
        type: 'template',
        template: graphMediaId ? withHeaderMedia(content.template, graphMediaId) : content.template,
      };
    } else if (m.type === 'reaction') payload = { type: 'reaction', reaction: content.reaction };
    else if (m.type === 'interactive') payload = { type: 'interactive', interactive: content.interactive };
    else if (m.type === 'text') {
      payload = { type: 'text', text: { body: text, preview_url: content.preview_url === true } };
    } else {
      // An attachment: the stored file, uploaded to the Graph API once (the id is reused).
      const part = (content[m.type] ?? {}) as Record<string, unknown>;
      const graphMediaId = await uploadedMediaId();
      if (!graphMediaId) return;
      payload = {
        type: m.type,
        [m.type]: {
          id: graphMediaId,
          ...(typeof part.caption === 'string' ? { caption: part.caption } : {}),
          ...(typeof part.filename === 'string' ? { filename: part.filename } : {}),
        },
      };
    }
    // Throughput of the number and pair rate to this customer: wait for a slot instead of being refused.
    const wait = ctx.sendLimits.reserve(ch.phoneNumberId, contact.id, throughputMps(ch.throughputLevel));
    if (wait > 0) throw new RetryLaterError(wait + Math.random() * 50, 'waiting for a send slot');
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
    // The number's window, shared with its broadcasts, which give way to this send.
    const slot = await numberWindows.ordinary(ch.phoneNumberId, throughputMps(ch.throughputLevel));
    try {
      const res = sendMessageResponseSchema.parse(
        await inSlot(slot, () => graphRequest(creds, 'POST', `${ch.phoneNumberId}/messages`, body)),
      );
      wamid = res.messages[0]!.id;
      ctx.sendLimits.succeeded(ch.phoneNumberId, contact.id);
    } catch (err) {
      // The call may have reached WhatsApp: let a retry send again (a status webhook carrying our id
      // reconciles the message before that, if it did go out).
      await ctx.db.update(messages).set({ sendStartedAt: null }).where(eq(messages.id, m.id));
      return giveUpOrRetry(err, mayHaveBeenSent(err));
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

/** True when a failed call may still have delivered the message: a time-out, a dropped connection, a 5xx. */
function mayHaveBeenSent(err: unknown): boolean {
  if (!(err instanceof GraphApiError)) return true;
  if (err.transport) return !/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(err.details ?? '');
  return err.httpStatus >= 500;
}
