import { errorSchema } from '@parley/contracts';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import type { ClientInfo } from '../modules/auth/service.js';
import { clientIpPrefix } from './auth.js';

/** Adds the shared error envelope to a route's response schemas (used for the OpenAPI document too). */
export function responses<T extends Record<number, z.ZodType>>(ok: T) {
  return { ...ok, '4xx': errorSchema, '5xx': errorSchema };
}

export function clientInfo(request: FastifyRequest): ClientInfo {
  const ua = request.headers['user-agent'];
  return { ipPrefix: clientIpPrefix(request), userAgent: typeof ua === 'string' ? ua : null };
}

/**
 * The one file part of a multipart upload, named `file` (@fastify/multipart must be registered):
 * 400 `validation_failed` when the body is not multipart or holds something else, `bad_request` when
 * it cannot be read.
 */
export async function singleFilePart(request: FastifyRequest) {
  const refuse = (message: string) =>
    new AppError('validation_failed', { issues: [{ path: 'body.file', message }] });
  if (!request.isMultipart()) throw refuse('Send the file as multipart/form-data in a part named "file"');
  let part: Awaited<ReturnType<typeof request.file>>;
  try {
    part = await request.file();
  } catch {
    throw new AppError('bad_request', undefined, 'The multipart body could not be read.');
  }
  if (part?.type !== 'file' || part.fieldname !== 'file')
    throw refuse('Send exactly one file in a part named "file"');
  return part;
}
