import { inboundMessageInputSchema } from '@parley/whatsapp';
import { z } from 'zod';
import type { SimCore } from './core.js';
import { GraphError } from './errors.js';
import { newWamid } from './ids.js';
import { sampleMedia } from './media-samples.js';
import type { MediaItem, MediaKind } from './media-store.js';
import { opensWindow } from './rules/window.js';
import type { Customer, InboundRecord } from './state.js';

const MEDIA_KINDS = new Set<string>(['image', 'video', 'audio', 'document', 'sticker']);
const FREE_ENTRY_POINT_MS = 72 * 60 * 60 * 1000;

const phone = z
  .string()
  .transform((value) => value.replace(/[\s+\-()]/g, ''))
  .pipe(z.string().regex(/^\d{5,15}$/, 'must be 5 to 15 digits'));

/** Body of `POST /_sim/inbound`. */
export const inboundRequestSchema = z
  .strictObject({
    from: phone.optional(),
    user_id: z
      .string()
      .regex(/^[A-Z]{2}\.[A-Za-z0-9.]{1,140}$/)
      .optional(),
    name: z.string().max(256).optional(),
    username: z.string().max(64).optional(),
    message: z.unknown().optional(),
    messages: z.array(z.unknown()).min(1).max(100).optional(),
    media: z
      .strictObject({
        data_base64: z.string().max(140_000_000),
        mime_type: z.string().max(200),
        filename: z.string().max(240).optional(),
      })
      .optional(),
  })
  .refine((body) => body.from || body.user_id, { message: 'from or user_id is required', path: ['from'] })
  .refine((body) => (body.message === undefined) !== (body.messages === undefined), {
    message: 'give exactly one of message or messages',
    path: ['message'],
  });
export type InboundRequest = z.infer<typeof inboundRequestSchema>;

export type DeliveredInbound = { id: string; record: InboundRecord; delivered: Promise<boolean> };

/**
 * Makes a simulated customer send messages: fills in id, timestamp and media (real bytes served by
 * the media API), opens the 24-hour window, and queues the signed webhook (several messages of one
 * request can share a POST). `mediaBase` is the public base URL for the `url` of inbound media.
 */
export function receiveInbound(
  core: SimCore,
  request: InboundRequest,
  mediaBase: string,
): DeliveredInbound[] {
  const now = core.clock.now();
  const inputs = request.messages ?? [request.message];
  const parsed = inputs.map((input, index) => {
    const result = inboundMessageInputSchema.safeParse(input);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const path = [request.messages ? `messages[${index}]` : 'message', ...issue.path].join('.');
      throw new GraphError({ code: 100, details: `${path}: ${issue.message}` });
    }
    return result.data as Record<string, unknown> & { type: string };
  });
  const customer = core.state.upsertCustomer(
    { waId: request.from, userId: request.user_id, name: request.name, username: request.username },
    now,
  );
  return parsed.map((message) => deliverOne(core, customer, message, request, mediaBase, now));
}

