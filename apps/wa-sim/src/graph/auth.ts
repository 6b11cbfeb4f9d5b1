import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimCore } from '../core.js';
import { GraphError } from '../errors.js';

const VERSION = /^v\d{1,2}\.\d$/;

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The access token of a request: `Authorization: Bearer <token>` or `OAuth <token>` (the Resumable
 * Upload API's second step uses the latter), or Graph's `access_token` query parameter.
 */
export function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
    return match?.[1];
  }
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.access_token === 'string' ? query.access_token : undefined;
}

/** Throws 190 unless the request carries the configured access token. */
export function checkToken(core: SimCore, request: FastifyRequest): void {
  const token = tokenOf(request);
  if (!token) {
    throw new GraphError({
      code: 190,
      message: 'An active access token must be used to query information about the current user.',
      withoutErrorData: true,
    });
  }
  if (!sameToken(token, core.options.accessToken)) {
    throw new GraphError({
      code: 190,
      message: 'Invalid OAuth access token - Cannot parse access token',
      withoutErrorData: true,
    });
  }
  if (core.tokenExpired) {
    throw new GraphError({
      code: 190,
      subcode: 463,
      message: 'Error validating access token: Session has expired.',
      withoutErrorData: true,
    });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Hooks of every Graph route: version prefix, bearer token (190), injected API faults. */
export function registerGraphHooks(app: FastifyInstance, core: SimCore): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const params = request.params as { version?: string };
    if (params.version !== undefined && !VERSION.test(params.version)) {
      throw new GraphError({
        code: 100,
        message: `Unknown path components: /${params.version.slice(0, 40)}`,
        httpStatus: 400,
      });
    }
    checkToken(core, request);
    const api = core.faults.config().api;
    if (core.faults.roll(api.timeout)) {
      reply.hijack();
      const timer = setTimeout(() => request.raw.destroy(), api.timeoutMs);
      request.raw.once('close', () => clearTimeout(timer));
      return reply;
    }
    if (core.faults.roll(api.error5xx)) {
      const code = [2, 131000, 131016][core.faults.pick(3)]!;
      throw new GraphError({ code, details: 'Injected fault: temporary server error.', isTransient: true });
    }
    if (core.faults.roll(api.slow)) await sleep(api.slowMs);
    if (
      request.method === 'POST' &&
      request.url.split('?')[0]!.endsWith('/messages') &&
      core.faults.roll(api.sendError)
    )
      throw new GraphError({ code: api.sendErrorCode, details: 'Injected fault: the send was refused.' });
  });
}
