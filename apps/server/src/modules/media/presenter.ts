import type { MediaDto } from '@parley/contracts';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import type { media } from '../../db/schema.js';

export type MediaRow = typeof media.$inferSelect;

/** Where a stored file is served (same origin; needs the session). */
export function mediaUrl(row: Pick<MediaRow, 'id' | 'workspaceId'>): string {
  return `/api/v1/workspaces/${row.workspaceId}/media/${row.id}`;
}

/** The attachment as agents see it: file name decrypted, `url` only once the file is stored. */
export async function toMediaDto(ctx: AppContext, db: DbOrTx, row: MediaRow): Promise<MediaDto> {
  return {
    id: row.id,
    kind: row.kind,
    mimeType: row.mimeType,
    sizeBytes: row.sizeBytes,
    filename: row.filename
      ? await ctx.keyring.decrypt(db, row.workspaceId, row.filename, 'media.filename')
      : null,
    status: row.status,
    url: row.status === 'stored' ? mediaUrl(row) : null,
    error: row.error,
  };
}
