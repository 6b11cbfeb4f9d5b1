import { sendMessageResponseSchema } from '@parley/whatsapp';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { rowsOf } from '../../db/client.js';
import { broadcastRecipients, broadcasts, channels, contacts, templates } from '../../db/schema.js';
import { jsonRows, uuidArray } from '../../db/sets.js';
import { defineJob, RetryLaterError } from '../../jobs/define-job.js';
import { channelCredentials } from '../channels/service.js';
import { consentStatesOf, recordMetaOptOut } from '../consents/service.js';
import { GraphApiError, graphRequest } from '../whatsapp/graph-client.js';
import { throughputMps } from '../whatsapp/send-limits.js';
import { SKIP_MESSAGES, skipReasonOf } from './audience.js';
import { inSlot, messagingLimitOf, numberWindows, type Slot } from './pacer.js';

/** A recipient claimed but without a wamid after this long is reported `unknown` (never resent). */
export const UNKNOWN_AFTER_MS = 10 * 60_000;
/** One run of the job sends for at most this long, then re-queues itself (other jobs get their turn). */
const SLICE_MS = 10_000;
/** Sends in flight at once: 16, and at high throughput enough for 60 ms answers (1,000/s: 63). */
const inFlight = (mps: number) => Math.max(16, Math.min(64, Math.ceil(mps / 16)));
/**
 * Recipients claimed in one transaction: a quarter second of the number's throughput, 10 to 100. The
 * next batch is claimed while one is sent, so a crash leaves at most two batches claimed and unsent
 * (reported `unknown` after the grace period, never resent).
 */
const batchSize = (mps: number) => Math.max(10, Math.min(100, Math.round(mps / 4)));
/** Errors that stop the whole broadcast (paused with the error): spam/limit restrictions, token, policy, template paused/disabled. */
const STOP_CODES = new Set([0, 190, 368, 131031, 131042, 131048, 131064, 132015, 132016]);
/** Errors after which the recipient may be retried later (not at once). */
const RETRY_LATER_CODES = new Set([131049, 131000, 131016, 2]);

const pacer = numberWindows;

type Claimed = {
  id: string;
  contactId: string;
  waId: string | null;
  name: string | null;
  email: string | null;
  attributes: string | null;
};

/**
 * Sends a broadcast's queued recipients, at most once each: a batch is claimed (FOR UPDATE SKIP LOCKED,
 * consent and blocked re-checked, `send_started_at` committed) before any Graph API call; the call
 * carries `b:<recipient id>` in `biz_opaque_callback_data`. Holds the number's throughput in every
 * one-second window and the portfolio's daily messaging limit (pauses itself with `daily_limit` and
 * resumes when capacity returns). Runs in slices and re-queues itself; one job per broadcast.
 */
