import { z } from 'zod';
import {
  contactCardSchema,
  inboundContextSchema,
  locationSchema,
  referralSchema,
  webhookErrorSchema,
} from './common.js';

const inboundMediaFields = {
  id: z.string(),
  mime_type: z.string(),
  sha256: z.string().optional(),
  url: z.string().optional(),
};

export const inboundImageSchema = z.looseObject({ ...inboundMediaFields, caption: z.string().optional() });
export const inboundVideoSchema = inboundImageSchema;
export const inboundAudioSchema = z.looseObject({ ...inboundMediaFields, voice: z.boolean().optional() });
export const inboundDocumentSchema = z.looseObject({
  ...inboundMediaFields,
  filename: z.string().optional(),
  caption: z.string().optional(),
});
export const inboundStickerSchema = z.looseObject({
  ...inboundMediaFields,
  animated: z.boolean().optional(),
});

export const inboundInteractiveSchema = z.looseObject({
  type: z.string(),
  button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
  list_reply: z
    .looseObject({ id: z.string(), title: z.string(), description: z.string().optional() })
    .optional(),
  nfm_reply: z
    .looseObject({ name: z.string().optional(), body: z.string().optional(), response_json: z.string() })
    .optional(),
});

export const inboundOrderSchema = z.looseObject({
  catalog_id: z.string(),
  text: z.string().optional(),
  product_items: z.array(
    z.looseObject({
      product_retailer_id: z.string(),
      quantity: z.union([z.number(), z.string()]),
      item_price: z.union([z.number(), z.string()]),
      currency: z.string(),
    }),
  ),
});

export const inboundSystemSchema = z.looseObject({
  body: z.string().optional(),
  type: z.string().optional(),
  wa_id: z.string().optional(),
  new_wa_id: z.string().optional(),
  customer: z.string().optional(),
  identity: z.looseObject({}).optional(),
});

/** The inbound message types of section 2.2 that carry an object named after the type. */
export const INBOUND_TYPES_WITH_OBJECT = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
] as const;

/** Every `type` value the parser knows; anything else is still accepted and kept as-is. */
export const KNOWN_INBOUND_TYPES = [
  ...INBOUND_TYPES_WITH_OBJECT,
  'unsupported',
  'unknown',
  'request_welcome',
  'edit',
  'revoke',
] as const;
export type KnownInboundType = (typeof KNOWN_INBOUND_TYPES)[number];

const inboundMessageShape = {
  from: z.string().optional(),
  from_user_id: z.string().optional(),
  id: z.string(),
  timestamp: z.string(),
  type: z.string(),
  context: inboundContextSchema.optional(),
  referral: referralSchema.optional(),
  errors: z.array(webhookErrorSchema).optional(),
  text: z.looseObject({ body: z.string() }).optional(),
  image: inboundImageSchema.optional(),
  video: inboundVideoSchema.optional(),
  audio: inboundAudioSchema.optional(),
  document: inboundDocumentSchema.optional(),
  sticker: inboundStickerSchema.optional(),
  location: locationSchema.optional(),
  contacts: z.array(contactCardSchema).optional(),
  interactive: inboundInteractiveSchema.optional(),
  button: z.looseObject({ payload: z.string().optional(), text: z.string() }).optional(),
  reaction: z.looseObject({ message_id: z.string(), emoji: z.string().optional() }).optional(),
  order: inboundOrderSchema.optional(),
  system: inboundSystemSchema.optional(),
  unsupported: z.looseObject({ type: z.string().optional() }).optional(),
  edit: z.looseObject({ original_message_id: z.string().optional() }).optional(),
  revoke: z.looseObject({ original_message_id: z.string().optional() }).optional(),
};

function requireTypeObject(
  message: { type: string; from?: string; from_user_id?: string },
  ctx: z.RefinementCtx,
) {
  const type = message.type as (typeof INBOUND_TYPES_WITH_OBJECT)[number];
  if ((INBOUND_TYPES_WITH_OBJECT as readonly string[]).includes(type)) {
    if ((message as Record<string, unknown>)[type] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [type],
        message: `a message of type ${type} needs a ${type} object`,
      });
    }
  }
  if (message.from === undefined && message.from_user_id === undefined) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'from or from_user_id is required' });
  }
}

/**
 * One inbound message (`value.messages[]`). Tolerant: unknown types and unknown fields pass through;
 * a known type must carry its object (`type: "text"` needs `text`).
 */
export const inboundMessageSchema = z.looseObject(inboundMessageShape).superRefine(requireTypeObject);
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

/**
 * An inbound message as a test or the simulator's control API describes it: without `id` and
 * `timestamp` (and without `from`, which the caller gives beside it).
 */
export const inboundMessageInputSchema = z
  .looseObject({
    ...inboundMessageShape,
    id: z.string().optional(),
    timestamp: z.string().optional(),
    // Media may be described without id / mime_type: the simulator fills them in.
    image: inboundImageSchema.partial().optional(),
    video: inboundVideoSchema.partial().optional(),
    audio: inboundAudioSchema.partial().optional(),
    document: inboundDocumentSchema.partial().optional(),
    sticker: inboundStickerSchema.partial().optional(),
  })
  .superRefine((message, ctx) => {
    const type = message.type;
    if ((INBOUND_TYPES_WITH_OBJECT as readonly string[]).includes(type)) {
      if ((message as Record<string, unknown>)[type] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [type],
          message: `a message of type ${type} needs a ${type} object`,
        });
      }
    }
  });
export type InboundMessageInput = z.infer<typeof inboundMessageInputSchema>;

/** `value.contacts[]`: who sent the messages. Absent for `system` messages. */
export const webhookContactSchema = z.looseObject({
  profile: z.looseObject({ name: z.string().optional(), username: z.string().optional() }).optional(),
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
  identity_key_hash: z.string().optional(),
});
export type WebhookContact = z.infer<typeof webhookContactSchema>;
