import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimCore } from '../core.js';
import { GraphError, missingParam, unknownObject } from '../errors.js';
import { MAX_UPLOAD_BYTES, type MediaItem } from '../media-store.js';
import { type GraphParams, loseResponseMaybe, publicBase, requirePhoneNumber } from './shared.js';

type UploadedFile = { bytes: Buffer; mimeType: string; filename?: string };

/** Reads `messaging_product`, `type` and `file` from a multipart upload; too large → 131053. */
export async function readUpload(request: FastifyRequest, requireProduct: boolean): Promise<UploadedFile> {
  if (!request.isMultipart()) {
    throw new GraphError({
      code: 100,
      details: 'Media uploads must be multipart/form-data with a file part.',
    });
  }
  const fields: Record<string, string> = {};
  let file: UploadedFile | undefined;
  try {
    for await (const part of request.parts({
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 20 },
    })) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        file = { bytes, mimeType: part.mimetype, filename: part.filename || undefined };
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new GraphError({ code: 131053, details: `The file is larger than ${MAX_UPLOAD_BYTES} bytes.` });
    }
    throw new GraphError({ code: 100, details: 'The multipart body could not be read.' });
  }
  if (requireProduct) {
    if (fields.messaging_product === undefined) throw missingParam('messaging_product');
    if (fields.messaging_product !== 'whatsapp') {
      throw new GraphError({ code: 100, details: 'Param messaging_product must be one of {WHATSAPP}.' });
    }
  }
  if (!file) throw missingParam('file');
  const declared = fields.type?.trim();
  const mimeType = declared || file.mimeType;
  return { ...file, mimeType };
}

/** `GET /{v}/{MEDIA_ID}` body. */
export function presentMedia(core: SimCore, item: MediaItem, base: string) {
  return {
    messaging_product: 'whatsapp',
    url: base + core.media.downloadPath(item),
    mime_type: item.mimeType,
    sha256: core.media.sha256Of(item),
    file_size: String(item.bytes.length),
    id: item.id,
  };
}

/** Media API: upload, authenticated download (GET by id and DELETE are dispatched in nodes.ts). */
export function registerMediaRoutes(app: FastifyInstance, core: SimCore): void {
  app.post<{ Params: GraphParams }>('/:version/:nodeId/media', async (request) => {
    requirePhoneNumber(core, request.params.nodeId, 'post');
    const upload = await readUpload(request, true);
    const item = core.media.upload(upload.bytes, upload.mimeType, upload.filename, 'upload');
    loseResponseMaybe(core);
    return { id: item.id };
  });

  const download = async (
    request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>,
    reply: import('fastify').FastifyReply,
  ) => {
    const { mid, ext, hash } = request.query;
    const item = mid && ext && hash ? core.media.resolveDownload(mid, ext, hash) : undefined;
    if (!item) {
      throw new GraphError({
        code: 100,
        httpStatus: 404,
        details: 'The media URL is invalid or has expired.',
      });
    }
    reply
      .header('content-type', item.mimeType)
      .header('content-length', String(item.bytes.length))
      .header('content-disposition', 'attachment')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store');
    return reply.send(item.bytes);
  };
  app.get('/whatsapp_business/attachments/', download);
  app.get('/whatsapp_business/attachments', download);
}

/** GET or DELETE of a media id; undefined when the id is not media. */
export function handleMediaNode(
  core: SimCore,
  request: FastifyRequest,
  id: string,
  method: 'get' | 'delete',
  prefix: string,
): Record<string, unknown> | undefined {
  const item = core.media.find(id);
  if (!item) return undefined;
  const phoneNumberId = (request.query as Record<string, unknown>).phone_number_id;
  if (phoneNumberId !== undefined && !core.numbers.has(String(phoneNumberId)))
    throw unknownObject(id, method);
  if (method === 'delete') {
    core.media.remove(id);
    return { success: true };
  }
  return presentMedia(core, item, publicBase(core, request, prefix));
}
