import { and, eq, isNull, or } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../../context.js';
import { messages, quickReplies } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { canSeeMessageOf, visibilityOfMember } from '../access/index.js';
import { servedContentType } from './content-check.js';
import { contentDisposition, extensionOf } from './filename.js';
import { parseRange } from './range.js';
import { findMedia } from './repo.js';
import { CorruptFileError } from './storage.js';
import { openStoredFile } from './stored-file.js';

/**
 * An agent may download a file attached to a message of a conversation they may see, a file of a
 * quick reply they may use, or their own upload that is not attached to anything yet.
 */
async function agentMaySeeMedia(
  ctx: AppContext,
  member: Member,
  row: { id: string; uploadedBy: string | null },
): Promise<boolean> {
  const v = await visibilityOfMember(ctx.db, member);
  const [attached] = await ctx.db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.workspaceId, member.workspaceId), eq(messages.mediaId, row.id)))
    .limit(1);
  if (attached) return canSeeMessageOf(ctx.db, v, eq(messages.id, attached.id));
  const [reply] = await ctx.db
    .select({ id: quickReplies.id })
    .from(quickReplies)
    .where(
      and(
        eq(quickReplies.workspaceId, member.workspaceId),
        eq(quickReplies.mediaId, row.id),
        or(isNull(quickReplies.ownerId), eq(quickReplies.ownerId, member.user.id)),
      ),
    )
    .limit(1);
  if (reply) return true;
  return row.uploadedBy === member.user.id;
}

/**
 * Streams a stored file of the workspace, decrypted, as a download that no browser renders or runs:
 * `Content-Type` only from the allowlist (otherwise application/octet-stream), `Content-Disposition:
 * attachment` with an RFC 6266 file name, `nosniff`, `CSP: sandbox`, private caching for a day. A single
 * `Range` gives 206 (or 416 past the end), so players can seek; `If-Range` is not supported (no
 * validators), so a request with it gets the whole file. Errors: not_found for an unknown id, another
 * workspace's file, and a file that is still pending or failed (the message's `media.status` says which).
 */
export async function serveMedia(
  ctx: AppContext,
  member: Member,
  mediaId: string,
  headers: { range?: string; 'if-range'?: string },
  reply: FastifyReply,
): Promise<FastifyReply> {
  const row = await findMedia(ctx.db, member.workspaceId, mediaId);
  if (row?.status !== 'stored' || row.sizeBytes === null) throw new AppError('not_found');
  if (member.role === 'agent' && !(await agentMaySeeMedia(ctx, member, row))) throw new AppError('not_found');
  const size = row.sizeBytes;
  const range = headers['if-range'] ? null : parseRange(headers.range, size);
  const filename =
    (row.filename && (await ctx.keyring.decrypt(ctx.db, row.workspaceId, row.filename, 'media.filename'))) ||
    `${row.kind}-${row.id.slice(0, 8)}.${extensionOf(row.mimeType)}`;
  reply
    .header('content-type', servedContentType(row.mimeType))
    .header('content-disposition', contentDisposition(filename))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('cache-control', 'private, max-age=86400')
    .header('accept-ranges', 'bytes');
  if (range === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${size}`).header('content-length', '0').send();
  }
  let opened: Awaited<ReturnType<typeof openStoredFile>>;
  try {
    opened = await openStoredFile(ctx, ctx.db, row, range ?? undefined);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') {
      ctx.log.error({ mediaId: row.id }, 'a stored media file is missing from the data directory');
      throw new AppError('not_found');
    }
    if (err instanceof CorruptFileError) ctx.log.error({ mediaId: row.id }, 'a stored media file is damaged');
    throw err;
  }
  if (opened.sizeBytes !== size) {
    opened.stream.destroy();
    ctx.log.error({ mediaId: row.id }, 'a stored media file does not have the recorded size');
    throw new AppError('internal');
  }
  opened.stream.on('error', (err) =>
    ctx.log.error({ mediaId: row.id, err: (err as Error).message }, 'a media file failed while streaming'),
  );
  if (range) {
    reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', String(range.end - range.start + 1));
  } else {
    reply.code(200).header('content-length', String(size));
  }
  return reply.send(opened.stream);
}