export const sendBroadcastJob = defineJob({
  name: 'broadcasts.send',
  payload: z.object({ broadcastId: z.uuid() }),
  retry: { maxAttempts: 50, baseDelayMs: 2000, maxDelayMs: 60_000 },
  concurrency: 2,
  async run(ctx, { broadcastId }) {
    const [b] = await ctx.db.select().from(broadcasts).where(eq(broadcasts.id, broadcastId));
    if (!b) return;
    const now = Date.now();
    if (b.state === 'scheduled') {
      if (b.scheduledAt && b.scheduledAt.getTime() > now)
        throw new RetryLaterError(b.scheduledAt.getTime() - now, 'scheduled');
      await setState(ctx, b.id, 'scheduled', { state: 'running', startedAt: new Date() });
    } else if (b.state === 'paused' && b.pauseReason === 'daily_limit') {
      if (b.resumeAt && b.resumeAt.getTime() > now)
        throw new RetryLaterError(b.resumeAt.getTime() - now, 'daily limit');
      await setState(ctx, b.id, 'paused', { state: 'running', pauseReason: null, resumeAt: null });
    } else if (b.state !== 'running') return;

    const [ch] = await ctx.db.select().from(channels).where(eq(channels.id, b.channelId));
    const [t] = b.templateId
      ? await ctx.db.select().from(templates).where(eq(templates.id, b.templateId))
      : [];
    if (!ch || !t) return pause(ctx, b.id, 'whatsapp_error', null, 'The number or the template was removed');
    const creds = await channelCredentials(ctx, ctx.db, ch);
    const info = await numberInfo(creds, ch.phoneNumberId).catch(() => null);
    const mps = throughputMps(info?.throughput?.level ?? ch.throughputLevel);
    const limit = messagingLimitOf(info?.whatsapp_business_manager_messaging_limit ?? ch.messagingLimit);

    // Claimed by a worker that died: reported unknown after the grace period (a webhook may still tell).
    await ctx.db.execute(sql`
      update broadcast_recipients set state = 'unknown', updated_at = now()
      where broadcast_id = ${b.id} and state = 'sending' and provider_message_id is null
        and send_started_at < now() - (${UNKNOWN_AFTER_MS} * interval '1 millisecond')`);

    // The daily limit: read once per slice, then counted down by what this slice claims; read again
    // when it seems used up (other broadcasts of the portfolio may have sent meanwhile).
    let room = limit - (await reachedInLastDay(ctx, b.workspaceId, ch.wabaId)).count;
    const deadline = Date.now() + SLICE_MS;
    const sent = new SentWriter(ctx);
    // A pipeline: the workers take claimed recipients from `queue`; the next batch is claimed while
    // the queue still holds half of one, so the sends never wait for a claim or for a batch's slowest.
    const queue: Claimed[] = [];
    const size = batchSize(mps);
    const run = {
      claiming: null as Promise<void> | null,
      end: null as 'none_left' | 'not_running' | 'daily_limit' | null,
      /** The oldest send counted against the daily limit (when `end` is daily_limit). */
      oldest: null as Date | null,
      err: null as GraphApiError | null,
    };
    const claimMore = async () => {
      if (room <= 0) {
        const used = await reachedInLastDay(ctx, b.workspaceId, ch.wabaId);
        room = limit - used.count;
        // Used up with recipients left: paused below (nothing left: the claim finds no one).
        if (room <= 0 && (await hasQueued(ctx, b.id))) {
          run.end = 'daily_limit';
          run.oldest = used.oldest;
          return;
        }
      }
      const batch = await claimBatch(ctx, b, Math.max(1, Math.min(room, size)));
      if (batch === null) run.end = 'not_running';
      else if (batch.length === 0) run.end = 'none_left';
      else {
        room -= batch.length;
        queue.push(...batch);
      }
    };
    const more = () => !run.claiming && !run.end && !run.err && Date.now() < deadline;
    const worker = async () => {
      for (;;) {
        if (queue.length <= size / 2 && more())
          run.claiming = claimMore().finally(() => {
            run.claiming = null;
          });
        if (run.err) return;
        const r = queue.shift();
        if (!r) {
          if (!run.claiming) return;
          await run.claiming;
          continue;
        }
        const err = await sendOne(ctx, b, t, ch, creds, r, sent, () =>
          pacer.broadcast(ch.phoneNumberId, mps),
        );
        if (err && STOP_CODES.has(err.code)) run.err ??= err;
        if (sent.size >= size) await sent.flush();
      }
    };
    await Promise.all(Array.from({ length: inFlight(mps) }, worker));
    await run.claiming;
    await sent.flush();
    if (run.err) {
      // What was claimed and not yet sent goes back to the queue.
      await release(
        ctx,
        queue.splice(0).map((r) => r.id),
      );
      return pause(ctx, b.id, 'whatsapp_error', run.err.code, run.err.title);
    }
    if (run.end === 'not_running') return;
    if (run.end === 'daily_limit') {
      const resumeAt = new Date((run.oldest ?? new Date()).getTime() + 24 * 3600_000);
      await ctx.db
        .update(broadcasts)
        .set({ state: 'paused', pauseReason: 'daily_limit', resumeAt, updatedAt: new Date() })
        .where(and(eq(broadcasts.id, b.id), eq(broadcasts.state, 'running')));
      throw new RetryLaterError(Math.max(1000, resumeAt.getTime() - Date.now()), 'daily limit reached');
    }
    if (run.end === 'none_left') {
      if (await hasQueued(ctx, b.id)) throw new RetryLaterError(1000, 'recipients waiting for a back-off');
      const [open] = rowsOf<{ n: string | number }>(
        await ctx.db.execute(
          sql`select count(*) as n from broadcast_recipients where broadcast_id = ${b.id} and state = 'sending' and provider_message_id is null`,
        ),
      );
      if (Number(open?.n ?? 0) > 0)
        throw new RetryLaterError(30_000, 'waiting for outcomes of claimed sends');
      await ctx.db
        .update(broadcasts)
        .set({ state: 'completed', finishedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(broadcasts.id, b.id), eq(broadcasts.state, 'running')));
      return;
    }
    throw new RetryLaterError(0, 'next slice');
  },
});

