import type { InboundMessage } from '@parley/whatsapp';
import { baseMime, MEDIA_KINDS, type MediaKind } from '@parley/whatsapp';
import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { media, messages } from '../../db/schema.js';
import { enqueueJob } from '../../jobs/queue.js';
import { sha256Hex } from './content-check.js';
import { downloadMediaJob } from './download-media.job.js';
import { sanitizeFilename } from './filename.js';

type WebhookMedia = { id?: unknown; mime_type?: unknown; sha256?: unknown; filename?: unknown };

/**
 * For a just-stored inbound image, video, audio, document or sticker: records its file as pending (the
 * webhook's media id, MIME type, expected SHA-256 in hex, the document's file name sanitized and
 * encrypted), links it to the message and enqueues `whatsapp.download-media`, all in the caller's
 * transaction. Webhook media ids expire after 7 days, so the file is fetched at once, not when viewed.
 * A message of another type (or without a media id) is left alone.
 */
export async function attachInboundMedia(
  ctx: AppContext,
  tx: Tx,
  workspaceId: string,
  messageId: string,
  m: InboundMessage,
): Promise<void> {
  if (!MEDIA_KINDS.includes(m.type as MediaKind)) return;
  const part = (m as Record<string, unknown>)[m.type] as WebhookMedia | undefined;
  if (typeof part?.id !== 'string' || !part.id) return;
  const mime = baseMime(
    typeof part.mime_type === 'string' ? part.mime_type : 'application/octet-stream',
  ).slice(0, 100);
  const filename = typeof part.filename === 'string' ? sanitizeFilename(part.filename, mime) : null;
  const [row] = await tx
    .insert(media)
    .values({
      workspaceId,
      direction: 'inbound',
      kind: m.type as MediaKind,
      mimeType: mime,
      sha256: sha256Hex(part.sha256),
      filename: filename ? await ctx.keyring.encrypt(tx, workspaceId, filename, 'media.filename') : null,
      status: 'pending',
      providerMediaId: part.id.slice(0, 200),
    })
    .returning({ id: media.id });
  await tx.update(messages).set({ mediaId: row!.id }).where(eq(messages.id, messageId));
  await enqueueJob(tx, downloadMediaJob, { mediaId: row!.id }, { workspaceId });
}
