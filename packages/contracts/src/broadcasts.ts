import { z } from 'zod';
import { id, workspaceParams } from './common.js';

/** A template variable: a fixed text or a contact field (`contact.name`, `contact.phone`, `contact.attributes.<key>`). */
export const broadcastVariable = z.union([
  z.string().min(1).max(1024),
  z.object({
    field: z.string().regex(/^contact\.(name|phone|email|attributes\.[A-Za-z0-9_]+)$/),
    fallback: z.string().min(1).max(1024).optional(),
  }),
]);

/**
 * One condition of a dynamic segment; a contact is in the segment when it meets all of them.
 * `consent` is the marketing consent on the broadcast's number; `lastContact` the newest conversation
 * activity; `conversation` the history with the broadcast's number.
 */
export const audienceCondition = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('label'),
    labelIds: z.array(id).min(1).max(100),
    match: z.enum(['any', 'all']).default('any'),
  }),
  z.object({
    type: z.literal('attribute'),
    key: z.string().regex(/^[A-Za-z0-9_]{1,64}$/),
    op: z.enum(['equals', 'not_equals', 'contains', 'exists', 'not_exists']),
    value: z.string().max(256).optional(),
  }),
  z.object({ type: z.literal('consent'), state: z.enum(['granted', 'requested', 'withdrawn', 'none']) }),
  z.object({
    type: z.literal('lastContact'),
    op: z.enum(['within_days', 'before_days', 'never']),
    days: z.number().int().min(1).max(3650).optional(),
  }),
  z.object({ type: z.literal('conversation'), op: z.enum(['any', 'none', 'open', 'resolved']) }),
]);
export type AudienceCondition = z.infer<typeof audienceCondition>;

/**
 * Who a broadcast goes to: the contacts named, those carrying one of the labels, and those meeting every
 * condition of the segment (the union of the three), minus the exclusions.
 */
export const broadcastAudience = z.object({
  contactIds: z.array(id).max(100_000).optional(),
  labelIds: z.array(id).max(100).optional(),
  segment: z.object({ conditions: z.array(audienceCondition).min(1).max(20) }).optional(),
  exclude: z
    .object({
      contactIds: z.array(id).max(100_000).optional(),
      labelIds: z.array(id).max(100).optional(),
    })
    .optional(),
});
export type BroadcastAudience = z.infer<typeof broadcastAudience>;

export const createBroadcastRequest = z.object({
  channelId: id,
  templateName: z.string().min(1).max(512),
  language: z.string().min(2).max(15),
  audience: broadcastAudience,
  /** Body placeholders by number (or name); a text header's as `header.1`. */
  variables: z.record(z.string().min(1).max(64), broadcastVariable).optional(),
  scheduledAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateBroadcastRequest = z.infer<typeof createBroadcastRequest>;

export const broadcastParams = workspaceParams.extend({ broadcastId: id });

export const broadcastState = z.enum(['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled']);
export const broadcastRecipientState = z.enum([
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
  'unknown',
]);

export const broadcastCounts = z.object({
  total: z.number(),
  /** Recipients who answered (their reply is linked to the broadcast in the inbox). */
  replied: z.number(),
  queued: z.number(),
  sending: z.number(),
  sent: z.number(),
  delivered: z.number(),
  read: z.number(),
  failed: z.number(),
  skipped: z.number(),
  unknown: z.number(),
});

export const broadcastDto = z.object({
  id,
  channelId: id,
  templateName: z.string(),
  language: z.string(),
  category: z.string(),
  state: broadcastState,
  pauseReason: z.string().nullable(),
  pauseCode: z.number().nullable(),
  pauseDetail: z.string().nullable(),
  resumeAt: z.string().nullable(),
  scheduledAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  counts: broadcastCounts,
  /** Failed and skipped recipients per reason, most frequent first. */
  errors: z.array(z.object({ code: z.string(), message: z.string(), count: z.number() })),
  /** Failed recipients that "retry failed" would send again (transient errors only). */
  retryable: z.number(),
  audience: broadcastAudience,
  variables: z.record(z.string(), broadcastVariable),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type BroadcastDto = z.infer<typeof broadcastDto>;

export const broadcastListResponse = z.object({ items: z.array(broadcastDto) });

export const broadcastRecipientsQuery = z.object({
  cursor: z.string().regex(/^\d+$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  state: broadcastRecipientState.optional(),
});

export const broadcastRecipientDto = z.object({
  contactId: id,
  state: broadcastRecipientState,
  consentEntryId: z.string().nullable(),
  name: z.string().nullable(),
  /** E.164 with a leading +. */
  phone: z.string().nullable(),
  repliedAt: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).optional(),
  sentAt: z.string().nullable(),
});
export const broadcastRecipientsResponse = z.object({
  items: z.array(broadcastRecipientDto),
  nextCursor: z.string().nullable(),
});

/** `POST /broadcasts/audience-preview`: what a broadcast with these settings would reach, before it exists. */
export const audiencePreviewRequest = z.object({
  channelId: id,
  templateName: z.string().min(1).max(512).optional(),
  language: z.string().min(2).max(15).optional(),
  audience: broadcastAudience,
  variables: z.record(z.string().min(1).max(64), broadcastVariable).optional(),
});
export const audiencePreviewResponse = z.object({
  /** Contacts in the audience (after exclusions). */
  total: z.number(),
  /** Who would receive it now. */
  eligible: z.number(),
  /** Why the others would not. */
  excluded: z.object({
    /** Removed by an exclusion rule (contacts or labels). */
    byRule: z.number(),
    noConsent: z.number(),
    optedOut: z.number(),
    blocked: z.number(),
    noNumber: z.number(),
    /** Beyond what the daily messaging limit leaves today: they wait until capacity returns. */
    overDailyLimit: z.number(),
  }),
  /** Unique customers per rolling 24 h (null: unlimited) and what is left of it now. */
  dailyLimit: z.number().nullable(),
  dailyRemaining: z.number().nullable(),
  throughputMps: z.number(),
  /** Seconds the sending takes at the number's throughput (without waiting for the daily limit). */
  estimatedSeconds: z.number(),
  /** Whether the template needs marketing consent (category MARKETING, or no template given). */
  marketing: z.boolean(),
  /** Up to five eligible recipients with the variable values they would get (null: no value, skipped). */
  samples: z.array(
    z.object({
      contactId: id,
      name: z.string().nullable(),
      variables: z.record(z.string(), z.string().nullable()),
    }),
  ),
});
export type AudiencePreviewResponse = z.infer<typeof audiencePreviewResponse>;

/**
 * `POST /broadcasts/audience-import`: a static list from CSV (columns phone, name, consent_proof; a
 * header row names them, in any order). Unknown numbers become contacts; a row with a consent proof
 * records marketing consent (source import, the proof as evidence) on the channel given.
 */
export const audienceImportRequest = z.object({
  channelId: id,
  csv: z.string().min(1).max(5_000_000),
});
export const audienceImportResponse = z.object({
  contactIds: z.array(id),
  created: z.number(),
  matched: z.number(),
  consentsRecorded: z.number(),
  errors: z.array(z.object({ line: z.number(), code: z.string(), message: z.string() })),
});

/** `POST /broadcasts/:id/retry-failed`: transient failures queued again; the broadcast runs again. */
export const retryFailedResponse = z.object({ retried: z.number(), broadcast: broadcastDto });
