import type { CreateLabelRequest, LabelDto } from '@parley/contracts';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import { conversationLabels, labels } from '../../db/schema.js';
import { AppError } from '../../errors.js';

export function toLabelDto(l: typeof labels.$inferSelect): LabelDto {
  return {
    id: l.id,
    name: l.name,
    color: l.color,
    description: l.description,
    createdAt: l.createdAt.toISOString(),
  };
}

export async function listLabels(db: DbOrTx, workspaceId: string) {
  const rows = await db
    .select()
    .from(labels)
    .where(eq(labels.workspaceId, workspaceId))
    .orderBy(asc(labels.name));
  return { labels: rows.map(toLabelDto) };
}

export async function createLabel(ctx: AppContext, workspaceId: string, input: CreateLabelRequest) {
  try {
    const [row] = await ctx.db
      .insert(labels)
      .values({ workspaceId, name: input.name, color: input.color, description: input.description ?? '' })
      .returning();
    return toLabelDto(row!);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('label_name_taken');
    throw err;
  }
}

export async function updateLabel(
  ctx: AppContext,
  workspaceId: string,
  labelId: string,
  input: Partial<CreateLabelRequest>,
) {
  try {
    const [row] = await ctx.db
      .update(labels)
      .set({ ...input, updatedAt: new Date() })
      .where(and(eq(labels.id, labelId), eq(labels.workspaceId, workspaceId)))
      .returning();
    if (!row) throw new AppError('not_found');
    return toLabelDto(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('label_name_taken');
    throw err;
  }
}

/** Deletes a label; it disappears from every conversation and contact that had it. */
export async function deleteLabel(ctx: AppContext, workspaceId: string, labelId: string) {
  const [row] = await ctx.db
    .delete(labels)
    .where(and(eq(labels.id, labelId), eq(labels.workspaceId, workspaceId)))
    .returning({ id: labels.id });
  if (!row) throw new AppError('not_found');
}

/** The label ids of each conversation, for a page at once. */
export async function labelIdsOf(db: DbOrTx, conversationIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(conversationIds.map((id) => [id, []]));
  if (conversationIds.length === 0) return out;
  const rows = await db
    .select({ conversationId: conversationLabels.conversationId, labelId: conversationLabels.labelId })
    .from(conversationLabels)
    .where(inArray(conversationLabels.conversationId, conversationIds));
  for (const r of rows) out.get(r.conversationId)?.push(r.labelId);
  return out;
}
