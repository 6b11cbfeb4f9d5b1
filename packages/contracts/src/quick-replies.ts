import { z } from 'zod';
import { id, isoDate } from './common.js';
import { mediaKindSchema } from './inbox.js';

// Quick replies (canned responses): shared with the workspace or personal, optional attachment,
// variables such as {{contact.first_name}} filled in when one is used.

/** The variables a quick reply may contain, in the order the settings menu offers them. */
export const QUICK_REPLY_VARIABLES = [
  'contact.name',
  'contact.first_name',
  'contact.phone',
  'agent.name',
  'agent.first_name',
  'workspace.name',
] as const;
export type QuickReplyVariable = (typeof QUICK_REPLY_VARIABLES)[number];
export type QuickReplyValues = Partial<Record<QuickReplyVariable, string | null>>;

/** `{{ name }}`: a bounded name of letters, digits, `_` and `.` (no nesting, linear to match). */
const VARIABLE = /\{\{\s*([A-Za-z0-9_.]{1,64})\s*\}\}/g;

function isKnown(name: string): name is QuickReplyVariable {
  return (QUICK_REPLY_VARIABLES as readonly string[]).includes(name);
}

/**
 * Fills the known variables of a quick reply's text in one pass; a known variable without a value
 * becomes empty, an unknown one stays as typed. Values are inserted literally: a value that looks like
 * a variable is not expanded again. Plain text, no escaping. Pure.
 */
export function renderQuickReplyText(text: string, values: QuickReplyValues): string {
  return text.replace(VARIABLE, (whole, raw: string) => {
    const name = raw.toLowerCase();
    if (!isKnown(name)) return whole;
    return values[name] ?? '';
  });
}

/** The variables of a text that are not known (as typed, each once, in order of first use). Pure. */
export function unknownQuickReplyVariables(text: string): string[] {
  const seen: string[] = [];
  for (const m of text.matchAll(VARIABLE)) {
    const raw = m[1]!;
    if (!isKnown(raw.toLowerCase()) && !seen.includes(raw)) seen.push(raw);
  }
  return seen;
}

/** The first word of a name ("Maria Schmidt" → "Maria"); empty for no name. Pure. */
export function firstNameOf(name: string | null | undefined): string {
  return name?.trim().split(/\s+/)[0] ?? '';
}

export const quickReplyScopeSchema = z.enum(['shared', 'personal']);
export type QuickReplyScope = z.infer<typeof quickReplyScopeSchema>;

/** What is typed after `/` in the composer: letters, digits, `-` and `_`; unique per scope ignoring case. */
export const quickReplyShortcutSchema = z
  .string()
  .trim()
  .min(1, { message: 'Enter a shortcut' })
  .max(32, { message: 'At most 32 characters' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, {
    message: 'Use letters, digits, - and _ only (no spaces), starting with a letter or digit',
  });

export const quickReplyMediaDto = z.object({
  id,
  kind: mediaKindSchema,
  filename: z.string().nullable(),
  mimeType: z.string(),
  size: z.number().int().nullable(),
});

export const quickReplyDto = z.object({
  id,
  shortcut: z.string(),
  title: z.string(),
  /** As written, variables unrendered (rendering happens in `…/use`). */
  text: z.string(),
  scope: quickReplyScopeSchema,
  media: quickReplyMediaDto.nullable(),
  updatedAt: isoDate,
});
export type QuickReplyDto = z.infer<typeof quickReplyDto>;

export const quickReplyListResponse = z.object({ quickReplies: z.array(quickReplyDto) });

export const createQuickReplyRequest = z.object({
  shortcut: quickReplyShortcutSchema,
  title: z
    .string()
    .trim()
    .min(1, { message: 'Enter a title' })
    .max(120, { message: 'At most 120 characters' }),
  text: z
    .string()
    .trim()
    .min(1, { message: 'Write the reply' })
    .max(4096, { message: 'At most 4096 characters' }),
  /** `shared`: everyone in the workspace (owners and admins create it); `personal`: only you. */
  scope: quickReplyScopeSchema,
  /** An upload of yours (`POST …/media`) to send with it; null (on update) removes the attachment. */
  mediaId: id.nullable().optional(),
});
export type CreateQuickReplyRequest = z.infer<typeof createQuickReplyRequest>;
export const updateQuickReplyRequest = createQuickReplyRequest.partial();
export type UpdateQuickReplyRequest = z.infer<typeof updateQuickReplyRequest>;

export const quickReplyParams = z.object({ workspaceId: id, quickReplyId: id });

export const useQuickReplyRequest = z.object({ conversationId: id });
export const useQuickReplyResponse = z.object({
  /** The text with the conversation's contact, the caller and the workspace filled in. */
  text: z.string(),
  /** A fresh upload holding a copy of the attachment, ready for `POST …/messages` `{ media }`. */
  mediaId: id.nullable(),
});
export type UseQuickReplyResponse = z.infer<typeof useQuickReplyResponse>;
