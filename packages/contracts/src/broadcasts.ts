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

export const createBroadcastRequest = z.object({
  channelId: id,
  templateName: z.string().min(1).max(512),
  language: z.string().min(2).max(15),
  audience: z.object({
    contactIds: z.array(id).max(100_000).optional(),
    labelIds: z.array(id).max(100).optional(),
  }),
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
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).optional(),
  sentAt: z.string().nullable(),
});
export const broadcastRecipientsResponse = z.object({
  items: z.array(broadcastRecipientDto),
  nextCursor: z.string().nullable(),
});
