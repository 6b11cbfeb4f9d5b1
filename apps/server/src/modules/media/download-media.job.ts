import { kindOfMime, MAX_UPLOAD_BYTES, mediaUrlResponseSchema } from '@parley/whatsapp';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { channels, media, messages } from '../../db/schema.js';
import { defineJob } from '../../jobs/define-job.js';
import { recordEvent } from '../../realtime/event-bus.js';
import { type ChannelRow, channelCredentials } from '../channels/service.js';
import { SANDBOX_PREFIX } from '../sandbox/index.js';
import {
  GraphApiError,
  graphDownload,
  graphRequest,
  ResponseTooLargeError,
} from '../whatsapp/graph-client.js';
import { isAcceptableContent, sha256Hex } from './content-check.js';
import type { MediaRow } from './presenter.js';
import { FileTooLargeError } from './storage.js';
import { storeFile } from './stored-file.js';

/** Why a download did not work: the short text agents see, and whether trying again can help. */
class DownloadProblem extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

type Target = { file: MediaRow; messageId: string; conversationId: string; ch: ChannelRow };

/**
 * Downloads one inbound media file from the Graph API and stores it encrypted: `GET /{media-id}`
 * (`phone_number_id` set) resolves a fresh URL, only that URL is fetched (bearer token, no redirects,
 * time-out), with the kind's size cap (Content-Length up front, then while streaming), the type checked
 * against the allowlist and the first bytes, and the SHA-256 of the webhook verified. Then the media row
 * is `stored` and `message.updated` is recorded. An expired URL (404), an outage or a checksum mismatch
 * is retried (each attempt resolves a new URL); a media id WhatsApp no longer knows, a refused type or a
 * too-large file — or any problem on the last attempt — marks the file `failed` with a short reason and
 * records `message.updated`. Safe to run twice: only a pending row is worked on, and a second copy that
 * loses the race deletes its file.
 */
export const downloadMediaJob = defineJob({
  name: 'whatsapp.download-media',
  payload: z.object({ mediaId: z.uuid() }),
  // About an hour of retries (a Meta outage, a token being renewed); media ids live 7 days.
  retry: { maxAttempts: 12, baseDelayMs: 2000, maxDelayMs: 30 * 60_000 },
  concurrency: 4,
  async run(ctx, { mediaId }, job) {
    const [target] = await ctx.db
      .select({
        file: media,
        messageId: messages.id,
        conversationId: messages.conversationId,
        ch: channels,
      })
      .from(media)
      .innerJoin(messages, eq(messages.mediaId, media.id))
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .where(eq(media.id, mediaId));
    if (target?.file.status !== 'pending' || target.file.direction !== 'inbound') return;
    try {
      await download(ctx, target);
    } catch (err) {
      const problem = describe(err);
      if (problem.permanent || job.attempts >= job.maxAttempts) {
        await finish(ctx, target, { status: 'failed', error: problem.message });
        ctx.log.warn(
          { mediaId, attempts: job.attempts, reason: problem.message },
          'inbound media not downloaded',
        );
        return;
      }
      throw err;
    }
  },
});

