import { z } from 'zod';
import { defineJob } from '../../jobs/define-job.js';
import { syncTemplates } from './service.js';

/** Syncs one channel's templates from its WhatsApp Business Account (periodic and "sync now"). */
export const syncTemplatesJob = defineJob({
  name: 'whatsapp.sync-templates',
  payload: z.object({ channelId: z.uuid() }),
  retry: { maxAttempts: 5, baseDelayMs: 5000, maxDelayMs: 300_000 },
  concurrency: 2,
  async run(ctx, { channelId }) {
    await syncTemplates(ctx, channelId);
  },
});
