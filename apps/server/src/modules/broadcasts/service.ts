import type {
  BroadcastAudience,
  BroadcastDto,
  broadcastRecipientsQuery,
  broadcastRecipientsResponse,
  CreateBroadcastRequest,
} from '@parley/contracts';
import { and, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { type DbOrTx, rowsOf } from '../../db/client.js';
import { broadcastRecipients, broadcasts, channels, contacts, templates } from '../../db/schema.js';
import { uuidArray } from '../../db/sets.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { enqueueJob } from '../../jobs/queue.js';
import { recordAudit } from '../audit/service.js';
import { escapeCell } from '../contacts/csv.js';
import { placeholdersOf } from '../templates/placeholders.js';
import { resolveAudience } from './audience.js';
import { sendBroadcastJob } from './send-broadcast.job.js';

export type BroadcastRow = typeof broadcasts.$inferSelect;
type TemplateRow = typeof templates.$inferSelect;
type Component = {
  type?: string;
  format?: string;
  text?: string;
  buttons?: { type?: string; url?: string }[];
};

/** The variable keys a template needs: body placeholders as they are, a text header's as `header.<n>`. Pure. */
export function requiredVariables(components: Component[]): string[] {
  const body = components.find((c) => c.type?.toUpperCase() === 'BODY');
  const header = components.find((c) => c.type?.toUpperCase() === 'HEADER');
  const headerKeys =
    header && String(header.format ?? 'TEXT').toUpperCase() === 'TEXT'
      ? placeholdersOf(header.text).map((k) => `header.${k}`)
      : [];
  return [...headerKeys, ...placeholdersOf(body?.text)];
}

/** True when a template needs a media file or button values, which broadcasts do not send yet. Pure. */
export function needsUnsupportedParts(components: Component[]): boolean {
  const header = components.find((c) => c.type?.toUpperCase() === 'HEADER');
  const format = String(header?.format ?? 'TEXT').toUpperCase();
  if (header && !['TEXT', 'LOCATION'].includes(format)) return true;
  const buttons = components.find((c) => c.type?.toUpperCase() === 'BUTTONS')?.buttons ?? [];
  return buttons.some(
    (b) =>
      String(b.type).toUpperCase() === 'COPY_CODE' ||
      (String(b.type).toUpperCase() === 'URL' && /\{\{/.test(b.url ?? '')),
  );
}

async function findApprovedTemplate(
  db: DbOrTx,
  workspaceId: string,
  channelId: string,
  name: string,
  language: string,
): Promise<TemplateRow | null> {
  const [t] = await db
    .select()
    .from(templates)
    .where(
      and(
        eq(templates.workspaceId, workspaceId),
        eq(templates.channelId, channelId),
        eq(templates.name, name),
        eq(templates.language, language),
      ),
    );
  return t && t.status.toUpperCase() === 'APPROVED' ? t : null;
}

/**
 * Creates a draft broadcast. Throws `validation_failed` (unknown channel), `template_not_approved`
 * (no approved template of that name and language on the number), `template_unsupported`,
 * `template_variables_missing` (with an issue per placeholder).
 */
export async function createBroadcast(
  ctx: AppContext,
  member: Member,
  input: CreateBroadcastRequest,
): Promise<{ id: string }> {
  const ws = member.workspaceId;
  const [ch] = await ctx.db
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.id, input.channelId), eq(channels.workspaceId, ws)));
  if (!ch)
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.channelId', message: 'Unknown channel' }],
    });
  const t = await findApprovedTemplate(ctx.db, ws, ch.id, input.templateName, input.language);
  if (!t)
    throw new AppError('template_not_approved', {
      templateName: input.templateName,
      language: input.language,
    });
  const components = t.components as Component[];
  if (needsUnsupportedParts(components)) throw new AppError('template_unsupported');
  const variables = input.variables ?? {};
  const missing = requiredVariables(components).filter((k) => variables[k] === undefined);
  if (missing.length > 0)
    throw new AppError('template_variables_missing', {
      issues: missing.map((k) => ({ path: `body.variables.${k}`, message: `Give a value for {{${k}}}` })),
    });
  const [row] = await ctx.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(broadcasts)
      .values({
        workspaceId: ws,
        channelId: ch.id,
        templateId: t.id,
        templateName: t.name,
        language: t.language,
        category: t.category.toUpperCase(),
        audience: input.audience,
        variables,
        scheduledAt: input.scheduledAt ? new Date(input.scheduledAt) : null,
        createdBy: member.user.id,
      })
      .returning({ id: broadcasts.id });
    await recordAudit(ctx, tx, {
      type: 'broadcast.created',
      workspaceId: ws,
      actorId: member.user.id,
      subjectType: 'broadcast',
      subjectId: inserted[0]!.id,
    });
    return inserted;
  });
  return { id: row!.id };
}

