import { z } from 'zod';
import { id, isoDate } from './common.js';

/** What a consent is for: newsletters and offers (UWG § 7), or service messages. */
export const consentPurposeSchema = z.enum(['marketing', 'service']);
export type ConsentPurpose = z.infer<typeof consentPurposeSchema>;
/** `requested`: a double opt-in waiting for the person's confirmation (it permits nothing yet). */
export const consentActionSchema = z.enum(['requested', 'granted', 'withdrawn']);
export type ConsentAction = z.infer<typeof consentActionSchema>;
/** The state a purpose is in: the newest entry's action, or `none` without any. */
export const consentStateSchema = z.enum(['none', 'requested', 'granted', 'withdrawn']);
export type ConsentState = z.infer<typeof consentStateSchema>;

/**
 * Where a consent came from. Parley writes `keyword`, `button`, `meta` (WhatsApp's own marketing
 * opt-out, error 131050) itself; the API accepts any of these words, or another short one.
 */
export const KNOWN_CONSENT_SOURCES = [
  'keyword',
  'button',
  'web_form',
  'widget',
  'import',
  'api',
  'agent',
  'meta',
] as const;

export const recordConsentRequest = z.object({
  purpose: consentPurposeSchema,
  action: z.enum(['granted', 'withdrawn']),
  source: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .describe('How it was given: keyword, button, web_form, widget, import, api, agent, or your own word'),
  /** Proof given with it: where the sign-up form's record is, an agent's note. Stored encrypted. */
  evidence: z.string().trim().max(2000).optional(),
  /** The wording the person agreed to (and its version). */
  wording: z.string().trim().max(2000).optional(),
  /** Only this WhatsApp number; without it, every channel of the workspace. */
  channelId: id.optional(),
});
export type RecordConsentRequest = z.infer<typeof recordConsentRequest>;

export const consentEntryDto = z.object({
  id,
  contactId: id.nullable(),
  purpose: consentPurposeSchema,
  action: consentActionSchema,
  source: z.string(),
  channelId: id.nullable(),
  wording: z.string().nullable(),
  evidence: z.string().nullable(),
  messageId: id.nullable(),
  actorUserId: id.nullable(),
  createdAt: isoDate,
});
export type ConsentEntryDto = z.infer<typeof consentEntryDto>;

export const consentHistoryResponse = z.object({
  /** Oldest first: the history as it happened. */
  items: z.array(consentEntryDto),
  /** The state per purpose over all channels (a channel's own newer entry overrides it there). */
  current: z.object({ marketing: consentStateSchema, service: consentStateSchema }),
});
export type ConsentHistoryResponse = z.infer<typeof consentHistoryResponse>;

/** The workspace's consent keywords and texts (Settings → Consent). */
export const consentSettingsDto = z.object({
  /** A message that is exactly one of these (any case, punctuation ignored) withdraws marketing consent. */
  optOutKeywords: z.array(z.string().trim().min(1).max(40)).max(20),
  /** A message that is exactly one of these starts the double opt-in. */
  optInKeywords: z.array(z.string().trim().min(1).max(40)).max(20),
  /** The confirmation question sent after an opt-in keyword (with the buttons yes / no). */
  confirmQuestion: z.string().trim().min(1).max(1000),
  confirmYes: z.string().trim().min(1).max(20),
  confirmNo: z.string().trim().min(1).max(20),
  /** Sent when the person confirmed. */
  confirmedReply: z.string().trim().min(1).max(1000),
  /** Sent after an opt-out. */
  optOutReply: z.string().trim().min(1).max(1000),
});
export type ConsentSettingsDto = z.infer<typeof consentSettingsDto>;
export const updateConsentSettingsRequest = consentSettingsDto.partial();
