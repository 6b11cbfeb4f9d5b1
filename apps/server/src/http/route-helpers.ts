import { errorSchema } from '@parley/contracts';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
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
