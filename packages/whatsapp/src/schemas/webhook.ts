import { z } from 'zod';
import { webhookErrorSchema } from './common.js';
import { inboundMessageSchema, webhookContactSchema } from './inbound.js';

export const MESSAGE_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'] as const;
export type MessageStatusValue = (typeof MESSAGE_STATUSES)[number];

export const pricingSchema = z.looseObject({
  billable: z.boolean().optional(),
  pricing_model: z.string(),
  type: z.string().optional(),
  category: z.string(),
});
export type Pricing = z.infer<typeof pricingSchema>;

export const conversationSchema = z.looseObject({
  id: z.string(),
  expiration_timestamp: z.string().optional(),
  origin: z.looseObject({ type: z.string() }).optional(),
});

/** One `value.statuses[]` entry: progress of a message we sent. */
export const statusSchema = z.looseObject({
  id: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  timestamp: z.string(),
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  recipient_type: z.string().optional(),
  recipient_participant_id: z.string().optional(),
  recipient_identity_key_hash: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  conversation: conversationSchema.optional(),
  pricing: pricingSchema.optional(),
  errors: z.array(webhookErrorSchema).optional(),
});
export type MessageStatus = z.infer<typeof statusSchema>;

export const metadataSchema = z.looseObject({
  display_phone_number: z.string(),
  phone_number_id: z.string(),
});

/** `value` of a `field: "messages"` change: messages, statuses and/or errors for one phone number. */
export const messagesValueSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  metadata: metadataSchema,
  contacts: z.array(webhookContactSchema).optional(),
  messages: z.array(inboundMessageSchema).optional(),
  statuses: z.array(statusSchema).optional(),
  errors: z.array(webhookErrorSchema).optional(),
});
export type MessagesValue = z.infer<typeof messagesValueSchema>;

/** `value` of a `message_template_status_update` change. */
export const templateStatusUpdateValueSchema = z.looseObject({
  event: z.string(),
  message_template_id: z.union([z.number(), z.string()]),
  message_template_name: z.string(),
  message_template_language: z.string(),
  reason: z.string().nullable().optional(),
  message_template_category: z.string().optional(),
  rejection_info: z
    .looseObject({ reason: z.string().optional(), recommendation: z.string().optional() })
    .optional(),
  disable_info: z.looseObject({ disable_date: z.union([z.number(), z.string()]).optional() }).optional(),
  other_info: z.looseObject({ title: z.string().optional(), description: z.string().optional() }).optional(),
});
export type TemplateStatusUpdateValue = z.infer<typeof templateStatusUpdateValueSchema>;

/** `value` of a `message_template_quality_update` change (GREEN / YELLOW / RED / UNKNOWN). */
export const templateQualityUpdateValueSchema = z.looseObject({
  message_template_id: z.union([z.number(), z.string()]),
  message_template_name: z.string(),
  message_template_language: z.string(),
  previous_quality_score: z.string().optional(),
  new_quality_score: z.string(),
});
export type TemplateQualityUpdateValue = z.infer<typeof templateQualityUpdateValueSchema>;

/** `value` of a `user_preferences` change (marketing stop / resume). */
export const userPreferencesValueSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  metadata: metadataSchema,
  contacts: z.array(webhookContactSchema).optional(),
  user_preferences: z.array(
    z.looseObject({
      wa_id: z.string().optional(),
      user_id: z.string().optional(),
      category: z.string(),
      value: z.string(),
      detail: z.string().optional(),
      timestamp: z.union([z.number(), z.string()]),
    }),
  ),
});
export type UserPreferencesValue = z.infer<typeof userPreferencesValueSchema>;

/** Shallow envelope: every entry and change, values left unparsed (see `parseWebhookPayload`). */
export const webhookEnvelopeSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      time: z.number().optional(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
    }),
  ),
});
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

export type ParsedWebhookChange =
  | { field: 'messages'; value: MessagesValue }
  | { field: 'message_template_status_update'; value: TemplateStatusUpdateValue }
  | { field: 'message_template_quality_update'; value: TemplateQualityUpdateValue }
  | { field: 'user_preferences'; value: UserPreferencesValue }
  | { field: 'other'; originalField: string; value: unknown };

export type ParsedWebhookEntry = { id: string; time?: number; changes: ParsedWebhookChange[] };
export type WebhookIssue = { path: string; message: string };
export type ParseWebhookResult =
  | { success: true; entries: ParsedWebhookEntry[] }
  | { success: false; issues: WebhookIssue[] };

const valueSchemas = {
  messages: messagesValueSchema,
  message_template_status_update: templateStatusUpdateValueSchema,
  message_template_quality_update: templateQualityUpdateValueSchema,
  user_preferences: userPreferencesValueSchema,
} as const;

function toIssues(prefix: (string | number)[], error: z.ZodError): WebhookIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((part) => String(part))].join('.'),
    message: issue.message,
  }));
}

/**
 * Parses a webhook body (already JSON-decoded, after the signature check) into typed changes.
 * Iterates every entry and change; fields it does not know are returned as `field: "other"`.
 * Returns every issue found, never throws.
 */
export function parseWebhookPayload(body: unknown): ParseWebhookResult {
  const envelope = webhookEnvelopeSchema.safeParse(body);
  if (!envelope.success) return { success: false, issues: toIssues([], envelope.error) };
  const issues: WebhookIssue[] = [];
  const entries: ParsedWebhookEntry[] = envelope.data.entry.map((entry, entryIndex) => {
    const changes: ParsedWebhookChange[] = [];
    entry.changes.forEach((change, changeIndex) => {
      const field = change.field;
      if (!(field in valueSchemas)) {
        changes.push({ field: 'other', originalField: field, value: change.value });
        return;
      }
      const schema = valueSchemas[field as keyof typeof valueSchemas];
      const parsed = schema.safeParse(change.value);
      if (!parsed.success) {
        issues.push(...toIssues(['entry', entryIndex, 'changes', changeIndex, 'value'], parsed.error));
        return;
      }
      changes.push({ field, value: parsed.data } as ParsedWebhookChange);
    });
    return { id: entry.id, time: entry.time, changes };
  });
  if (issues.length > 0) return { success: false, issues };
  return { success: true, entries };
}