function deliverOne(
  core: SimCore,
  customer: Customer,
  input: Record<string, unknown> & { type: string },
  request: InboundRequest,
  mediaBase: string,
  now: number,
): DeliveredInbound {
  const { type } = input;
  const message: Record<string, unknown> = {};
  if (customer.waId) message.from = customer.waId;
  if (customer.userId) message.from_user_id = customer.userId;
  message.id = newWamid();
  message.timestamp = String(Math.floor(now / 1000));
  message.type = type;
  for (const [key, value] of Object.entries(input)) {
    if (!['from', 'from_user_id', 'id', 'timestamp', 'type'].includes(key)) message[key] = value;
  }
  if (MEDIA_KINDS.has(type))
    message[type] = attachMedia(
      core,
      type as MediaKind,
      input[type] as Record<string, unknown>,
      request,
      mediaBase,
    );
  if (type === 'unsupported' && message.errors === undefined) {
    message.errors = [
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ];
  }
  const context = message.context as Record<string, unknown> | undefined;
  if (context && typeof context.id === 'string' && context.from === undefined) {
    message.context = { from: core.options.displayPhoneNumber, id: context.id, ...context };
  }
  if (opensWindow(type, core.options.rules.reactionsOpenWindow)) customer.lastInboundAt = now;
  if (type === 'system')
    followNumberChange(core, customer, message.system as Record<string, unknown> | undefined, now);
  const referral = message.referral as Record<string, unknown> | undefined;
  if (referral?.source_type === 'ad') customer.freeEntryPointUntil = now + FREE_ENTRY_POINT_MS;
  if (type === 'reaction') {
    const reaction = message.reaction as { message_id?: string; emoji?: string };
    const target = reaction.message_id ? core.state.outbound.get(reaction.message_id) : undefined;
    if (target) target.customerReaction = reaction.emoji || undefined;
  }
  const record: InboundRecord = {
    id: message.id as string,
    direction: 'in',
    customerKey: customer.key,
    message: message as InboundRecord['message'],
    createdAt: now,
    readByBusiness: false,
  };
  core.state.inbound.set(record.id, record);
  core.state.addToThread(customer, record.id);
  if (core.options.rules.blockedUsers && core.state.blocked.has(customer.key)) {
    // A user the business blocked cannot reach it: no webhook (the phone shows one grey tick).
    return { id: record.id, record, delivered: Promise.resolve(false) };
  }
  const delivered = new Promise<boolean>((resolve) => {
    core.deliverer.enqueue(
      {
        kind: 'message',
        phoneNumberId: core.options.phoneNumberId,
        message,
        contact: type === 'system' ? undefined : contactOf(customer),
      },
      resolve,
    );
  });
  return { id: record.id, record, delivered };
}

/** `user_changed_number`: the new number becomes a customer of its own (same profile name). */
function followNumberChange(
  core: SimCore,
  customer: Customer,
  system: Record<string, unknown> | undefined,
  now: number,
) {
  if (!system || !['user_changed_number', 'customer_changed_number'].includes(String(system.type))) return;
  const newWaId = String(system.wa_id ?? system.new_wa_id ?? '').replace(/\D/g, '');
  if (newWaId && newWaId !== customer.waId)
    core.state.upsertCustomer({ waId: newWaId, name: customer.name }, now);
}

export function contactOf(customer: Customer): Record<string, unknown> {
  const profile: Record<string, string> = { name: customer.name };
  if (customer.username) profile.username = customer.username;
  const contact: Record<string, unknown> = { profile };
  if (customer.waId) contact.wa_id = customer.waId;
  if (customer.userId) contact.user_id = customer.userId;
  return contact;
}

function attachMedia(
  core: SimCore,
  kind: MediaKind,
  given: Record<string, unknown>,
  request: InboundRequest,
  mediaBase: string,
): Record<string, unknown> {
  const givenId = typeof given.id === 'string' ? given.id : undefined;
  let item: MediaItem | undefined = givenId ? core.media.find(givenId) : undefined;
  if (givenId && !item && !/^\d{6,20}$/.test(givenId)) {
    throw new GraphError({
      code: 100,
      details: `media id ${givenId.slice(0, 40)} is unknown; upload it to /_sim/media first`,
    });
  }
  if (!item && request.media) {
    const bytes = Buffer.from(request.media.data_base64, 'base64');
    item = core.media.upload(bytes, request.media.mime_type, request.media.filename, 'inbound', givenId);
  }
  if (!item) {
    // An unknown numeric id (e.g. from an example payload) gets placeholder bytes under that id.
    const sample = sampleMedia(kind, core.state.inbound.size);
    item = core.media.upload(sample.bytes, sample.mimeType, sample.filename, 'inbound', givenId);
  }
  const media: Record<string, unknown> = {};
  if (typeof given.caption === 'string') media.caption = given.caption;
  if (kind === 'document') media.filename = given.filename ?? item.filename ?? 'document';
  media.mime_type = item.mimeType;
  media.sha256 = item.sha256.toString('base64');
  media.id = item.id;
  media.url = mediaBase + core.media.downloadPath(item, item.expiresAt);
  if (kind === 'audio')
    media.voice = typeof given.voice === 'boolean' ? given.voice : item.mimeType.startsWith('audio/ogg');
  if (kind === 'sticker') media.animated = given.animated === true;
  return media;
}
