import type { Readable } from 'node:stream';
import type { MediaDto } from '@parley/contracts';
import { baseMime, kindOfMime, MEDIA_LIMITS, STATIC_STICKER_MAX_BYTES } from '@parley/whatsapp';
import type { AppContext } from '../../context.js';
import { media } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { isAcceptableContent } from './content-check.js';
import { sanitizeFilename } from './filename.js';
import { toMediaDto } from './presenter.js';
import { FileTooLargeError } from './storage.js';
import { type StoredFile, storeFile } from './stored-file.js';

/** One file part of a multipart upload (what @fastify/multipart hands over). */
export type UploadPart = { mimetype: string; filename: string; file: Readable & { truncated?: boolean } };

const unreadable = () =>
  new AppError(
    'bad_request',
    undefined,
    'The upload could not be read (the multipart body is malformed or cut off).',
  );

/** The part's bytes; a broken multipart body becomes bad_request (the size limit stays recognisable). */
async function* bytesOf(file: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of file) yield chunk as Buffer;
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw err;
    throw unreadable();
  }
}

/**
 * Stores an agent's upload as an outbound media file ready to be sent. The kind follows the part's MIME
 * type; the first bytes must match it (media_type_unsupported, 415, also for types WhatsApp does not
 * take); the kind's size limit is enforced while the file streams in (media_too_large, 413, with
 * `details.maxBytes`; static stickers 100 KB). The file name is sanitized and stored encrypted. Nothing
 * is kept when the upload is refused. Not audited (uploading is part of replying).
 */
export async function uploadMedia(ctx: AppContext, member: Member, part: UploadPart): Promise<MediaDto> {
  const ws = member.workspaceId;
  const mime = baseMime(part.mimetype || 'application/octet-stream');
  const kind = kindOfMime(mime);
  if (!kind) throw new AppError('media_type_unsupported');
  let maxBytes = MEDIA_LIMITS[kind].maxBytes;
  let animated = false;
  let stored: StoredFile;
  try {
    stored = await storeFile(ctx, ctx.db, ws, bytesOf(part.file), {
      maxBytes,
      check: (head) => {
        if (head.length === 0)
          throw new AppError('validation_failed', {
            issues: [{ path: 'body.file', message: 'The file is empty' }],
          });
        if (!isAcceptableContent(head, mime)) throw new AppError('media_type_unsupported');
        animated = head.includes('ANIM', 0, 'latin1');
      },
    });
  } catch (err) {
    if (err instanceof FileTooLargeError || (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError('media_too_large', { maxBytes });
    throw err;
  }
  if (kind === 'sticker' && !animated) maxBytes = STATIC_STICKER_MAX_BYTES;
  if (part.file.truncated || stored.sizeBytes > maxBytes) {
    await ctx.media.remove(ws, stored.storageKey);
    throw new AppError('media_too_large', { maxBytes });
  }
  try {
    const filename = sanitizeFilename(part.filename, mime);
    const [row] = await ctx.db
      .insert(media)
      .values({
        workspaceId: ws,
        direction: 'outbound',
        kind,
        mimeType: mime,
        sizeBytes: stored.sizeBytes,
        sha256: stored.sha256,
        filename: filename ? await ctx.keyring.encrypt(ctx.db, ws, filename, 'media.filename') : null,
        storageKey: stored.storageKey,
        fileKey: stored.fileKey,
        status: 'stored',
        uploadedBy: member.user.id,
      })
      .returning();
    return await toMediaDto(ctx, ctx.db, row!);
  } catch (err) {
    await ctx.media.remove(ws, stored.storageKey);
    throw err;
  }
}