export async function numberInfo(creds: Parameters<typeof graphRequest>[0], phoneNumberId: string) {
  return graphRequest<{
    throughput?: { level?: string };
    whatsapp_business_manager_messaging_limit?: string;
  }>(creds, 'GET', `${phoneNumberId}?fields=throughput,whatsapp_business_manager_messaging_limit`);
}

async function setState(
  ctx: AppContext,
  id: string,
  from: (typeof broadcasts.$inferSelect)['state'],
  set: Partial<typeof broadcasts.$inferInsert>,
): Promise<void> {
  await ctx.db
    .update(broadcasts)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(broadcasts.id, id), eq(broadcasts.state, from)));
}

async function pause(ctx: AppContext, id: string, reason: string, code: number | null, detail: string) {
  await setState(ctx, id, 'running', {
    state: 'paused',
    pauseReason: reason,
    pauseCode: code,
    pauseDetail: detail,
  });
}

async function hasQueued(ctx: AppContext, broadcastId: string): Promise<boolean> {
  const rows = rowsOf(
    await ctx.db.execute(
      sql`select 1 from broadcast_recipients where broadcast_id = ${broadcastId} and state = 'queued' limit 1`,
    ),
  );
  return rows.length > 0;
}

/**
 * Unique customers reached by broadcasts in the last 24 h over every number of the same business
 * account in the workspace (Meta counts per portfolio), and the oldest of those sends.
 */
export async function reachedInLastDay(ctx: AppContext, workspaceId: string, wabaId: string) {
  const [row] = rowsOf<{ n: string | number; oldest: string | Date | null }>(
    await ctx.db.execute(sql`
      select count(distinct r.contact_id) as n, min(r.send_started_at) as oldest
      from broadcast_recipients r
      join broadcasts b on b.id = r.broadcast_id
      join channels c on c.id = b.channel_id
      where r.workspace_id = ${workspaceId} and c.waba_id = ${wabaId}
        and r.send_started_at > now() - interval '24 hours'`),
  );
  return { count: Number(row?.n ?? 0), oldest: row?.oldest ? new Date(row.oldest) : null };
}

/**
 * Claims up to `size` queued recipients in one committed transaction (null when the broadcast is no
 * longer running): consent and blocked are checked right here, just before the send; the skipped are
 * marked, the rest get `send_started_at` and the consent entry relied on.
 */
async function claimBatch(
  ctx: AppContext,
  b: typeof broadcasts.$inferSelect,
  size: number,
): Promise<Claimed[] | null> {
  return ctx.db.transaction(async (tx) => {
    // Shares the row lock with pause/cancel (FOR UPDATE): after their commit nothing new is claimed.
    const [current] = await tx
      .select({ state: broadcasts.state })
      .from(broadcasts)
      .where(eq(broadcasts.id, b.id))
      .for('share');
    if (current?.state !== 'running') return null;
    const rows = rowsOf<{ id: string; contact_id: string }>(
      await tx.execute(sql`
        select id, contact_id from broadcast_recipients
        where broadcast_id = ${b.id} and state = 'queued' and (not_before is null or not_before <= now())
        order by seq limit ${size}
        for update skip locked`),
    );
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.contact_id);
    const people = await tx
      .select({
        id: contacts.id,
        waId: contacts.waId,
        name: contacts.name,
        email: contacts.email,
        attributes: contacts.attributes,
        blockedAt: contacts.blockedAt,
      })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, b.workspaceId), sql`${contacts.id} = any(${uuidArray(ids)})`));
    const byId = new Map(people.map((p) => [p.id, p]));
    const states = await consentStatesOf(tx, b.workspaceId, ids, b.channelId);
    const claimed: Claimed[] = [];
    const marks: {
      id: string;
      state: 'skipped' | 'sending';
      error_code: string | null;
      error_message: string | null;
      consent_entry_id: string | null;
    }[] = [];
    for (const r of rows) {
      const p = byId.get(r.contact_id);
      const consent = states.get(r.contact_id)!;
      const reason = skipReasonOf(p, consent.marketing.state, b.category === 'MARKETING');
      if (reason) {
        marks.push({
          id: r.id,
          state: 'skipped',
          error_code: reason,
          error_message: SKIP_MESSAGES[reason],
          consent_entry_id: consent.marketing.entryId,
        });
        continue;
      }
      marks.push({
        id: r.id,
        state: 'sending',
        error_code: null,
        error_message: null,
        consent_entry_id: b.category === 'MARKETING' ? consent.marketing.entryId : null,
      });
      claimed.push({
        id: r.id,
        contactId: r.contact_id,
        waId: p!.waId,
        name: p!.name,
        email: p!.email,
        attributes: p!.attributes,
      });
    }
    // One statement for the whole batch: the skipped with their reason, the claimed with the time.
    await tx.execute(sql`
      update broadcast_recipients r set state = v.state, error_code = v.error_code,
        error_message = v.error_message, consent_entry_id = v.consent_entry_id,
        send_started_at = case when v.state = 'sending' then now() else r.send_started_at end,
        updated_at = now()
      from ${jsonRows(marks)} as v(id uuid, state text, error_code text, error_message text,
        consent_entry_id uuid)
      where r.id = v.id`);
    return claimed;
  });
}

