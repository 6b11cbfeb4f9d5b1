import { z } from 'zod';
import { id, isoDate } from './common.js';
import { conversationStatusSchema } from './inbox.js';
import { labelDto } from './team-inbox.js';

/** ISO 3166-1 alpha-2, the country a national number ("0151 …") belongs to. */
export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'Use a two-letter country code such as DE')
  .describe('ISO 3166-1 alpha-2');

export const attributeTypeSchema = z.enum(['text', 'number', 'date', 'list', 'checkbox']);
export type AttributeType = z.infer<typeof attributeTypeSchema>;
export const attributeValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
export const attributeValues = z.record(z.string().max(64), attributeValue);
export type AttributeValues = z.infer<typeof attributeValues>;

export const customAttributeDto = z.object({
  id,
  key: z.string(),
  label: z.string(),
  type: attributeTypeSchema,
  options: z.array(z.string()),
  position: z.number().int(),
});
export type CustomAttributeDto = z.infer<typeof customAttributeDto>;
export const customAttributeListResponse = z.object({ attributes: z.array(customAttributeDto) });
export const createCustomAttributeRequest = z.object({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'Lower-case letters, digits and _, starting with a letter (max 40)'),
  label: z.string().trim().min(1).max(80),
  type: attributeTypeSchema,
  options: z.array(z.string().trim().min(1).max(80)).max(100).optional(),
  position: z.number().int().min(0).max(1000).optional(),
});
export const updateCustomAttributeRequest = createCustomAttributeRequest
  .omit({ key: true, type: true })
  .partial();
export const customAttributeParams = z.object({ workspaceId: id, attributeId: id });

export const contactListQuery = z.object({
  q: z.string().max(200).optional(),
  labelId: id.optional(),
  blocked: z.enum(['true', 'false']).optional(),
  sort: z.enum(['recent', 'created']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export type ContactListQuery = z.infer<typeof contactListQuery>;

export const contactListItem = z.object({
  id,
  name: z.string().nullable(),
  /** E.164, e.g. +4915112345678. */
  phone: z.string().nullable(),
  email: z.string().nullable(),
  labels: z.array(labelDto),
  blocked: z.boolean(),
  source: z.enum(['whatsapp', 'import', 'manual']),
  lastActivityAt: isoDate.nullable(),
  createdAt: isoDate,
});
export type ContactListItem = z.infer<typeof contactListItem>;
export const contactListResponse = z.object({
  items: z.array(contactListItem),
  nextCursor: z.string().nullable(),
});
export type ContactListResponse = z.infer<typeof contactListResponse>;

export const contactNoteDto = z.object({
  id,
  text: z.string(),
  authorId: id.nullable(),
  authorName: z.string().nullable(),
  createdAt: isoDate,
});
export type ContactNoteDto = z.infer<typeof contactNoteDto>;

/** A contact's profile (GET /contacts/:id). Only conversations the caller may see are listed. */
export const contactProfileDto = contactListItem.extend({
  /** The WhatsApp id (digits of the number), as in conversations. */
  waId: z.string().nullable(),
  attributes: attributeValues,
  notes: z.array(contactNoteDto),
  blockedAt: isoDate.nullable(),
  conversations: z.array(
    z.object({ id, channelId: id, status: conversationStatusSchema, lastMessageAt: isoDate }),
  ),
});
export type ContactProfileDto = z.infer<typeof contactProfileDto>;

const phoneInput = z.string().trim().min(3).max(40);
export const createContactRequest = z.object({
  /** Without a name the contact shows their number until their WhatsApp profile name arrives. */
  name: z.string().trim().min(1).max(200).optional(),
  phone: phoneInput,
  email: z.email().max(320).optional(),
  attributes: attributeValues.optional(),
  labelIds: z.array(id).max(50).optional(),
  defaultCountry: countryCode.optional(),
});
export type CreateContactRequest = z.infer<typeof createContactRequest>;
export const updateContactRequest = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  email: z.email().max(320).nullable().optional(),
  attributes: attributeValues.optional(),
});
export type UpdateContactRequest = z.infer<typeof updateContactRequest>;
export const setContactLabelsRequest = z.object({ labelIds: z.array(id).max(50) });
export const contactNoteRequest = z.object({ text: z.string().trim().min(1).max(5000) });
export const contactNoteParams = z.object({ workspaceId: id, contactId: id, noteId: id });
/**
 * POST /contacts/:id/merge: the contact `otherId` is merged into `:id` (conversations, notes,
 * labels and consent move over; empty fields and attributes are filled from it) and then deleted.
 * Answers the kept contact's profile.
 */
export const mergeContactRequest = z.object({ otherId: id });
export type MergeContactRequest = z.infer<typeof mergeContactRequest>;

/** Where a CSV column goes. */
export const importField = z.union([
  z.enum(['name', 'phone', 'email', 'labels', 'ignore']),
  z.string().regex(/^attr:[a-z][a-z0-9_]{0,39}$/),
]);
export type ImportField = z.infer<typeof importField>;
export const importMapping = z.record(z.string().max(200), importField);
export type ImportMapping = z.infer<typeof importMapping>;

export const importPreviewResponse = z.object({
  encoding: z.string(),
  delimiter: z.string(),
  headers: z.array(z.string()),
  sample: z.array(z.array(z.string())),
  suggestedMapping: importMapping,
});
export type ImportPreviewResponse = z.infer<typeof importPreviewResponse>;

export const importRejectReason = z.enum([
  'invalid_phone',
  'missing_phone',
  'duplicate_in_file',
  'formula',
  'too_long',
  'invalid_email',
  'invalid_attribute',
  'malformed_csv',
]);
export type ImportRejectReason = z.infer<typeof importRejectReason>;
export const importReport = z.object({
  imported: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  rejectedCount: z.number().int(),
  /** The first 1000 rejected rows (row 1 is the header, so data starts at row 2). */
  rejected: z.array(
    z.object({ row: z.number().int(), reason: importRejectReason, detail: z.string().optional() }),
  ),
  encoding: z.string(),
});
export type ImportReport = z.infer<typeof importReport>;
