import multipart from '@fastify/multipart';
import { mediaDto, mediaParams, workspaceParams } from '@parley/contracts';
import { MAX_UPLOAD_BYTES } from '@parley/whatsapp';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { requireMember } from '../../http/auth.js';
import { responses, singleFilePart } from '../../http/route-helpers.js';
import { serveMedia } from './serve.js';
import { uploadMedia } from './upload.js';

/**
 * Upload (`POST …/media`, multipart) and download (`GET …/media/:mediaId`) of attachments. Multipart
 * parsing exists only inside this plugin; authentication and the access check run in `onRequest`,
 * before a byte of the body is read.
 */
export function mediaRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['media'];
    // One byte over the largest limit, so the per-kind cap (not busboy's truncation) decides.
    await app.register(multipart, {
      limits: { files: 1, fileSize: MAX_UPLOAD_BYTES + 1, fields: 5, fieldSize: 1024, parts: 6 },
    });
    app.post(
      '/workspaces/:workspaceId/media',
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags,
          summary: 'Upload a file to send (multipart/form-data, one part named "file")',
          description:
            'The kind (image, video, audio, document, sticker) follows the part\'s MIME type; the bytes must match it. Send it with `POST …/messages` `{ "media": { "mediaId" } }`. Unsent uploads are deleted after 24 hours.',
          consumes: ['multipart/form-data'],
          params: workspaceParams,
          response: responses({ 201: mediaDto }),
        },
      },
      async (request, reply) => {
        const member = requireMember(request);
        const part = await singleFilePart(request);
        return reply.code(201).send(await uploadMedia(ctx, member, part));
      },
    );
    app.get(
      '/workspaces/:workspaceId/media/:mediaId',
      {
        config: { access: 'conversations.read' },
        schema: {
          tags,
          summary: 'Download an attachment (decrypted; supports a single Range)',
          description:
            "Served as an attachment with nosniff and a sandbox CSP. 404 for another workspace's file and for a file that is not stored (pending or failed).",
          params: mediaParams,
          response: responses({ 200: z.unknown(), 206: z.unknown() }),
        },
      },
      async (request, reply) =>
        serveMedia(ctx, requireMember(request), request.params.mediaId, request.headers, reply),
    );
  };
}