/** Puts claimed recipients back in the queue: only when the call was not made, or was surely refused. */
async function release(
  ctx: AppContext,
  ids: string | string[],
  notBefore: Date | null = null,
): Promise<void> {
  const list = typeof ids === 'string' ? [ids] : ids;
  if (list.length === 0) return;
  await ctx.db
    .update(broadcastRecipients)
    .set({ state: 'queued', sendStartedAt: null, notBefore, updatedAt: new Date() })
    .where(
      and(sql`${broadcastRecipients.id} = any(${uuidArray(list)})`, eq(broadcastRecipients.state, 'sending')),
    );
}

/**
 * The wamids of accepted sends, written together (one transaction per batch, not one statement per
 * send). Until then the recipient is `sending` with its claim committed, so a crash in between never
 * leads to a resend: the status webhook (our id in the callback data) or the grace period decides.
 * Rows are locked in id order, like the status batches, so the two never deadlock.
 */
class SentWriter {
  private rows: { id: string; wamid: string }[] = [];
  constructor(private readonly ctx: AppContext) {}
  add(id: string, wamid: string): void {
    this.rows.push({ id, wamid });
  }
  get size(): number {
    return this.rows.length;
  }
  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    this.rows = [];
    await this.ctx.db.transaction(async (tx) => {
      await tx.execute(sql`
        select id from broadcast_recipients where id = any(${uuidArray(rows.map((r) => r.id))})
        order by id for update`);
      // A status webhook may have come first (and moved the state on): only a claimed row becomes 'sent'.
      await tx.execute(sql`
        update broadcast_recipients r set provider_message_id = coalesce(r.provider_message_id, v.wamid),
          state = case when r.state in ('sending', 'unknown') then 'sent' else r.state end,
          sent_at = coalesce(r.sent_at, now()), updated_at = now()
        from ${jsonRows(rows)} as v(id uuid, wamid text)
        where r.id = v.id`);
    });
  }
}

export type Variable = string | { field: string; fallback?: string };

export async function variableValue(
  ctx: AppContext,
  ws: string,
  r: Pick<Claimed, 'waId' | 'name' | 'email' | 'attributes'>,
  v: Variable,
): Promise<string | null> {
  if (typeof v === 'string') return v;
  let value: string | null = null;
  if (v.field === 'contact.name')
    value = await ctx.keyring.decryptOptional(ctx.db, ws, r.name, 'contacts.name');
  else if (v.field === 'contact.phone')
    value = await ctx.keyring
      .decryptOptional(ctx.db, ws, r.waId, 'contacts.wa_id')
      .then((x) => (x ? `+${x}` : null));
  else if (v.field === 'contact.email')
    value = await ctx.keyring.decryptOptional(ctx.db, ws, r.email, 'contacts.email');
  else if (v.field.startsWith('contact.attributes.')) {
    const raw = await ctx.keyring.decryptOptional(ctx.db, ws, r.attributes, 'contacts.attributes');
    const attrs = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const a = attrs[v.field.slice('contact.attributes.'.length)];
    value = a == null ? null : String(a);
  }
  return value?.trim() ? value : (v.fallback ?? null);
}

