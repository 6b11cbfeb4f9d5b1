import { autoAssignJob } from '../modules/assignment/auto-assign.js';
import { sendBroadcastJob } from '../modules/broadcasts/send-broadcast.job.js';
import { wakeSnoozedJob } from '../modules/conversations/workflow.js';
import { downloadMediaJob } from '../modules/media/download-media.job.js';
import { pushNotificationJob } from '../modules/push/index.js';
import { sendScheduledJob } from '../modules/scheduled/service.js';
import { backfillSearchTokensJob } from '../modules/search/backfill-tokens.job.js';
import { syncTemplatesJob } from '../modules/templates/sync-templates.job.js';
import { markReadJob } from '../modules/whatsapp/mark-read.job.js';
import { processWebhookJob } from '../modules/whatsapp/process-webhook.job.js';
import { processWebhooksPump } from '../modules/whatsapp/process-webhooks.js';
import { sendMessageJob } from '../modules/whatsapp/send-message.job.js';
import type { BatchPumpDefinition } from './batch-pump.js';
import type { JobDefinition } from './define-job.js';

/** Every job the workers run. A job is one file in its module; it is listed here to be run. */
export const allJobs: JobDefinition[] = [
  processWebhookJob as JobDefinition,
  sendMessageJob as JobDefinition,
  syncTemplatesJob as JobDefinition,
  markReadJob as JobDefinition,
  downloadMediaJob as JobDefinition,
  backfillSearchTokensJob as JobDefinition,
  autoAssignJob as JobDefinition,
  wakeSnoozedJob as JobDefinition,
  sendScheduledJob as JobDefinition,
  pushNotificationJob as JobDefinition,
  sendBroadcastJob as JobDefinition,
];

/** Work taken in batches from its own table (see batch-pump.ts). */
export const allPumps: BatchPumpDefinition[] = [processWebhooksPump];
