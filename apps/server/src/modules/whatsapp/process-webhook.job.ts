import { parseWebhookPayload } from '@parley/whatsapp';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { channels, webhookEvents } from '../../db/schema.js';
import { defineJob } from '../../jobs/define-job.js';
import { applyTemplateStatus } from '../templates/service.js';
import { applyStatus } from './apply-status.js';
import { ingestInboundMessage } from './ingest-message.js';

/**
 * Processes one stored webhook delivery in one transaction: every entry, change, message and status.
 * Safe to run twice (messages and statuses are deduplicated by unique constraints). Parts addressed to
 * another phone number than the channel's are not attached (the delivery is marked 'unattached').
 */
export const processWebhookJob = defineJob({
  name: 'whatsapp.process-webhook',
  payload: z.object({ webhookEventId: z.number().int() }),
  retry: { maxAttempts: 20, baseDelayMs: 500, maxDelayMs: 60_000 },
  concurrency: 4,
  async run(ctx, { webhookEventId }) {
    let flush = false;
    await ctx.db.transaction(async (tx) => {
      const [ev] = await tx
        .select()
        .from(webhookEvents)
        .where(eq(webhookEvents.id, webhookEventId))
        .for('update');
      if (ev?.status !== 'pending' || !ev.channelId || !ev.workspaceId) return;
      const [ch] = await tx.select().from(channels).where(eq(channels.id, ev.channelId));
      if (!ch) return;
      const raw = await ctx.keyring.decrypt(tx, ev.workspaceId, ev.payload, 'webhook_events.payload');
      const parsed = parseWebhookPayload(JSON.parse(raw));
      if (!parsed.success) {
        await tx
          .update(webhookEvents)
          .set({
            status: 'failed',
            error: parsed.issues
              .slice(0, 5)
              .map((i) => `${i.path}: ${i.message}`)
              .join('; '),
            processedAt: new Date(),
          })
          .where(eq(webhookEvents.id, ev.id));
        ctx.log.warn(
          { webhookEventId, issues: parsed.issues.length },
          'webhook payload did not match the contract',
        );
        return;
      }
      let foreign = false;
      for (const entry of parsed.entries) {
        for (const change of entry.changes) {
          if (change.field === 'message_template_status_update') {
            await applyTemplateStatus(tx, ch.id, change.value);
            continue;
          }
          if (change.field !== 'messages') continue;
          const value = change.value;
          if (value.metadata.phone_number_id !== ch.phoneNumberId) {
            foreign = true;
            continue;
          }
          for (const m of value.messages ?? []) {
            if (await ingestInboundMessage(ctx, tx, ch, m, value.contacts ?? [])) flush = true;
          }
          for (const s of value.statuses ?? []) {
            await applyStatus(tx, ch, s);
            flush = true;
          }
        }
      }
      await tx
        .update(webhookEvents)
        .set({ status: foreign ? 'unattached' : 'processed', processedAt: new Date() })
        .where(eq(webhookEvents.id, ev.id));
      if (foreign)
        ctx.log.warn(
          { webhookEventId, channelId: ch.id },
          'webhook for another phone number: recorded, not attached',
        );
    });
    if (flush) await ctx.events.flush();
  },
});
