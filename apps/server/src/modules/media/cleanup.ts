import { and, eq, inArray, lt, notExists, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { media, messages, quickReplies } from '../../db/schema.js';

const DAY = 86400_000;

/**
 * Deletes outbound uploads that were never attached to a message within 24 hours and that no quick
 * reply keeps: the row, then the file (up to 500 per run; the next run continues). Idempotent; a file
 * is removed only after its row. Returns how many were deleted.
 */
export async function deleteUnattachedUploads(ctx: AppContext, now = new Date()): Promise<number> {
  const unattached = and(
    eq(media.direction, 'outbound'),
    lt(media.createdAt, new Date(now.getTime() - DAY)),
    notExists(ctx.db.select({ one: sql`1` }).from(messages).where(eq(messages.mediaId, media.id))),
    // A quick reply's attachment is kept as long as a quick reply refers to it.
    notExists(ctx.db.select({ one: sql`1` }).from(quickReplies).where(eq(quickReplies.mediaId, media.id))),
  );
  const batch = ctx.db.select({ id: media.id }).from(media).where(unattached).limit(500);
  const deleted = await ctx.db
    .delete(media)
    .where(and(inArray(media.id, batch), unattached))
    .returning({ workspaceId: media.workspaceId, storageKey: media.storageKey });
  for (const row of deleted) {
    if (row.storageKey) await ctx.media.remove(row.workspaceId, row.storageKey);
  }
  return deleted.length;
}
