import type {
  BroadcastDto,
  broadcastRecipientsQuery,
  broadcastRecipientsResponse,
  CreateBroadcastRequest,
} from '@parley/contracts';
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { type DbOrTx, rowsOf } from '../../db/client.js';
import { broadcastRecipients, broadcasts, channels, templates } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { enqueueJob } from '../../jobs/queue.js';
import { recordAudit } from '../audit/service.js';
import { placeholdersOf } from '../templates/placeholders.js';
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
    const audience = b.audience as { contactIds?: string[]; labelIds?: string[] };
    const contactIds = audience.contactIds ?? [];
    const labelIds = audience.labelIds ?? [];
    const idList = contactIds.length ? sql`c.id = any(${`{${contactIds.join(',')}}`}::uuid[])` : sql`false`;
    const labelList = labelIds.length
      ? sql`exists (select 1 from contact_labels cl where cl.contact_id = c.id and cl.label_id = any(${`{${labelIds.join(',')}}`}::uuid[]))`
      : sql`false`;
    await tx.execute(sql`
      insert into broadcast_recipients (workspace_id, broadcast_id, contact_id)
      select ${ws}, ${b.id}, c.id from contacts c
      where c.workspace_id = ${ws} and c.merged_into_id is null and (${idList} or ${labelList})
      order by c.created_at, c.id
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
  return counts;
}

async function toDto(db: DbOrTx, b: BroadcastRow): Promise<BroadcastDto> {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
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
  return {
    items: page.map((r) => ({
      contactId: r.contactId,
      state: r.state,
      consentEntryId: r.consentEntryId,
      sentAt: r.sentAt ? r.sentAt.toISOString() : null,
      ...(r.errorCode
        ? { error: { code: r.errorCode, message: r.errorMessage ?? r.errorCode, retryable: r.retryable } }
        : {}),
    })),
    nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.seq) : null,
  };
}
