import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { media } from '../../db/schema.js';
import type { MediaRow } from './presenter.js';

/** One media row of the workspace, or null (another workspace's id is null too). */
export async function findMedia(db: DbOrTx, workspaceId: string, mediaId: string): Promise<MediaRow | null> {
  const [row] = await db
    .select()
    .from(media)
    .where(and(eq(media.id, mediaId), eq(media.workspaceId, workspaceId)));
  return row ?? null;
}

/** The workspace's media rows with these ids, by id (one query for a page of messages). */
export async function mediaByIds(
  db: DbOrTx,
  workspaceId: string,
  ids: string[],
): Promise<Map<string, MediaRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(media)
    .where(and(eq(media.workspaceId, workspaceId), inArray(media.id, ids)));
  return new Map(rows.map((r) => [r.id, r]));
}