export async function loadBroadcast(db: DbOrTx, workspaceId: string, id: string): Promise<BroadcastRow> {
  const [b] = await db
    .select()
    .from(broadcasts)
    .where(and(eq(broadcasts.id, id), eq(broadcasts.workspaceId, workspaceId)));
  if (!b) throw new AppError('not_found');
  return b;
}

/**
 * Starts a draft: freezes the audience into recipient rows (contacts of the workspace named or carrying
 * one of the labels, merged duplicates left out; one row per contact) and queues the sending job.
 * With `scheduledAt` in the future the state is `scheduled` and the job waits until then.
 * Throws `not_found`, `broadcast_state_invalid` (not a draft).
 */
export async function startBroadcast(ctx: AppContext, member: Member, id: string): Promise<BroadcastDto> {
  const ws = member.workspaceId;
  await ctx.db.transaction(async (tx) => {
    const [b] = await tx
      .select()
      .from(broadcasts)
      .where(and(eq(broadcasts.id, id), eq(broadcasts.workspaceId, ws)))
      .for('update');
    if (!b) throw new AppError('not_found');
    if (b.state !== 'draft') throw new AppError('broadcast_state_invalid', { state: b.state });
    const { ids } = await resolveAudience(ctx, tx, ws, b.channelId, b.audience as BroadcastAudience);
    for (let i = 0; i < ids.length; i += 5000)
      await tx.execute(sql`
        insert into broadcast_recipients (workspace_id, broadcast_id, contact_id)
        select ${ws}, ${b.id}, t.id from unnest(${uuidArray(ids.slice(i, i + 5000))})
          with ordinality as t(id, n)
        order by t.n
        on conflict (broadcast_id, contact_id) do nothing`);
    const later = b.scheduledAt && b.scheduledAt.getTime() > Date.now();
    await tx
      .update(broadcasts)
      .set({
        state: later ? 'scheduled' : 'running',
        startedAt: later ? null : new Date(),
        updatedAt: new Date(),
      })
      .where(eq(broadcasts.id, b.id));
    await enqueueJob(
      tx,
      sendBroadcastJob,
      { broadcastId: b.id },
      { workspaceId: ws, runAt: later ? b.scheduledAt! : new Date(), singletonKey: `broadcast:${b.id}` },
    );
    await recordAudit(ctx, tx, {
      type: 'broadcast.started',
      workspaceId: ws,
      actorId: member.user.id,
      subjectType: 'broadcast',
      subjectId: b.id,
    });
  });
  ctx.jobs.poke();
  return getBroadcast(ctx, ws, id);
}

