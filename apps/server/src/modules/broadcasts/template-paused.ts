import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';

/** Template statuses under which nothing can be sent with it. */
const UNSENDABLE = new Set(['PAUSED', 'DISABLED', 'REJECTED', 'DELETED', 'PENDING_DELETION']);

/**
 * When WhatsApp pauses or disables a template (low quality), its running and scheduled broadcasts on
 * that number pause at once with the reason `template_paused` (in the transaction that stores the
 * status), instead of failing every remaining recipient with 132015/132016. A person resumes them once
 * the template is active again.
 */
export async function pauseBroadcastsOfTemplate(
  tx: DbOrTx,
  channelId: string,
  update: { event: string; message_template_name: string; message_template_language: string },
): Promise<void> {
  const status = update.event.toUpperCase();
  if (!UNSENDABLE.has(status)) return;
  await tx.execute(sql`
    update broadcasts set state = 'paused', pause_reason = 'template_paused', pause_code = null,
      pause_detail = ${`WhatsApp set the template to ${status}`}, resume_at = null, updated_at = now()
    where channel_id = ${channelId} and template_name = ${update.message_template_name}
      and language = ${update.message_template_language} and state in ('running', 'scheduled')`);
}
