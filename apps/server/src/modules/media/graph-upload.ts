import { mediaUploadResponseSchema } from '@parley/whatsapp';
import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { media } from '../../db/schema.js';
import type { ChannelRow } from '../channels/service.js';
import { GraphApiError, type GraphCredentials, graphUpload } from '../whatsapp/graph-client.js';
import { extensionOf } from './filename.js';
import type { MediaRow } from './presenter.js';
import { openStoredFile } from './stored-file.js';

/** Meta keeps uploaded media 30 days; an id is reused for a day less, so it never expires mid-send. */
const REUSE_MS = 29 * 86400_000;

/**
 * The Graph API media id of a stored outbound file for the channel's number: decrypts the file and
 * uploads it once (`POST /{PNID}/media`, multipart `messaging_product`, `type`, `file`, streamed), then
 * records `provider_media_id` and `provider_uploaded_at` and reuses the id while it is younger than 29
 * days. Errors are GraphApiError, so the send job applies its retry rules (131053, a refused file, is
 * permanent); a file that is not stored or missing on disk is a permanent GraphApiError too (code 0).
 * The upload's file name is generic (`upload.<ext>`): a document's real name goes in the message.
 */
export async function ensureGraphMediaId(
  ctx: AppContext,
  ch: ChannelRow,
  creds: GraphCredentials,
  file: MediaRow,
): Promise<string> {
  if (
    file.providerMediaId &&
    file.providerUploadedAt &&
    Date.now() - file.providerUploadedAt.getTime() < REUSE_MS
  )
    return file.providerMediaId;
  const gone = (why: string) => new GraphApiError(0, 0, why, false, false);
  if (file.direction !== 'outbound' || file.status !== 'stored') throw gone('The attachment is not stored');
  let opened: Awaited<ReturnType<typeof openStoredFile>>;
  try {
    opened = await openStoredFile(ctx, ctx.db, file);
  } catch (err) {
    ctx.log.error({ mediaId: file.id, err: (err as Error).message }, 'a stored media file cannot be read');
    throw gone('The attachment file cannot be read');
  }
  try {
    const answer = mediaUploadResponseSchema.parse(
      await graphUpload(
        creds,
        `${ch.phoneNumberId}/media`,
        { messaging_product: 'whatsapp', type: file.mimeType },
        {
          field: 'file',
          filename: `upload.${extensionOf(file.mimeType)}`,
          contentType: file.mimeType,
          sizeBytes: opened.sizeBytes,
          content: opened.stream,
        },
      ),
    );
    await ctx.db
      .update(media)
      .set({ providerMediaId: answer.id, providerUploadedAt: new Date(), updatedAt: new Date() })
      .where(eq(media.id, file.id));
    return answer.id;
  } finally {
    opened.stream.destroy();
  }
}