const TRANSITIONS = {
  pause: { from: ['running', 'scheduled'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['draft', 'scheduled', 'running', 'paused'], to: 'cancelled' },
} as const;

/**
 * Pauses (a person's pause), resumes (also one paused by the daily limit or a WhatsApp error) or
 * cancels a broadcast. A send already under way finishes; nothing new is claimed after the commit.
 * Throws `not_found`, `broadcast_state_invalid`.
 */
export async function changeBroadcastState(
  ctx: AppContext,
  member: Member,
  id: string,
  action: keyof typeof TRANSITIONS,
): Promise<BroadcastDto> {
  const ws = member.workspaceId;
  const rule = TRANSITIONS[action];
  await ctx.db.transaction(async (tx) => {
    const [b] = await tx
      .select()
      .from(broadcasts)
      .where(and(eq(broadcasts.id, id), eq(broadcasts.workspaceId, ws)))
      .for('update');
    if (!b) throw new AppError('not_found');
    if (!(rule.from as readonly string[]).includes(b.state))
      throw new AppError('broadcast_state_invalid', { state: b.state });
    await tx
      .update(broadcasts)
      .set({
        state: rule.to,
        pauseReason: action === 'pause' ? 'manual' : null,
        pauseCode: null,
        pauseDetail: null,
        resumeAt: null,
        ...(action === 'resume' && !b.startedAt ? { startedAt: new Date() } : {}),
        ...(action === 'cancel' ? { finishedAt: new Date() } : {}),
        updatedAt: new Date(),
      })
      .where(eq(broadcasts.id, b.id));
    if (action === 'resume')
      await enqueueJob(
        tx,
        sendBroadcastJob,
        { broadcastId: b.id },
        { workspaceId: ws, singletonKey: `broadcast:${b.id}` },
      );
    await recordAudit(ctx, tx, {
      type: `broadcast.${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'cancelled'}`,
      workspaceId: ws,
      actorId: member.user.id,
      subjectType: 'broadcast',
      subjectId: b.id,
    });
  });
  // A resume may find the job still queued for a later time (a daily-limit pause): run it now.
  if (action === 'resume')
    await ctx.db.execute(
      sql`update jobs set run_at = now() where singleton_key = ${`broadcast:${id}`} and status = 'queued'`,
    );
  ctx.jobs.poke();
  return getBroadcast(ctx, ws, id);
}

/** Recipients per state of one broadcast. */
export async function countsOf(db: DbOrTx, broadcastId: string): Promise<BroadcastDto['counts']> {
  const rows = rowsOf<{ state: string; n: string | number }>(
    await db.execute(
      sql`select state, count(*) as n from broadcast_recipients where broadcast_id = ${broadcastId} group by state`,
    ),
  );
  const counts = {
    total: 0,
    replied: 0,
    queued: 0,
    sending: 0,
    sent: 0,
    delivered: 0,
    read: 0,
    failed: 0,
    skipped: 0,
    unknown: 0,
  };
  for (const r of rows) {
    const n = Number(r.n);
    counts.total += n;
    if (r.state in counts) counts[r.state as keyof typeof counts] += n;
  }
  const [replied] = rowsOf<{ n: string | number }>(
    await db.execute(
      sql`select count(*) as n from broadcast_recipients where broadcast_id = ${broadcastId} and replied_at is not null`,
    ),
  );
  counts.replied = Number(replied?.n ?? 0);
  return counts;
}

const UNKNOWN_MESSAGE = 'Outcome unknown: the send was under way when the server stopped';

/** Failed, skipped and unknown recipients per reason (most frequent first), and how many may be retried. */
async function errorsOf(db: DbOrTx, broadcastId: string) {
  const rows = rowsOf<{
    code: string;
    message: string | null;
    n: string | number;
    retryable: string | number;
  }>(
    await db.execute(sql`
      select coalesce(error_code, state) as code, max(error_message) as message, count(*) as n,
        count(*) filter (where state = 'failed' and retryable) as retryable
      from broadcast_recipients
      where broadcast_id = ${broadcastId} and state in ('failed', 'skipped', 'unknown')
      group by 1 order by 3 desc, 1`),
  );
  return {
    errors: rows.map((r) => ({
      code: r.code,
      message: r.message ?? (r.code === 'unknown' ? UNKNOWN_MESSAGE : r.code),
      count: Number(r.n),
    })),
    retryable: rows.reduce((sum, r) => sum + Number(r.retryable), 0),
  };
}

async function toDto(db: DbOrTx, b: BroadcastRow): Promise<BroadcastDto> {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const { errors, retryable } = await errorsOf(db, b.id);
  return {
    id: b.id,
    channelId: b.channelId,
    templateName: b.templateName,
    language: b.language,
    category: b.category,
    state: b.state,
    pauseReason: b.pauseReason,
    pauseCode: b.pauseCode,
    pauseDetail: b.pauseDetail,
    resumeAt: iso(b.resumeAt),
    scheduledAt: iso(b.scheduledAt),
    startedAt: iso(b.startedAt),
    finishedAt: iso(b.finishedAt),
    counts: await countsOf(db, b.id),
    errors,
    retryable,
    audience: b.audience as BroadcastAudience,
    variables: b.variables as BroadcastDto['variables'],
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}

export async function getBroadcast(ctx: AppContext, workspaceId: string, id: string): Promise<BroadcastDto> {
  return toDto(ctx.db, await loadBroadcast(ctx.db, workspaceId, id));
}

/** The workspace's broadcasts, newest first (at most 100). */
export async function listBroadcasts(ctx: AppContext, workspaceId: string): Promise<BroadcastDto[]> {
  const rows = await ctx.db
    .select()
    .from(broadcasts)
    .where(eq(broadcasts.workspaceId, workspaceId))
    .orderBy(desc(broadcasts.createdAt), desc(broadcasts.id))
    .limit(100);
  return Promise.all(rows.map((b) => toDto(ctx.db, b)));
}

/** One page of recipients in the order they were frozen; `nextCursor` is null on the last page. */
export async function listRecipients(
  ctx: AppContext,
  workspaceId: string,
  id: string,
  query: z.infer<typeof broadcastRecipientsQuery>,
): Promise<z.infer<typeof broadcastRecipientsResponse>> {
  const b = await loadBroadcast(ctx.db, workspaceId, id);
  const conditions = [eq(broadcastRecipients.broadcastId, b.id)];
  if (query.cursor) conditions.push(gt(broadcastRecipients.seq, Number(query.cursor)));
  if (query.state) conditions.push(eq(broadcastRecipients.state, query.state));
  const rows = await ctx.db
    .select()
    .from(broadcastRecipients)
    .where(and(...conditions))
    .orderBy(broadcastRecipients.seq)
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const people = await peopleOf(
    ctx,
    ctx.db,
    workspaceId,
    page.map((r) => r.contactId),
  );
  return {
    items: page.map((r) => ({
      contactId: r.contactId,
      state: r.state,
      consentEntryId: r.consentEntryId,
      name: people.get(r.contactId)?.name ?? null,
      phone: people.get(r.contactId)?.phone ?? null,
      sentAt: r.sentAt ? r.sentAt.toISOString() : null,
      repliedAt: r.repliedAt ? r.repliedAt.toISOString() : null,
      ...(r.errorCode
        ? { error: { code: r.errorCode, message: r.errorMessage ?? r.errorCode, retryable: r.retryable } }
        : r.state === 'unknown'
          ? { error: { code: 'unknown', message: UNKNOWN_MESSAGE, retryable: false } }
          : {}),
    })),
    nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.seq) : null,
  };
}

/** Decrypted names and numbers (E.164) of contacts, for the recipients table and its export. */
async function peopleOf(
  ctx: AppContext,
  db: DbOrTx,
  ws: string,
  ids: string[],
): Promise<Map<string, { name: string | null; phone: string | null }>> {
  const out = new Map<string, { name: string | null; phone: string | null }>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ id: contacts.id, name: contacts.name, waId: contacts.waId })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, ws), inArray(contacts.id, ids)));
  for (const r of rows) {
    const waId = await ctx.keyring.decryptOptional(db, ws, r.waId, 'contacts.wa_id');
    out.set(r.id, {
      name: await ctx.keyring.decryptOptional(db, ws, r.name, 'contacts.name'),
      phone: waId ? `+${waId}` : null,
    });
  }
  return out;
}

