import { templatesListResponseSchema } from '@parley/whatsapp';
import { and, asc, eq, lt } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { channels, templates } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { channelCredentials } from '../channels/service.js';
import { graphRequest } from '../whatsapp/graph-client.js';
import { placeholdersOf } from './placeholders.js';

type TemplateRow = typeof templates.$inferSelect;
type Component = { type?: string; format?: string; text?: string };

export function bodyTextOf(t: TemplateRow): string | undefined {
  return (t.components as Component[]).find((c) => c.type === 'BODY')?.text;
}

export function toTemplateDto(t: TemplateRow) {
  const components = t.components as Component[];
  const header = components.find((c) => c.type === 'HEADER' && (c.format ?? 'TEXT') === 'TEXT');
  return {
    id: t.id,
    channelId: t.channelId,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    parameterFormat: t.parameterFormat === 'NAMED' ? ('NAMED' as const) : ('POSITIONAL' as const),
    components: components as Record<string, unknown>[],
    bodyParameters: placeholdersOf(bodyTextOf(t)),
    headerParameters: placeholdersOf(header?.text),
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
  const started = new Date();
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
        });
    }
    await tx.delete(templates).where(and(eq(templates.channelId, ch.id), lt(templates.syncedAt, started)));
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

/** Applies a `message_template_status_update` webhook (APPROVED, REJECTED, PAUSED…). */
export async function applyTemplateStatus(
  tx: DbOrTx,
  channelId: string,
  update: { message_template_name: string; message_template_language: string; event: string },
): Promise<void> {
  await tx
    .update(templates)
    .set({ status: update.event.toUpperCase(), updatedAt: new Date() })
    .where(
      and(
        eq(templates.channelId, channelId),
        eq(templates.name, update.message_template_name),
        eq(templates.language, update.message_template_language),
      ),
    );
}
