import type { CreateTemplateRequest, TemplateDto } from '@parley/contracts';
import { templatesListResponseSchema } from '@parley/whatsapp';
import { and, asc, eq, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { channels, templates } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { recordAudit } from '../audit/service.js';
import { channelCredentials, getChannel } from '../channels/service.js';
import { GraphApiError, graphRequest } from '../whatsapp/graph-client.js';
import { toGraphTemplatePayload } from './draft-components.js';
import { recordTemplateUpdated } from './events.js';
import { placeholdersOf } from './placeholders.js';
import { statusReasonOf } from './status-reason.js';
import { checkTemplateDraft } from './template-rules.js';

type TemplateRow = typeof templates.$inferSelect;

/** How long a template stored here before Meta answered its create is kept by a sync that misses it. */
const UNFINISHED_CREATE_GRACE_MS = 15 * 60_000;
type Component = {
  type?: string;
  format?: string;
  text?: string;
  buttons?: { type?: string; text?: string; url?: string; example?: unknown }[];
};

export function bodyTextOf(t: TemplateRow): string | undefined {
  return (t.components as Component[]).find((c) => c.type === 'BODY')?.text;
}

const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'] as const;
type HeaderFormat = (typeof HEADER_FORMATS)[number];

/** The header's format (a GIF header is sent as an MP4 video: VIDEO); null without one or for an unknown format. */
function headerFormatOf(header: Component | undefined): HeaderFormat | null {
  if (!header) return null;
  const format = String(header.format ?? 'TEXT').toUpperCase();
  if (format === 'GIF') return 'VIDEO';
  return (HEADER_FORMATS as readonly string[]).includes(format) ? (format as HeaderFormat) : null;
}

/** The first example string (Meta keeps a URL button's as a one-element array, a copy code's as a string). */
function firstExample(example: unknown): string | undefined {
  const value = Array.isArray(example) ? example[0] : example;
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * The buttons that take a value when sending: URL buttons with `{{1}}` in their address (the example is
 * the part that replaces it, also when Meta keeps the whole example URL) and copy-code buttons. Pure.
 */
export function buttonParametersOf(components: Component[]): TemplateDto['buttonParameters'] {
  const buttons = components.find((c) => c.type?.toUpperCase() === 'BUTTONS')?.buttons ?? [];
  return buttons.flatMap((b, index): TemplateDto['buttonParameters'] => {
    const type = String(b.type ?? '').toUpperCase();
    const example = firstExample(b.example);
    if (type === 'URL' && b.url && /\{\{\s*1\s*\}\}/.test(b.url)) {
      const prefix = b.url.split(/\{\{\s*1\s*\}\}/)[0] ?? '';
      const suffix = example && prefix && example.startsWith(prefix) ? example.slice(prefix.length) : example;
      return [{ index, type: 'url', text: b.text ?? '', ...(suffix ? { example: suffix } : {}) }];
    }
    if (type === 'COPY_CODE')
      return [{ index, type: 'copy_code', text: b.text ?? '', ...(example ? { example } : {}) }];
    return [];
  });
}

export function toTemplateDto(t: TemplateRow): TemplateDto {
  const components = t.components as Component[];
  const anyHeader = components.find((c) => c.type?.toUpperCase() === 'HEADER');
  const header = anyHeader && (anyHeader.format ?? 'TEXT').toUpperCase() === 'TEXT' ? anyHeader : undefined;
  return {
    id: t.id,
    channelId: t.channelId,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    statusReason: t.statusReason,
    qualityScore: t.qualityScore,
    parameterFormat: t.parameterFormat === 'NAMED' ? ('NAMED' as const) : ('POSITIONAL' as const),
    components: components as Record<string, unknown>[],
    bodyParameters: placeholdersOf(bodyTextOf(t)),
    headerParameters: placeholdersOf(header?.text),
    headerFormat: headerFormatOf(anyHeader),
    buttonParameters: buttonParametersOf(components),
    syncedAt: t.syncedAt.toISOString(),
  };
}

/**
 * Pulls every template of the channel's WhatsApp Business Account (following paging), upserts them and
 * removes the ones deleted at Meta. Returns how many are stored.
 */
export async function syncTemplates(ctx: AppContext, channelId: string): Promise<number> {
  const [ch] = await ctx.db.select().from(channels).where(eq(channels.id, channelId));
  if (!ch) return 0;
  const creds = await channelCredentials(ctx, ctx.db, ch);
  const fetched: {
    id?: string;
    name: string;
    language: string;
    category?: string;
    status?: string;
    parameter_format?: string;
    components?: unknown[];
  }[] = [];
  // Taken before the first page: a template created here while the pages load is newer and stays.
  const started = new Date();
  let after: string | undefined;
  for (let page = 0; page < 50; page++) {
    const query = `limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const res = templatesListResponseSchema.parse(
      await graphRequest(creds, 'GET', `${ch.wabaId}/message_templates?${query}`),
    );
    fetched.push(...(res.data as typeof fetched));
    after = (res.paging as { cursors?: { after?: string }; next?: string } | undefined)?.next
      ? (res.paging as { cursors?: { after?: string } }).cursors?.after
      : undefined;
    if (!after) break;
  }
  await ctx.db.transaction(async (tx) => {
    for (const t of fetched) {
      const values = {
        providerTemplateId: t.id ?? null,
        category: t.category ?? 'UTILITY',
        status: t.status ?? 'PENDING',
        parameterFormat: t.parameter_format ?? 'POSITIONAL',
        components: t.components ?? [],
        syncedAt: started,
        updatedAt: started,
      };
      await tx
        .insert(templates)
        .values({
          workspaceId: ch.workspaceId,
          channelId: ch.id,
          name: t.name,
          language: t.language,
          ...values,
        })
        .onConflictDoUpdate({
          target: [templates.channelId, templates.name, templates.language],
          set: values,
          // A webhook that changed the template while the pages loaded is newer than the list.
          setWhere: lt(templates.updatedAt, started),
        });
    }
    // Gone at Meta: not in the list, and not changed since the list was asked for. A template being
    // created here (no Meta id yet) may be missing from a list Meta gave before it heard of it; it
    // goes only when its create never finished (older than the grace).
    await tx
      .delete(templates)
      .where(
        and(
          eq(templates.channelId, ch.id),
          lt(templates.syncedAt, started),
          lt(templates.updatedAt, started),
          or(
            isNotNull(templates.providerTemplateId),
            lt(templates.syncedAt, new Date(started.getTime() - UNFINISHED_CREATE_GRACE_MS)),
          ),
        ),
      );
  });
  return fetched.length;
}

export async function listTemplates(
  db: DbOrTx,
  workspaceId: string,
  q: { channelId?: string; status?: string },
) {
  const conditions = [eq(templates.workspaceId, workspaceId)];
  if (q.channelId) conditions.push(eq(templates.channelId, q.channelId));
  if (q.status) conditions.push(eq(templates.status, q.status.toUpperCase()));
  const rows = await db
    .select()
    .from(templates)
    .where(and(...conditions))
    .orderBy(asc(templates.name), asc(templates.language));
  return rows.map(toTemplateDto);
}

export async function getTemplate(db: DbOrTx, workspaceId: string, templateId: string): Promise<TemplateRow> {
  const [t] = await db
    .select()
    .from(templates)
    .where(and(eq(templates.id, templateId), eq(templates.workspaceId, workspaceId)));
  if (!t) throw new AppError('not_found');
  return t;
}

/**
 * Applies a `message_template_status_update` webhook (APPROVED, REJECTED, PAUSED…), keeps Meta's reason
 * and records `template.updated`. True when a template changed (the caller flushes events after commit).
 */
export async function applyTemplateStatus(
  tx: DbOrTx,
  channelId: string,
  update: {
    message_template_name: string;
    message_template_language: string;
    event: string;
    reason?: string | null;
    rejection_info?: { reason?: string };
    other_info?: { title?: string };
  },
): Promise<boolean> {
  const rows = await tx
    .update(templates)
    .set({ status: update.event.toUpperCase(), statusReason: statusReasonOf(update), updatedAt: new Date() })
    .where(
      and(
        eq(templates.channelId, channelId),
        eq(templates.name, update.message_template_name),
        eq(templates.language, update.message_template_language),
      ),
    )
    .returning();
  return recordTemplateUpdated(tx, rows);
}

/**
 * Stores the quality rating a `message_template_quality_update` webhook reports and records
 * `template.updated`. True when a template changed.
 */
export async function applyTemplateQuality(
  tx: DbOrTx,
  channelId: string,
  update: { message_template_name: string; message_template_language: string; new_quality_score: string },
): Promise<boolean> {
  const rows = await tx
    .update(templates)
    .set({ qualityScore: update.new_quality_score.toUpperCase(), updatedAt: new Date() })
    .where(
      and(
        eq(templates.channelId, channelId),
        eq(templates.name, update.message_template_name),
        eq(templates.language, update.message_template_language),
      ),
    )
    .returning();
  return recordTemplateUpdated(tx, rows);
}

/**
 * Submits a new template for the channel's WhatsApp Business Account: checked against Meta's rules
 * first (every broken rule at once, `template_rules_broken` with `details.issues[{ path, rule }]`),
 * refused when the number already has one with this name and language (`template_exists`), then
 * created at Meta and stored as Meta answered (normally PENDING; the review's outcome arrives by
 * webhook).
 */
export async function createTemplate(
  ctx: AppContext,
  member: Member,
  channelId: string,
  draft: CreateTemplateRequest,
): Promise<TemplateDto> {
  const ch = await getChannel(ctx.db, member.workspaceId, channelId);
  const issues = checkTemplateDraft(draft);
  if (issues.length > 0)
    throw new AppError('template_rules_broken', {
      issues: issues.map((i) => ({ path: `body.${i.path}`, rule: i.rule, message: i.message })),
    });
  const payload = toGraphTemplatePayload(draft);
  // The row exists before Meta hears of it: the review's webhook can arrive before Meta's answer to
  // the create call does, and must find the template to update.
  const now = new Date();
  const [row] = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .insert(templates)
      .values({
        workspaceId: ch.workspaceId,
        channelId: ch.id,
        name: draft.name,
        language: draft.language,
        category: draft.category.toUpperCase(),
        status: 'PENDING',
        parameterFormat: 'POSITIONAL',
        components: payload.components,
        syncedAt: now,
      })
      .onConflictDoNothing({ target: [templates.channelId, templates.name, templates.language] })
      .returning();
    if (rows[0])
      await recordAudit(ctx, tx, {
        type: 'template.created',
        workspaceId: ch.workspaceId,
        actorId: member.user.id,
        subjectType: 'template',
        subjectId: rows[0].id,
        data: { name: draft.name, language: draft.language, category: draft.category },
      });
    return rows;
  });
  if (!row) {
    const [existing] = await ctx.db
      .select({ id: templates.id })
      .from(templates)
      .where(
        and(
          eq(templates.channelId, ch.id),
          eq(templates.name, draft.name),
          eq(templates.language, draft.language),
        ),
      );
    throw new AppError('template_exists', { id: existing?.id });
  }
  const creds = await channelCredentials(ctx, ctx.db, ch);
  let created: { id?: string; status?: string; category?: string };
  try {
    created = await graphRequest(creds, 'POST', `${ch.wabaId}/message_templates`, payload);
  } catch (err) {
    await ctx.db.delete(templates).where(eq(templates.id, row.id));
    if (err instanceof GraphApiError)
      throw new AppError('template_refused', { graphCode: err.code, graphTitle: err.title });
    throw err;
  }
  // Meta's id and category; its status only while no webhook has moved the template on.
  const [updated] = await ctx.db
    .update(templates)
    .set({
      providerTemplateId: created.id ?? null,
      category: (created.category ?? draft.category).toUpperCase(),
      status: sql`case when ${templates.status} = 'PENDING' then ${(created.status ?? 'PENDING').toUpperCase()} else ${templates.status} end`,
      updatedAt: new Date(),
    })
    .where(eq(templates.id, row.id))
    .returning();
  return toTemplateDto(updated ?? row);
}

/** Deletes a template at Meta (by name and id: only this language) and here. */
export async function deleteTemplate(ctx: AppContext, member: Member, templateId: string): Promise<void> {
  const t = await getTemplate(ctx.db, member.workspaceId, templateId);
  const ch = await getChannel(ctx.db, member.workspaceId, t.channelId);
  const creds = await channelCredentials(ctx, ctx.db, ch);
  const query = new URLSearchParams({
    name: t.name,
    ...(t.providerTemplateId ? { hsm_id: t.providerTemplateId } : {}),
  });
  try {
    await graphRequest(creds, 'DELETE', `${ch.wabaId}/message_templates?${query}`);
  } catch (err) {
    if (!(err instanceof GraphApiError)) throw err;
    // Already gone at Meta: remove it here too.
    if (err.httpStatus !== 404)
      throw new AppError('template_refused', { graphCode: err.code, graphTitle: err.title });
  }
  await ctx.db.transaction(async (tx) => {
    // Without Meta's id the call went by name alone, and Meta deleted every language of the name:
    // so do we, instead of keeping rows that no longer exist there.
    const removed = await tx
      .delete(templates)
      .where(
        t.providerTemplateId
          ? eq(templates.id, t.id)
          : and(
              eq(templates.workspaceId, t.workspaceId),
              eq(templates.channelId, t.channelId),
              eq(templates.name, t.name),
            ),
      )
      .returning({ language: templates.language });
    await recordAudit(ctx, tx, {
      type: 'template.deleted',
      workspaceId: t.workspaceId,
      actorId: member.user.id,
      subjectType: 'template',
      subjectId: t.id,
      data: { name: t.name, languages: removed.map((r) => r.language) },
    });
  });
}
