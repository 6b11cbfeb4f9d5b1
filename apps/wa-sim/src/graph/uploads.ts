import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimCore } from '../core.js';
import { GraphError, unknownObject } from '../errors.js';
import { UPLOAD_TYPES } from '../upload-store.js';
import type { GraphParams } from './shared.js';

const SESSION_PREFIX = 'upload:';
const MAX_CHUNK_BYTES = Math.max(...Object.values(UPLOAD_TYPES).map((type) => type.maxBytes));

/** True for the node id of an upload session (`upload:<SESSION_ID>`). */
export function isUploadSessionId(nodeId: string): boolean {
  return nodeId.startsWith(SESSION_PREFIX);
}

/** Reads a raw body up to `max` bytes; more → 413. */
async function readRaw(payload: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    size += (chunk as Buffer).length;
    if (size > max) {
      payload.resume();
      throw new GraphError({ code: 100, httpStatus: 413, details: `The file is larger than ${max} bytes.` });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sessionOf(core: SimCore, nodeId: string, method: string) {
  const session = core.uploads.sessions.get(nodeId.slice(SESSION_PREFIX.length));
  if (!session) throw unknownObject(nodeId, method);
  return session;
}

/**
 * `POST /{v}/upload:<SESSION_ID>` (Resumable Upload API, step 2; dispatched from the `POST /{v}/{id}`
 * route): header `file_offset`, the raw bytes as body. Answers `{h}` once the whole file is there,
 * `{id, file_offset}` while chunks are missing.
 */
export function handleUploadChunk(core: SimCore, request: FastifyRequest<{ Params: GraphParams }>) {
  const session = sessionOf(core, request.params.nodeId, 'post');
  const header = request.headers.file_offset;
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || !/^\d+$/.test(raw.trim()))
    throw new GraphError({ code: 100, details: 'The header file_offset is required (0 for a new upload).' });
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  core.uploads.append(session, Number(raw), body);
  if (session.handle) return { h: session.handle };
  return { id: `${SESSION_PREFIX}${session.id}`, file_offset: session.offset };
}

/** `GET /{v}/upload:<SESSION_ID>`: where an interrupted upload stands, `{id, file_offset}`. */
export function handleUploadStatus(core: SimCore, nodeId: string) {
  const session = sessionOf(core, nodeId, 'get');
  return { id: `${SESSION_PREFIX}${session.id}`, file_offset: session.offset };
}

/**
 * Resumable Upload API (template header samples): `GET /{v}/app` (the token's app),
 * `POST /{v}/{APP_ID}/uploads?file_name&file_length&file_type` → `{id: "upload:…"}`, and the raw body
 * parser for step 2 (only upload sessions take a non-JSON body; elsewhere it stays "send JSON").
 */
export function registerUploadRoutes(app: FastifyInstance, core: SimCore): void {
  app.addContentTypeParser(
    [
      'application/octet-stream',
      'application/x-www-form-urlencoded',
      'image/jpeg',
      'image/jpg',
      'image/png',
      'video/mp4',
      'application/pdf',
    ],
    async (request: FastifyRequest, payload: IncomingMessage) => {
      const nodeId = (request.params as Partial<GraphParams>).nodeId;
      if (!nodeId || !isUploadSessionId(nodeId) || request.method !== 'POST')
        throw new GraphError({ code: 100, details: 'Unsupported Content-Type; send application/json.' });
      return readRaw(payload, MAX_CHUNK_BYTES);
    },
  );

  app.post<{ Params: GraphParams; Querystring: Record<string, string | undefined> }>(
    '/:version/:nodeId/uploads',
    async (request) => {
      if (request.params.nodeId !== core.options.appId) throw unknownObject(request.params.nodeId, 'post');
      const session = core.uploads.start(request.query, core.clock.now());
      return { id: `${SESSION_PREFIX}${session.id}` };
    },
  );
}
