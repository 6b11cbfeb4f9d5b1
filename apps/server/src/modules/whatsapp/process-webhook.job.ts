import { z } from 'zod';
import { defineJob } from '../../jobs/define-job.js';
import { processOneAlone } from './process-webhooks.js';

/**
 * Deliveries used to be processed by one job each; they are now taken in batches by the
 * `whatsapp.process-webhooks` pump (process-webhooks.ts). This job stays so that jobs queued by an
 * older version still run after an upgrade: it processes its delivery if the pump has not yet.
 */
export const processWebhookJob = defineJob({
  name: 'whatsapp.process-webhook',
  payload: z.object({ webhookEventId: z.number().int() }),
  retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 10_000 },
  concurrency: 2,
  async run(ctx, { webhookEventId }) {
    if (await processOneAlone(ctx, webhookEventId)) await ctx.events.flush();
  },
});
