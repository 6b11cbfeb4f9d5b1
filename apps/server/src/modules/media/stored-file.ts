import type { Readable } from 'node:stream';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import type { ByteRange } from './storage.js';

/** A file kept by `storeFile`: what its media row records. `fileKey` is wrapped by the workspace key. */
export type StoredFile = { storageKey: string; fileKey: string; sizeBytes: number; sha256: string };

/**
 * Streams `source` into the encrypted store (see MediaStorage.writeStream for the cap and `check`) and
 * wraps the file's random key with the workspace key (`media.file_key`). If wrapping fails the file is
 * removed, so a file on disk always has a key somewhere.
 */
export async function storeFile(
  ctx: AppContext,
  db: DbOrTx,
  workspaceId: string,
  source: AsyncIterable<Uint8Array>,
  opts: { maxBytes: number; check?: (head: Buffer) => void },
): Promise<StoredFile> {
  const written = await ctx.media.writeStream(workspaceId, source, opts);
  try {
    const fileKey = await ctx.keyring.encrypt(
      db,
      workspaceId,
      written.key.toString('base64'),
      'media.file_key',
    );
    return { storageKey: written.storageKey, fileKey, sizeBytes: written.sizeBytes, sha256: written.sha256 };
  } catch (err) {
    await ctx.media.remove(workspaceId, written.storageKey);
    throw err;
  } finally {
    written.key.fill(0);
  }
}

/**
 * Opens a stored file for reading (all of it or an inclusive byte range). Throws when the row has no
 * file, the file is missing (ENOENT) or damaged (CorruptFileError).
 */
export async function openStoredFile(
  ctx: AppContext,
  db: DbOrTx,
  row: { workspaceId: string; storageKey: string | null; fileKey: string | null },
  range?: ByteRange,
): Promise<{ sizeBytes: number; stream: Readable }> {
  if (!row.storageKey || !row.fileKey) throw new Error('the media row has no stored file');
  const key = Buffer.from(
    await ctx.keyring.decrypt(db, row.workspaceId, row.fileKey, 'media.file_key'),
    'base64',
  );
  return ctx.media.readStream(row.workspaceId, row.storageKey, key, range);
}
