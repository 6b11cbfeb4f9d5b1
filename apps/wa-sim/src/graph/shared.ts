import type { FastifyRequest } from 'fastify';
import type { SimCore } from '../core.js';
import { GraphError, unknownObject } from '../errors.js';

export type GraphParams = { version: string; nodeId: string };

/** The phone number id of a `/{PNID}/...` call, or Graph's unknown-object error. */
export function requirePhoneNumber(core: SimCore, nodeId: string, method: string): string {
  if (!core.numbers.has(nodeId)) throw unknownObject(nodeId, method);
  return nodeId;
}

export function requireWaba(core: SimCore, nodeId: string, method: string): void {
  if (nodeId !== core.options.wabaId) throw unknownObject(nodeId, method);
}

/** Fault `api.lostResponse`: the call took effect, but the caller gets a 500. */
export function loseResponseMaybe(core: SimCore): void {
  if (core.faults.roll(core.faults.config().api.lostResponse)) {
    throw new GraphError({
      code: 131000,
      details: 'Something went wrong (injected: the call took effect).',
      isTransient: true,
    });
  }
}

/** Public base URL for links the simulator hands out, respecting a mount prefix. */
export function publicBase(core: SimCore, request: FastifyRequest, prefix: string): string {
  if (core.options.publicBaseUrl) return core.options.publicBaseUrl;
  return `${request.protocol}://${request.host}${prefix}`;
}
