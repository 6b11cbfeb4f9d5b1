import type { SimCore } from './core.js';

/** One message of a customer's chat as the phone page and `/_sim/messages/:id` show it. */
export function presentThreadItem(
  core: SimCore,
  id: string,
  _prefix: string,
): Record<string, unknown> | undefined {
  const outbound = core.state.outbound.get(id);
  if (outbound) {
    return {
      id,
      direction: 'out',
      type: outbound.type,
      timestamp: new Date(outbound.createdAt).toISOString(),
      status: outbound.status,
      statuses: outbound.statuses,
      content: outbound.request[outbound.type] ?? null,
      context_id: (outbound.request.context as { message_id?: string } | undefined)?.message_id ?? null,
      rendered: outbound.rendered ?? null,
      reaction: outbound.customerReaction ?? null,
    };
  }
  const inbound = core.state.inbound.get(id);
  if (!inbound) return undefined;
  const message = inbound.message as Record<string, unknown>;
  return {
    id,
    direction: 'in',
    type: message.type,
    timestamp: new Date(inbound.createdAt).toISOString(),
    read_by_business: inbound.readByBusiness,
    content: message[message.type as string] ?? null,
    context_id: (message.context as { id?: string } | undefined)?.id ?? null,
    reaction: inbound.businessReaction ?? null,
  };
}