/** The template part of the send for one recipient, or null when a variable has no value for them. */
async function templateFor(
  ctx: AppContext,
  b: typeof broadcasts.$inferSelect,
  t: typeof templates.$inferSelect,
  r: Claimed,
): Promise<Record<string, unknown> | null> {
  const vars = b.variables as Record<string, Variable>;
  const named = t.parameterFormat === 'NAMED';
  const header: unknown[] = [];
  const body: unknown[] = [];
  for (const [key, v] of Object.entries(vars)) {
    const text = await variableValue(ctx, b.workspaceId, r, v);
    if (text === null) return null;
    const isHeader = key.startsWith('header.');
    const name = isHeader ? key.slice(7) : key;
    const param = { type: 'text', text, ...(named ? { parameter_name: name } : {}) };
    (isHeader ? header : body).push({ order: named ? 0 : Number(name), param });
  }
  const ordered = (list: unknown[]) =>
    (list as { order: number; param: unknown }[]).sort((x, y) => x.order - y.order).map((x) => x.param);
  const components = [
    ...(header.length ? [{ type: 'header', parameters: ordered(header) }] : []),
    ...(body.length ? [{ type: 'body', parameters: ordered(body) }] : []),
  ];
  return { name: t.name, language: { code: t.language }, ...(components.length ? { components } : {}) };
}

/**
 * One Graph API call for a claimed recipient, and what its answer means. Returns the error (the caller
 * stops the broadcast on a stop code). Limits (130429, 131056) put the recipient back: WhatsApp refused
 * it, nothing went out. A call that may have gone out stays claimed for a webhook to reconcile.
 */
async function sendOne(
  ctx: AppContext,
  b: typeof broadcasts.$inferSelect,
  t: typeof templates.$inferSelect,
  ch: typeof channels.$inferSelect,
  creds: Parameters<typeof graphRequest>[0],
  r: Claimed,
  sent: SentWriter,
  /** Waits for the number's slot; taken only once the request is ready, and held only while it is out. */
  paced: () => Promise<Slot>,
): Promise<GraphApiError | null> {
  const to = await ctx.keyring.decryptOptional(ctx.db, b.workspaceId, r.waId, 'contacts.wa_id');
  const template = await templateFor(ctx, b, t, r);
  if (!to || !template) {
    await ctx.db
      .update(broadcastRecipients)
      .set({
        state: 'skipped',
        sendStartedAt: null,
        errorCode: 'missing_variable',
        errorMessage: 'A variable has no value for this contact',
        updatedAt: new Date(),
      })
      .where(eq(broadcastRecipients.id, r.id));
    return null;
  }
  const slot = await paced();
  try {
    const answer = await inSlot(slot, () =>
      graphRequest(creds, 'POST', `${ch.phoneNumberId}/messages`, {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to,
        type: 'template',
        template,
        biz_opaque_callback_data: `b:${r.id}`,
      }),
    );
    const res = sendMessageResponseSchema.parse(answer);
    sent.add(r.id, res.messages[0]!.id);
    return null;
  } catch (err) {
    if (!(err instanceof GraphApiError)) throw err;
    if (err.code === 130429 || err.httpStatus === 429) {
      await release(ctx, r.id, new Date(Date.now() + 1000 + Math.random() * 2000));
      return err;
    }
    if (err.code === 131056) {
      await release(ctx, r.id, new Date(Date.now() + 4000));
      return err;
    }
    const ambiguous = err.transport
      ? !/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(err.details ?? '')
      : err.httpStatus >= 500;
    if (ambiguous) return err; // stays 'sending' without a wamid: a webhook or the grace period decides
    if (STOP_CODES.has(err.code)) {
      await release(ctx, r.id);
      return err;
    }
    await failRecipient(ctx, b, r.id, err.code, err.title);
    return err;
  }
}

/** Marks a recipient failed; 131050 (the customer stopped marketing in WhatsApp) also goes to the ledger. */
export async function failRecipient(
  ctx: AppContext,
  b: { id: string; workspaceId: string; channelId: string },
  recipientId: string,
  code: number,
  title: string,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .update(broadcastRecipients)
      .set({
        state: 'failed',
        errorCode: String(code),
        errorMessage: title,
        retryable: RETRY_LATER_CODES.has(code),
        failedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(eq(broadcastRecipients.id, recipientId))
      .returning({ contactId: broadcastRecipients.contactId });
    if (r && code === 131050)
      await recordMetaOptOut(ctx, tx, {
        workspaceId: b.workspaceId,
        contactId: r.contactId,
        channelId: b.channelId,
        detail: 'WhatsApp error 131050: the customer stopped marketing messages',
      });
  });
}