const CSV_COLUMNS = [
  'contact_id',
  'name',
  'phone',
  'state',
  'error_code',
  'error_message',
  'consent_entry_id',
  'sent_at',
  'delivered_at',
  'read_at',
  'replied_at',
  'failed_at',
] as const;

/**
 * Every recipient of a broadcast as CSV lines (header first), in pages of 1,000: names and numbers
 * decrypted, cells that a spreadsheet would run as a formula escaped.
 */
export async function* recipientsCsv(
  ctx: AppContext,
  workspaceId: string,
  id: string,
): AsyncGenerator<string> {
  const b = await loadBroadcast(ctx.db, workspaceId, id);
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  let cursor = 0;
  for (;;) {
    const rows = await ctx.db
      .select()
      .from(broadcastRecipients)
      .where(and(eq(broadcastRecipients.broadcastId, b.id), gt(broadcastRecipients.seq, cursor)))
      .orderBy(broadcastRecipients.seq)
      .limit(1000);
    if (rows.length === 0) return;
    cursor = rows[rows.length - 1]!.seq;
    const people = await peopleOf(
      ctx,
      ctx.db,
      workspaceId,
      rows.map((r) => r.contactId),
    );
    const iso = (d: Date | null) => (d ? d.toISOString() : '');
    let chunk = '';
    for (const r of rows) {
      const p = people.get(r.contactId);
      const cells = [
        r.contactId,
        p?.name ?? '',
        p?.phone ?? '',
        r.state,
        r.errorCode ?? (r.state === 'unknown' ? 'unknown' : ''),
        r.errorMessage ?? (r.state === 'unknown' ? UNKNOWN_MESSAGE : ''),
        r.consentEntryId ?? '',
        iso(r.sentAt),
        iso(r.deliveredAt),
        iso(r.readAt),
        iso(r.repliedAt),
        iso(r.failedAt),
      ];
      chunk += `${cells.map(csvCell).join(',')}\r\n`;
    }
    yield chunk;
  }
}