async function download(ctx: AppContext, target: Target): Promise<void> {
  const { file, ch } = target;
  if (!file.providerMediaId) throw new DownloadProblem('The message carried no media id.', true);
  const mime = file.mimeType;
  if (!kindOfMime(mime)) throw new DownloadProblem(`WhatsApp does not accept files of type ${mime}.`, true);
  // Customers' files arrive up to 100 MB whatever their kind (larger ones never reach us: 131052).
  const maxBytes = MAX_UPLOAD_BYTES;
  const tooLarge = new DownloadProblem(`The file is larger than ${formatBytes(maxBytes)}.`, true);
  const creds = await channelCredentials(ctx, ctx.db, ch);
  const answer = mediaUrlResponseSchema.safeParse(
    await graphRequest(
      creds,
      'GET',
      `${encodeURIComponent(file.providerMediaId)}?phone_number_id=${encodeURIComponent(ch.phoneNumberId)}`,
    ),
  );
  if (!answer.success) throw new DownloadProblem('WhatsApp answered in an unexpected way.', false);
  if (Number(answer.data.file_size) > maxBytes) throw tooLarge;
  const expected = file.sha256 ?? sha256Hex(answer.data.sha256);
  let stored: Awaited<ReturnType<typeof storeFile>>;
  try {
    const { body } = await graphDownload(creds, reachableUrl(ctx, ch, creds.baseUrl, answer.data.url), {
      maxBytes,
    });
    stored = await storeFile(ctx, ctx.db, file.workspaceId, body, {
      maxBytes,
      check: (head) => {
        if (!isAcceptableContent(head, mime))
          throw new DownloadProblem('The file is not what its type says.', true);
      },
    });
  } catch (err) {
    if (err instanceof ResponseTooLargeError || err instanceof FileTooLargeError) throw tooLarge;
    throw err;
  }
  if (expected && stored.sha256 !== expected) {
    await ctx.media.remove(file.workspaceId, stored.storageKey);
    throw new DownloadProblem('The file did not match its checksum.', false);
  }
  const kept = await finish(ctx, target, {
    status: 'stored',
    sizeBytes: stored.sizeBytes,
    sha256: stored.sha256,
    storageKey: stored.storageKey,
    fileKey: stored.fileKey,
    error: null,
  });
  if (!kept) await ctx.media.remove(file.workspaceId, stored.storageKey);
}

/**
 * The built-in sandbox hands out media URLs under PUBLIC_URL (the customer-phone page loads them in the
 * browser); the server fetches the same path from the sandbox's internal Graph base instead, since the
 * public address may not be reachable from the server itself. Every other URL is used as given.
 */
function reachableUrl(ctx: AppContext, ch: ChannelRow, graphBaseUrl: string, url: string): string {
  if (!ch.isSandbox) return url;
  const publicBase = new URL(SANDBOX_PREFIX, ctx.config.publicUrl).toString().replace(/\/$/, '');
  return url.startsWith(`${publicBase}/`)
    ? graphBaseUrl.replace(/\/+$/, '') + url.slice(publicBase.length)
    : url;
}

/** Moves a pending row to its outcome with `message.updated`; false when another run got there first. */
async function finish(
  ctx: AppContext,
  target: Target,
  set: Partial<Pick<MediaRow, 'sizeBytes' | 'sha256' | 'storageKey' | 'fileKey' | 'error'>> & {
    status: 'stored' | 'failed';
  },
): Promise<boolean> {
  const ws = target.file.workspaceId;
  const done = await ctx.db.transaction(async (tx) => {
    const updated = await tx
      .update(media)
      .set({ ...set, updatedAt: new Date() })
      .where(and(eq(media.id, target.file.id), eq(media.status, 'pending')))
      .returning({ id: media.id });
    if (updated.length === 0) return false;
    // The message changed (its attachment did): a newer updatedAt lets clients replace their copy.
    await tx.update(messages).set({ updatedAt: new Date() }).where(eq(messages.id, target.messageId));
    await recordEvent(tx, {
      type: 'message.updated',
      workspaceId: ws,
      rooms: [`workspace:${ws}`],
      payload: { conversationId: target.conversationId, messageId: target.messageId },
    });
    return true;
  });
  await ctx.events.flush();
  return done;
}

function describe(err: unknown): DownloadProblem {
  if (err instanceof DownloadProblem) return err;
  if (err instanceof GraphApiError) {
    if (!err.transport && err.code === 100)
      return new DownloadProblem('WhatsApp no longer has this file (media ids expire after 7 days).', true);
    if (err.transport && err.httpStatus === 0 && !err.retryable)
      return new DownloadProblem('WhatsApp gave an unexpected download address.', true);
    if (err.transport)
      return new DownloadProblem(
        err.httpStatus ? `The download failed (HTTP ${err.httpStatus}).` : 'WhatsApp could not be reached.',
        false,
      );
    return new DownloadProblem(`WhatsApp refused the download (${err.code} ${err.title}).`, false);
  }
  return new DownloadProblem('The download failed.', false);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${n / (1024 * 1024)} MB` : `${n / 1024} KB`;
}
