import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { channels, messages } from '../../db/schema.js';
import { defineJob } from '../../jobs/define-job.js';
import { channelCredentials } from '../channels/service.js';
import { GraphApiError, graphRequest } from './graph-client.js';

/**
 * Tells WhatsApp the team has read a customer's message (and every earlier one): the customer sees
 * blue ticks. Only enqueued when the workspace turned read receipts on. A refusal is not retried.
 */
export const markReadJob = defineJob({
  name: 'whatsapp.mark-read',
  payload: z.object({ messageId: z.uuid() }),
  retry: { maxAttempts: 5, baseDelayMs: 2000, maxDelayMs: 60_000 },
  concurrency: 4,
  async run(ctx, { messageId }) {
    const [row] = await ctx.db
      .select({ m: messages, ch: channels })
      .from(messages)
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .where(eq(messages.id, messageId));
    if (!row?.m.providerMessageId || row.m.direction !== 'inbound') return;
    try {
      await graphRequest(
        await channelCredentials(ctx, ctx.db, row.ch),
        'POST',
        `${row.ch.phoneNumberId}/messages`,
        {
          messaging_product: 'whatsapp',
          status: 'read',
          message_id: row.m.providerMessageId,
        },
      );
    } catch (err) {
      if (err instanceof GraphApiError && !err.retryable && !err.transport) return;
      throw err;
    }
  },
});
