import { z } from 'zod';

/** Graph API error envelope (`{"error": {...}}`) returned by every failing call. */
export const graphErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    type: z.string(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_data: z
      .looseObject({ messaging_product: z.string().optional(), details: z.string().optional() })
      .optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    is_transient: z.boolean().optional(),
    fbtrace_id: z.string(),
  }),
});
export type GraphErrorEnvelope = z.infer<typeof graphErrorSchema>;

export const TEMPLATE_PACING_STATUSES = ['accepted', 'held_for_quality_assessment', 'paused'] as const;

/** Success body of `POST /{v}/{PNID}/messages`. */
export const sendMessageResponseSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  contacts: z.array(
    z.looseObject({ input: z.string(), wa_id: z.string().optional(), user_id: z.string().optional() }),
  ),
  messages: z.array(
    z.looseObject({
      id: z.string(),
      message_status: z.enum(TEMPLATE_PACING_STATUSES).optional(),
      group_id: z.string().optional(),
    }),
  ),
});
export type SendMessageResponse = z.infer<typeof sendMessageResponseSchema>;

export const successResponseSchema = z.looseObject({ success: z.boolean() });

export const mediaUploadResponseSchema = z.looseObject({ id: z.string() });

/**
 * Resumable Upload API, step 1: `POST /{v}/{APP_ID}/uploads?file_name=&file_length=&file_type=` answers
 * the upload session's id, `{"id": "upload:<SESSION_ID>"}`.
 */
export const uploadSessionResponseSchema = z.looseObject({ id: z.string().regex(/^upload:\S+$/) });
export type UploadSessionResponse = z.infer<typeof uploadSessionResponseSchema>;

/**
 * Resumable Upload API, step 2: `POST /{v}/upload:<SESSION_ID>` (headers `Authorization: OAuth <token>`,
 * `file_offset: 0`, the raw bytes as body) answers the file handle, `{"h": "<HANDLE>"}`: what a media
 * template header takes in `example.header_handle[]`.
 */
export const uploadFileResponseSchema = z.looseObject({ h: z.string().min(1) });
export type UploadFileResponse = z.infer<typeof uploadFileResponseSchema>;

/** `GET /{v}/app`: the app the access token belongs to (its id is the `{APP_ID}` of `…/uploads`). */
export const appResponseSchema = z.looseObject({ id: z.string().min(1), name: z.string().optional() });

/** `GET /{v}/{MEDIA_ID}`: a short-lived download URL plus metadata. */
export const mediaUrlResponseSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  url: z.string(),
  mime_type: z.string(),
  sha256: z.string(),
  file_size: z.union([z.string(), z.number()]),
  id: z.string(),
});
export type MediaUrlResponse = z.infer<typeof mediaUrlResponseSchema>;

export const TEMPLATE_STATUSES = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'PENDING_DELETION',
  'DELETED',
  'LIMIT_EXCEEDED',
  'ARCHIVED',
] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];
export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** A template component as created and listed (upper-case `type`). */
export const templateComponentSchema = z.looseObject({
  type: z.string(),
  format: z.string().optional(),
  text: z.string().optional(),
  example: z.looseObject({}).optional(),
  buttons: z
    .array(
      z.looseObject({
        type: z.string(),
        text: z.string().optional(),
        url: z.string().optional(),
        phone_number: z.string().optional(),
        example: z.unknown().optional(),
      }),
    )
    .optional(),
});
export type TemplateComponent = z.infer<typeof templateComponentSchema>;

export const templateCreateRequestSchema = z.looseObject({
  name: z.string(),
  language: z.string(),
  category: z.string(),
  parameter_format: z.string().optional(),
  allow_category_change: z.boolean().optional(),
  components: z.array(templateComponentSchema),
});
export type TemplateCreateRequest = z.infer<typeof templateCreateRequestSchema>;

export const templateCreateResponseSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  category: z.string(),
});

export const templateSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  status: z.string(),
  category: z.string(),
  sub_category: z.string().optional(),
  parameter_format: z.string().optional(),
  components: z.array(templateComponentSchema).optional(),
});
export type Template = z.infer<typeof templateSchema>;

/** `GET /{v}/{WABA_ID}/message_templates`: one page; follow `paging.next` until it is absent. */
export const templatesListResponseSchema = z.looseObject({
  data: z.array(templateSchema.partial({ components: true, parameter_format: true })),
  paging: z
    .looseObject({
      cursors: z.looseObject({ before: z.string().optional(), after: z.string().optional() }),
      next: z.string().optional(),
      previous: z.string().optional(),
    })
    .optional(),
});
export type TemplatesListResponse = z.infer<typeof templatesListResponseSchema>;
