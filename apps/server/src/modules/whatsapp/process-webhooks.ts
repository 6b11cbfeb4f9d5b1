import { type MessageStatus, parseWebhookPayload } from '@parley/whatsapp';
import { and, asc, eq, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { webhookEvents } from '../../db/schema.js';
import type { BatchPumpDefinition } from '../../jobs/batch-pump.js';
import { backoffMs } from '../../jobs/define-job.js';
import { withBatchedEvents } from '../../realtime/event-bus.js';
import { pauseBroadcastsOfTemplate } from '../broadcasts/index.js';
import type { ChannelRow } from '../channels/service.js';
import { applyUserPreferences } from '../consents/service.js';
import { applyTemplateQuality, applyTemplateStatus } from '../templates/service.js';
import { applyStatuses } from './apply-status.js';
import { type InboundItem, ingestInboundMessages } from './ingest-message.js';

type WebhookEventRow = typeof webhookEvents.$inferSelect;

/** Deliveries handled in one transaction (one commit for all of them). */
export const WEBHOOK_BATCH = 200;
/** Attempts before a delivery that keeps failing is set aside as 'failed' (it stays stored). */
export const WEBHOOK_MAX_ATTEMPTS = 20;

type Collected = {
  inbound: InboundItem[];
  statuses: { ch: ChannelRow; s: MessageStatus }[];
  /** A template's status or quality changed (its event goes out with the batch's flush). */
  templates: boolean;
};

/**
 * Reads one stored delivery: decrypts and checks it, applies its template reviews, and adds its
 * messages and statuses to `into`. Returns the delivery's outcome. Parts addressed to another phone
 * number than the channel's are not attached (the delivery becomes 'unattached'); a payload that does
 * not match the contract becomes 'failed'.
 */
async function collectDelivery(ctx: AppContext, tx: Tx, ev: WebhookEventRow, into: Collected): Promise<Mark> {
  const mark = (status: WebhookEventRow['status'], error: string | null = null): Mark => ({
    id: ev.id,
    status,
    error,
  });
  // The webhook route's per-node cache: a channel row read for the signature moments ago.
  const ch = ev.channelId ? await ctx.channelCache.find(ev.channelId, tx) : null;
  if (!ch || !ev.workspaceId || ch.workspaceId !== ev.workspaceId) return mark('unattached');
  const raw = await ctx.keyring.decrypt(tx, ev.workspaceId, ev.payload, 'webhook_events.payload');
  const parsed = parseWebhookPayload(JSON.parse(raw));
  if (!parsed.success) {
    ctx.log.warn(
      { webhookEventId: ev.id, issues: parsed.issues.length },
      'webhook payload did not match the contract',
    );
    return mark(
      'failed',
      parsed.issues
        .slice(0, 5)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; '),
    );
  }
  let foreign = false;
  for (const entry of parsed.entries) {
    for (const change of entry.changes) {
      if (change.field === 'message_template_status_update') {
        if (await applyTemplateStatus(tx, ch.id, change.value)) into.templates = true;
        await pauseBroadcastsOfTemplate(tx, ch.id, change.value);
        continue;
      }
      if (change.field === 'message_template_quality_update') {
        if (await applyTemplateQuality(tx, ch.id, change.value)) into.templates = true;
        continue;
      }
      if (change.field === 'user_preferences') {
        if (change.value.metadata.phone_number_id === ch.phoneNumberId)
          await applyUserPreferences(ctx, tx, ch, change.value.user_preferences);
        continue;
      }
      if (change.field !== 'messages') continue;
      const value = change.value;
      if (value.metadata.phone_number_id !== ch.phoneNumberId) {
        foreign = true;
        continue;
      }
      for (const m of value.messages ?? []) into.inbound.push({ ch, m, profiles: value.contacts ?? [] });
      for (const s of value.statuses ?? []) into.statuses.push({ ch, s });
    }
  }
  if (foreign)
    ctx.log.warn(
      { webhookEventId: ev.id, channelId: ch.id },
      'webhook for another phone number: recorded, not attached',
    );
  return mark(foreign ? 'unattached' : 'processed');
}

/**
 * Processes stored deliveries inside `tx`: every entry, change, message and status of each. The
 * messages of all of them are stored together (set-based, ingestInboundMessages), then the statuses
 * in order; the events are written in one insert and the deliveries marked. Safe to run twice
 * (messages and statuses are deduplicated by unique constraints). Returns whether something agents
 * see changed.
 */
export async function processDeliveries(
  ctx: AppContext,
  tx: Tx,
  evs: WebhookEventRow[],
): Promise<{ changed: boolean; messages: number }> {
  const collected: Collected = { inbound: [], statuses: [], templates: false };
  const marks: Marks = [];
  let changed = false;
  await withBatchedEvents(tx, async () => {
    for (const ev of evs) marks.push(await collectDelivery(ctx, tx, ev, collected));
    if ((await ingestInboundMessages(ctx, tx, collected.inbound)) > 0) changed = true;
    if (collected.statuses.length > 0) {
      await applyStatuses(ctx, tx, collected.statuses);
      changed = true;
    }
  });
  await writeMarks(tx, marks);
  return { changed: changed || collected.templates, messages: collected.inbound.length };
}

type Mark = { id: number; status: WebhookEventRow['status']; error: string | null };
type Marks = Mark[];

/** Sets the outcome of processed deliveries: one statement per outcome, not one per delivery. */
async function writeMarks(tx: Tx, marks: Marks): Promise<void> {
  const groups = new Map<string, { status: Mark['status']; error: string | null; ids: number[] }>();
  for (const m of marks) {
    const key = `${m.status}\u0000${m.error ?? ''}`;
    const group = groups.get(key) ?? { status: m.status, error: m.error, ids: [] };
    group.ids.push(m.id);
    groups.set(key, group);
  }
  const processedAt = new Date();
  for (const { status, error, ids } of groups.values()) {
    await tx.update(webhookEvents).set({ status, error, processedAt }).where(inArray(webhookEvents.id, ids));
  }
}

/**
 * Locks up to `limit` due deliveries (others' locked rows are skipped): those with customers' messages
 * (everything but pure status deliveries) first, oldest first, then statuses — so a customer's message
 * never waits behind a newsletter's status flood.
 */
async function lockDue(tx: Tx, limit: number, ids?: number[]) {
  const due = (lane: SQL) =>
    tx
      .select()
      .from(webhookEvents)
      .where(
        and(
          eq(webhookEvents.status, 'pending'),
          lte(webhookEvents.nextAttemptAt, sql`now()`),
          lane,
          ...(ids ? [inArray(webhookEvents.id, ids)] : []),
        ),
      )
      .orderBy(asc(webhookEvents.nextAttemptAt), asc(webhookEvents.id))
      .limit(limit)
      .for('update', { skipLocked: true });
  const first = await due(sql`not ${webhookEvents.statusOnly}`);
  if (first.length >= limit) return first;
  return [
    ...first,
    ...(await due(sql`${webhookEvents.statusOnly}`).then((r) => r.slice(0, limit - first.length))),
  ];
}

/**
 * The pump that turns stored deliveries into contacts, conversations, messages and statuses: a batch of
 * due deliveries in one transaction, then one event flush. When the batch fails, each delivery is tried
 * on its own, so one bad delivery cannot hold up the others; it is retried with back-off and set aside
 * as 'failed' after WEBHOOK_MAX_ATTEMPTS.
 */
export const processWebhooksPump: BatchPumpDefinition = {
  name: 'whatsapp.process-webhooks',
  batchSize: WEBHOOK_BATCH,
  async run(ctx) {
    let ids: number[] = [];
    let changed = false;
    let messages = 0;
    try {
      await ctx.db.transaction(async (tx) => {
        const batch = await lockDue(tx, WEBHOOK_BATCH);
        ids = batch.map((ev) => ev.id);
        const done = await processDeliveries(ctx, tx, batch);
        changed = done.changed;
        messages = done.messages;
      });
    } catch (err) {
      if (ids.length === 0) throw err;
      ctx.log.warn({ err, deliveries: ids.length }, 'webhook batch failed; processing one by one');
      for (const id of ids) {
        const done = await processOneAlone(ctx, id);
        if (done.changed) changed = true;
        messages += done.messages;
      }
    }
    if (changed) await ctx.events.flush();
    // Jobs the batch's messages enqueued (file downloads) start now rather than at the next poll; a
    // batch of statuses enqueues none (and a job claim per status batch would cost the database).
    if (messages > 0) ctx.jobs.pokeJobs();
    return ids.length;
  },
};

/** One delivery in its own transaction; a failure counts an attempt and schedules the next one. */
export async function processOneAlone(
  ctx: AppContext,
  id: number,
): Promise<{ changed: boolean; messages: number }> {
  const nothing = { changed: false, messages: 0 };
  try {
    return await ctx.db.transaction(async (tx) => {
      const [ev] = await lockDue(tx, 1, [id]);
      return ev ? processDeliveries(ctx, tx, [ev]) : nothing;
    });
  } catch (err) {
    const message = (err as Error).message?.slice(0, 300) ?? 'error';
    const [row] = await ctx.db
      .select({ attempts: webhookEvents.attempts })
      .from(webhookEvents)
      .where(eq(webhookEvents.id, id));
    const attempts = (row?.attempts ?? 0) + 1;
    const done = attempts >= WEBHOOK_MAX_ATTEMPTS;
    await ctx.db
      .update(webhookEvents)
      .set({
        attempts,
        error: message,
        ...(done
          ? { status: 'failed' as const, processedAt: new Date() }
          : { nextAttemptAt: new Date(Date.now() + backoffMs(attempts, 500, 60_000)) }),
      })
      .where(and(eq(webhookEvents.id, id), eq(webhookEvents.status, 'pending')));
    ctx.log.warn({ webhookEventId: id, attempts, err: message }, 'webhook delivery not processed');
    return nothing;
  }
}

/**
 * Puts deliveries set aside as 'failed' back in the queue with their attempts reset (all, or one by
 * id), e.g. after the cause was fixed. Returns how many. The CLI's `parley webhooks replay`.
 */
export async function replayFailedDeliveries(db: DbOrTx, filter: { id?: number } = {}): Promise<number> {
  const rows = await db
    .update(webhookEvents)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date(), error: null, processedAt: null })
    .where(
      and(
        eq(webhookEvents.status, 'failed'),
        filter.id === undefined ? undefined : eq(webhookEvents.id, filter.id),
      ),
    )
    .returning({ id: webhookEvents.id });
  return rows.length;
}