/** One CSV cell: formula-looking text escaped, quoted when it holds a separator, quote or line break. */
function csvCell(value: string): string {
  const safe = escapeCell(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Sends the transient failures again (those marked retryable, e.g. 131049 or a WhatsApp outage): they
 * are queued as new and the broadcast runs again. A broadcast still running or paused keeps its state.
 * Throws `not_found`, `broadcast_state_invalid` (a draft, scheduled or cancelled broadcast).
 */
export async function retryFailed(
  ctx: AppContext,
  member: Member,
  id: string,
): Promise<{ retried: number; broadcast: BroadcastDto }> {
  const ws = member.workspaceId;
  const retried = await ctx.db.transaction(async (tx) => {
    const [b] = await tx
      .select()
      .from(broadcasts)
      .where(and(eq(broadcasts.id, id), eq(broadcasts.workspaceId, ws)))
      .for('update');
    if (!b) throw new AppError('not_found');
    if (!['running', 'paused', 'completed'].includes(b.state))
      throw new AppError('broadcast_state_invalid', { state: b.state });
    const rows = await tx
      .update(broadcastRecipients)
      .set({
        state: 'queued',
        errorCode: null,
        errorMessage: null,
        retryable: false,
        failedAt: null,
        sendStartedAt: null,
        sentAt: null,
        providerMessageId: null,
        notBefore: null,
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(broadcastRecipients.broadcastId, b.id),
          eq(broadcastRecipients.state, 'failed'),
          eq(broadcastRecipients.retryable, true),
        ),
      )
      .returning({ id: broadcastRecipients.id });
    if (rows.length === 0) return 0;
    if (b.state === 'completed')
      await tx
        .update(broadcasts)
        .set({ state: 'running', finishedAt: null, updatedAt: new Date() })
        .where(eq(broadcasts.id, b.id));
    if (b.state !== 'paused')
      await enqueueJob(
        tx,
        sendBroadcastJob,
        { broadcastId: b.id },
        { workspaceId: ws, singletonKey: `broadcast:${b.id}` },
      );
    await recordAudit(ctx, tx, {
      type: 'broadcast.retried',
      workspaceId: ws,
      actorId: member.user.id,
      subjectType: 'broadcast',
      subjectId: b.id,
      data: { recipients: rows.length },
    });
    return rows.length;
  });
  if (retried > 0) {
    await ctx.db.execute(
      sql`update jobs set run_at = now() where singleton_key = ${`broadcast:${id}`} and status = 'queued'`,
    );
    ctx.jobs.poke();
  }
  return { retried, broadcast: await getBroadcast(ctx, ws, id) };
}
