import { z } from 'zod';
import { contactCardSchema, locationSchema } from './common.js';

/** Limits Meta enforces on send bodies (section 5); the simulator validates with these numbers. */
export const SEND_LIMITS = {
  textBody: 4096,
  mediaCaption: 1024,
  bizOpaqueCallbackData: 512,
  interactiveBody: 1024,
  listBody: 4096,
  headerText: 60,
  footerText: 60,
  replyButtonsMin: 1,
  replyButtonsMax: 3,
  replyButtonId: 256,
  replyButtonTitle: 20,
  listButtonLabel: 20,
  listSectionsMax: 10,
  listSectionTitle: 24,
  listRowsMax: 10,
  listRowId: 200,
  listRowTitle: 24,
  listRowDescription: 72,
  ctaDisplayText: 20,
} as const;

const mediaRef = {
  id: z.string().optional(),
  link: z.string().optional(),
};
const hasIdOrLink = (media: { id?: string; link?: string }) => Boolean(media.id) !== Boolean(media.link);
const idOrLinkMessage = { message: 'exactly one of id or link is required' };

export const sendImageSchema = z
  .looseObject({ ...mediaRef, caption: z.string().optional() })
  .refine(hasIdOrLink, idOrLinkMessage);
export const sendVideoSchema = sendImageSchema;
export const sendAudioSchema = z.looseObject(mediaRef).refine(hasIdOrLink, idOrLinkMessage);
export const sendStickerSchema = sendAudioSchema;
export const sendDocumentSchema = z
  .looseObject({ ...mediaRef, caption: z.string().optional(), filename: z.string().optional() })
  .refine(hasIdOrLink, idOrLinkMessage);

const headerMedia = z.looseObject({ ...mediaRef, filename: z.string().optional() });
export const interactiveHeaderSchema = z.looseObject({
  type: z.enum(['text', 'image', 'video', 'document']),
  text: z.string().optional(),
  image: headerMedia.optional(),
  video: headerMedia.optional(),
  document: headerMedia.optional(),
});

const textObject = z.looseObject({ text: z.string() });

export const interactiveButtonSchema = z.looseObject({
  type: z.literal('button'),
  header: interactiveHeaderSchema.optional(),
  body: textObject,
  footer: textObject.optional(),
  action: z.looseObject({
    buttons: z.array(
      z.looseObject({
        type: z.literal('reply'),
        reply: z.looseObject({ id: z.string(), title: z.string() }),
      }),
    ),
  }),
});

export const interactiveListSchema = z.looseObject({
  type: z.literal('list'),
  header: interactiveHeaderSchema.optional(),
  body: textObject,
  footer: textObject.optional(),
  action: z.looseObject({
    button: z.string(),
    sections: z.array(
      z.looseObject({
        title: z.string().optional(),
        rows: z.array(
          z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() }),
        ),
      }),
    ),
  }),
});

export const interactiveCtaUrlSchema = z.looseObject({
  type: z.literal('cta_url'),
  header: interactiveHeaderSchema.optional(),
  body: textObject.optional(),
  footer: textObject.optional(),
  action: z.looseObject({
    name: z.literal('cta_url'),
    parameters: z.looseObject({ display_text: z.string(), url: z.string() }),
  }),
});

export const sendInteractiveSchema = z.discriminatedUnion('type', [
  interactiveButtonSchema,
  interactiveListSchema,
  interactiveCtaUrlSchema,
]);
export type SendInteractive = z.infer<typeof sendInteractiveSchema>;

export const templateParameterSchema = z.looseObject({
  type: z.string(),
  parameter_name: z.string().optional(),
  text: z.string().optional(),
  payload: z.string().optional(),
  image: headerMedia.optional(),
  video: headerMedia.optional(),
  document: headerMedia.optional(),
  location: locationSchema.optional(),
  currency: z
    .looseObject({ fallback_value: z.string(), code: z.string(), amount_1000: z.number() })
    .optional(),
  date_time: z.looseObject({ fallback_value: z.string() }).optional(),
  coupon_code: z.string().optional(),
});
export type TemplateParameter = z.infer<typeof templateParameterSchema>;

export const templateComponentParametersSchema = z.looseObject({
  type: z.string(),
  sub_type: z.string().optional(),
  index: z.union([z.string(), z.number()]).optional(),
  parameters: z.array(templateParameterSchema).optional(),
});

export const sendTemplateSchema = z.looseObject({
  name: z.string(),
  language: z.looseObject({ code: z.string(), policy: z.string().optional() }),
  components: z.array(templateComponentParametersSchema).optional(),
});
export type SendTemplate = z.infer<typeof sendTemplateSchema>;

const sendBase = {
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.enum(['individual', 'group']).optional(),
  to: z.string().optional(),
  recipient: z.string().optional(),
  context: z.looseObject({ message_id: z.string() }).optional(),
  biz_opaque_callback_data: z.string().optional(),
};

const requireRecipient = (body: { to?: string; recipient?: string }) => Boolean(body.to || body.recipient);
const recipientMessage = { message: 'to (or recipient) is required', path: ['to'] };

/**
 * Body of `POST /{v}/{PNID}/messages` for every send type of section 5 (structural check only; the
 * length and count limits are in `SEND_LIMITS`).
 */
export const sendMessageRequestSchema = z
  .discriminatedUnion('type', [
    z.looseObject({
      ...sendBase,
      type: z.literal('text'),
      text: z.looseObject({ body: z.string(), preview_url: z.boolean().optional() }),
    }),
    z.looseObject({ ...sendBase, type: z.literal('image'), image: sendImageSchema }),
    z.looseObject({ ...sendBase, type: z.literal('video'), video: sendVideoSchema }),
    z.looseObject({ ...sendBase, type: z.literal('audio'), audio: sendAudioSchema }),
    z.looseObject({ ...sendBase, type: z.literal('document'), document: sendDocumentSchema }),
    z.looseObject({ ...sendBase, type: z.literal('sticker'), sticker: sendStickerSchema }),
    z.looseObject({ ...sendBase, type: z.literal('location'), location: locationSchema }),
    z.looseObject({ ...sendBase, type: z.literal('contacts'), contacts: z.array(contactCardSchema).min(1) }),
    z.looseObject({ ...sendBase, type: z.literal('interactive'), interactive: sendInteractiveSchema }),
    z.looseObject({ ...sendBase, type: z.literal('template'), template: sendTemplateSchema }),
    z.looseObject({
      ...sendBase,
      type: z.literal('reaction'),
      reaction: z.looseObject({ message_id: z.string(), emoji: z.string() }),
    }),
  ])
  .refine(requireRecipient, recipientMessage);
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>;
export type SendMessageType = SendMessageRequest['type'];

export const SEND_MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'template',
  'reaction',
] as const;

/** Mark an inbound message as read, optionally showing the typing indicator. */
export const markReadRequestSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  status: z.literal('read'),
  message_id: z.string(),
  typing_indicator: z.looseObject({ type: z.literal('text') }).optional(),
});
export type MarkReadRequest = z.infer<typeof markReadRequestSchema>;
