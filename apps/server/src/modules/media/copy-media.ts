import type { AppContext } from '../../context.js';
import { media } from '../../db/schema.js';
import type { MediaRow } from './presenter.js';
import { openStoredFile, storeFile } from './stored-file.js';

/**
 * A fresh outbound upload of `uploadedBy` holding a copy of a stored file (decrypted and re-encrypted
 * under a new storage key and file key: `media.storage_key` is unique, so two rows never share a file,
 * and deleting one never removes the other's). Ready to send like an upload; cleaned up like one when
 * it is not sent within 24 hours. Throws when the source has no stored file (e.g. ENOENT).
 */
export async function copyStoredMedia(
  ctx: AppContext,
  source: MediaRow,
  uploadedBy: string,
): Promise<MediaRow> {
  const ws = source.workspaceId;
  const opened = await openStoredFile(ctx, ctx.db, source);
  const stored = await storeFile(ctx, ctx.db, ws, opened.stream, {
    maxBytes: source.sizeBytes ?? opened.sizeBytes,
  });
  try {
    const [row] = await ctx.db
      .insert(media)
      .values({
        workspaceId: ws,
        direction: 'outbound',
        kind: source.kind,
        mimeType: source.mimeType,
        sizeBytes: stored.sizeBytes,
        sha256: stored.sha256,
        // Same workspace and context: the encrypted name can be copied as it is.
        filename: source.filename,
        storageKey: stored.storageKey,
        fileKey: stored.fileKey,
        status: 'stored',
        uploadedBy,
      })
      .returning();
    return row!;
  } catch (err) {
    await ctx.media.remove(ws, stored.storageKey);
    throw err;
  }
}
