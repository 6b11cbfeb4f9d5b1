import { z } from 'zod';
import { id, isoDate } from './common.js';

// The rules a channel's name and secrets follow, at connect and when they are changed later.
const channelName = z.string().trim().min(1, { message: 'Enter a name' }).max(80);
const channelAccessToken = z.string().trim().min(10, { message: 'Paste the access token' }).max(1000);
const channelAppSecret = z.string().trim().min(8, { message: 'Paste the app secret' }).max(200);

export const createChannelRequest = z.object({
  type: z.literal('whatsapp'),
  name: channelName,
  phoneNumberId: z
    .string()
    .trim()
    .regex(/^\d{1,30}$/, { message: 'The phone number ID is a number from Meta' }),
  wabaId: z
    .string()
    .trim()
    .regex(/^\d{1,30}$/, { message: 'The WhatsApp Business Account ID is a number from Meta' }),
  accessToken: channelAccessToken,
  appSecret: channelAppSecret,
  verifyToken: z.string().trim().min(16).max(200).optional(),
  graphBaseUrl: z.url({ protocol: /^https?$/, message: 'Enter an http(s) URL' }).optional(),
  graphApiVersion: z
    .string()
    .regex(/^v\d{1,3}\.0$/, { message: 'Like v24.0' })
    .optional(),
});
export type CreateChannelRequest = z.infer<typeof createChannelRequest>;

export const channelDto = z.object({
  id,
  type: z.literal('whatsapp'),
  name: z.string(),
  phoneNumberId: z.string(),
  wabaId: z.string(),
  displayPhoneNumber: z.string().nullable(),
  qualityRating: z.string().nullable(),
  messagingLimit: z.string().nullable(),
  isSandbox: z.boolean(),
  status: z.enum(['active', 'disabled']),
  webhookUrl: z.string(),
  graphBaseUrl: z.string(),
  graphApiVersion: z.string(),
  createdAt: isoDate,
});
export type ChannelDto = z.infer<typeof channelDto>;
/** Only at creation: the verify token to paste into Meta's dashboard. Secrets are never shown again. */
export const createChannelResponse = channelDto.extend({ verifyToken: z.string() });
/**
 * Renames a connected number and/or renews its access token or app secret (each on its own).
 * A field left out keeps its current value; at least one is needed.
 */
export const updateChannelRequest = z
  .object({
    name: channelName.optional(),
    accessToken: channelAccessToken.optional(),
    appSecret: channelAppSecret.optional(),
  })
  .refine(
    (body) => body.name !== undefined || body.accessToken !== undefined || body.appSecret !== undefined,
    {
      message: 'Change the name, the access token or the app secret',
    },
  );
export type UpdateChannelRequest = z.infer<typeof updateChannelRequest>;
export const channelListResponse = z.object({ channels: z.array(channelDto) });
export const channelParams = z.object({ workspaceId: id, channelId: id });

export const conversationStatusSchema = z.enum(['open', 'pending', 'snoozed', 'resolved']);
export const messageStatusSchema = z.enum([
  'received',
  'pending',
  'sent',
  'delivered',
  'read',
  'failed',
  'unknown',
]);

export const contactSummaryDto = z.object({
  id,
  name: z.string().nullable(),
  waId: z.string().nullable(),
});

export const conversationDto = z.object({
  id,
  channelId: id,
  status: conversationStatusSchema,
  assigneeId: id.nullable(),
  teamId: id.nullable(),
  contact: contactSummaryDto,
  lastMessageAt: isoDate,
  lastInboundAt: isoDate.nullable(),
  lastMessagePreview: z.string().nullable(),
  /** Customer messages the team has not read (shared counter). */
  unreadCount: z.number().int(),
  priority: z.enum(['none', 'low', 'medium', 'high', 'urgent']),
  /** Set while status is `snoozed`: when it wakes up (earlier when the customer writes). */
  snoozedUntil: isoDate.nullable(),
  /** Waiting in the channel's auto-assignment queue since then; null when not queued. */
  queuedAt: isoDate.nullable(),
  assignedAt: isoDate.nullable(),
  labelIds: z.array(id),
  /** Unread for the caller: new customer messages since they last read it, or marked unread by them. */
  isUnread: z.boolean(),
});
export type ConversationDto = z.infer<typeof conversationDto>;

export const conversationListQuery = z.object({
  status: conversationStatusSchema.optional(),
  /**
   * Search: contact name (words and prefixes), phone number (at least 4 digits, from the start or the
   * end) and message words (whole words; the last word also as a prefix of at least 4 letters).
   */
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'Search (1–100 characters). A conversation matches when its contact name has every word of `q` or ' +
        'one of its messages does (text, caption, button or list title). Words are compared without case ' +
        'and accents (ä = a, ß = ss); words before the last must be whole words, the last word also ' +
        'matches as the start of a word when it has at least 4 letters. A `q` of at least 4 digits (with ' +
        'spaces, +, -, (, ), . or /) also matches a number that starts or ends with them; a leading 0 or ' +
        '00 is understood. No substrings inside words, no fuzzy matching. Order, filters and the cursor ' +
        'work as without `q`, but the search stops at fixed bounds per page: a page may hold fewer than ' +
        '`limit` conversations (even none) and still have a `nextCursor`; pass it as `before` to go on.',
    ),
  assignee: z.enum(['me', 'unassigned', 'all']).default('all'),
  /** Only the conversations assigned to this person (with `assignee` left at `all`). */
  assigneeId: id.optional(),
  channelId: id.optional(),
  teamId: id.optional(),
  /** Only conversations carrying this label. */
  labelId: id.optional(),
  priority: z.enum(['none', 'low', 'medium', 'high', 'urgent']).optional(),
  /** `true`: only those waiting in the auto-assignment queue (oldest first is the queue's order). */
  queued: z.enum(['true', 'false']).optional(),
  /** Only conversations with activity at or after this time (ISO 8601). */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Cursor: lastMessageAt|id of the last row of the previous page. */
  before: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const conversationListResponse = z.object({
  conversations: z.array(conversationDto),
  nextCursor: z.string().nullable(),
});
export const conversationParams = z.object({ workspaceId: id, conversationId: id });

export const mediaKindSchema = z.enum(['image', 'video', 'audio', 'document', 'sticker']);
/** An attachment. `url` (same origin, needs the session) is set once the file is stored. */
export const mediaDto = z.object({
  id,
  kind: mediaKindSchema,
  mimeType: z.string(),
  sizeBytes: z.number().int().nullable(),
  filename: z.string().nullable(),
  status: z.enum(['pending', 'stored', 'failed']),
  url: z.string().nullable(),
  error: z.string().nullable(),
});
export type MediaDto = z.infer<typeof mediaDto>;

export const messageDto = z.object({
  id,
  conversationId: id,
  direction: z.enum(['inbound', 'outbound']),
  /** `message` (to or from the customer), `note` (internal, never sent to WhatsApp) or `activity` (assigned, resolved…). */
  kind: z.enum(['message', 'note', 'activity']),
  type: z.string(),
  text: z.string().nullable(),
  content: z.record(z.string(), z.unknown()).nullable(),
  status: messageStatusSchema,
  providerMessageId: z.string().nullable(),
  replyToProviderId: z.string().nullable(),
  /** A reply to a newsletter (inbound): the broadcast it answers. */
  broadcastId: z.string().nullable().optional(),
  errorCode: z.number().int().nullable(),
  errorTitle: z.string().nullable(),
  /** A failed send the agent may try again (the retry button); free-form messages also need the 24-hour window open. */
  retryable: z.boolean(),
  media: mediaDto.nullable(),
  senderUserId: id.nullable(),
  createdAt: isoDate,
  /** Changes with every status change: of two copies of a message, the later `updatedAt` is current. */
  updatedAt: isoDate,
  sentAt: isoDate.nullable(),
  deliveredAt: isoDate.nullable(),
  readAt: isoDate.nullable(),
});
export type MessageDto = z.infer<typeof messageDto>;
export const messageListQuery = z.object({
  /** The previous page's `nextCursor` ("time|sequence"), or an ISO time: only older messages. */
  before: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const messageListResponse = z.object({
  messages: z.array(messageDto),
  hasMore: z.boolean(),
  /** Pass as `before` to get the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});

export const sendTextRequest = z.object({
  text: z
    .string()
    .trim()
    .min(1, { message: 'Write a message' })
    .max(4096, { message: 'At most 4096 characters' }),
  previewUrl: z.boolean().optional(),
  replyToMessageId: id.optional(),
});
export type SendTextRequest = z.infer<typeof sendTextRequest>;

/** A template message: the only kind allowed when the 24-hour window is closed. */
export const sendTemplateRequest = z.object({
  template: z.object({
    templateId: id,
    /** Values for {{1}}, {{2}}… (positional) in order, or by name for NAMED templates. */
    body: z
      .union([
        z.array(z.string().trim().min(1).max(1024)).max(50),
        z.record(z.string(), z.string().trim().min(1).max(1024)),
      ])
      .optional(),
    /** A text header's single {{1}} value. */
    header: z.array(z.string().trim().min(1).max(60)).max(1).optional(),
    headerMediaId: id
      .optional()
      .describe(
        'For a template with an IMAGE, VIDEO or DOCUMENT header (`headerFormat`): an uploaded file ' +
          '(`POST …/media`) of that kind, required then. It goes out as the header (a document with its ' +
          "file name), is shown as the message's `media`, and, like any attachment, can be sent only once " +
          '(`media_not_ready` for a file that is not stored or already sent).',
      ),
    buttons: z
      .record(
        z.string().regex(/^\d{1,2}$/, { message: 'A button index' }),
        z
          .string()
          .trim()
          .min(1, { message: 'Fill in this value' })
          .max(2000, { message: 'At most 2000 characters' }),
      )
      .optional()
      .describe(
        'Values of the buttons that take one (`buttonParameters`), by button index ("1": "A-1042"): the ' +
          "end of a URL button's address (its `{{1}}`, no spaces or line breaks) or the code a copy-code " +
          'button copies (at most 15 characters). Every such button needs its value.',
      ),
  }),
});
export type SendTemplateRequest = z.infer<typeof sendTemplateRequest>;

/** An uploaded file (`POST …/media`) sent as image, video, audio, document or sticker. */
export const sendMediaRequest = z.object({
  media: z.object({
    mediaId: id,
    /** Not for audio and stickers. */
    caption: z.string().trim().max(1024, { message: 'At most 1024 characters' }).optional(),
  }),
  replyToMessageId: id.optional(),
});
export type SendMediaRequest = z.infer<typeof sendMediaRequest>;

/** A reaction on a message of the conversation; an empty emoji removes ours. */
export const sendReactionRequest = z.object({
  reaction: z.object({
    messageId: id,
    emoji: z.string().max(32),
  }),
});
export type SendReactionRequest = z.infer<typeof sendReactionRequest>;

/** `{ text }`, `{ template }`, `{ media }` or `{ reaction }`. */
export const sendMessageRequest = z.union([
  sendTextRequest,
  sendTemplateRequest,
  sendMediaRequest,
  sendReactionRequest,
]);
export type SendMessageRequest = z.infer<typeof sendMessageRequest>;

export const templateDto = z.object({
  id,
  channelId: id,
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  /** Meta's reason for a rejection, pause or disablement (e.g. `INVALID_FORMAT`), null otherwise. */
  statusReason: z.string().nullable().optional(),
  /** Meta's quality rating of the template: GREEN, YELLOW, RED or UNKNOWN; null before Meta rated it. */
  qualityScore: z.string().nullable().optional(),
  parameterFormat: z.enum(['POSITIONAL', 'NAMED']),
  components: z.array(z.record(z.string(), z.unknown())),
  /** Placeholders of the body, in order: ["1","2"] or ["first_name", …]. */
  bodyParameters: z.array(z.string()),
  headerParameters: z.array(z.string()),
  headerFormat: z
    .enum(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'])
    .nullable()
    .describe(
      'The header kind, null without a header (or one of a kind Parley does not know). A GIF header is ' +
        'VIDEO (it is sent as an MP4 video). IMAGE, VIDEO and DOCUMENT headers need `headerMediaId` when ' +
        'sending; LOCATION headers cannot be sent from Parley yet.',
    ),
  buttonParameters: z
    .array(
      z.object({
        /** The button's 0-based position among the template's buttons (the key in `template.buttons`). */
        index: z.number().int(),
        type: z.enum(['url', 'copy_code']),
        /** The button's label. */
        text: z.string(),
        /** Meta's example value (for a URL button: the part that replaces `{{1}}`). */
        example: z.string().optional(),
      }),
    )
    .describe(
      'The buttons that take a value when sending, in order: a URL button whose address has `{{1}}` and ' +
        'every copy-code button. Send the values as `template.buttons` (index → value).',
    ),
  syncedAt: isoDate,
});
export type TemplateDto = z.infer<typeof templateDto>;
export const templateListQuery = z.object({
  channelId: id.optional(),
  status: z.string().max(40).optional(),
});
export const templateListResponse = z.object({ templates: z.array(templateDto) });

export const contactParams = z.object({ workspaceId: id, contactId: id });
export const messageParams = z.object({ workspaceId: id, conversationId: id, messageId: id });
export const mediaParams = z.object({ workspaceId: id, mediaId: id });
export const contactDto = contactSummaryDto.extend({
  createdAt: isoDate,
  conversations: z.array(
    z.object({ id, channelId: id, status: conversationStatusSchema, lastMessageAt: isoDate }),
  ),
});

/**
 * The conversation list's preview of a message without text, as the server stores it (English, with
 * an emoji). The web app recognises these and shows them in the reader's language (previewKindOf).
 */
export const PREVIEW_LABELS = {
  image: '📷 Photo',
  video: '🎬 Video',
  audio: '🎤 Audio',
  document: '📄 Document',
  sticker: 'Sticker',
  location: '📍 Location',
  contacts: '👤 Contact',
  reaction: 'Reaction',
  order: '🛒 Order',
  system: 'System message',
} as const;
export type PreviewKind = keyof typeof PREVIEW_LABELS | 'unsupported';

const UNSUPPORTED_PREVIEW = /^Unsupported message \(([a-z_]{1,40})\)$/;

/** The label stored for a message of `type` without text. */
export function previewLabelOf(type: string): string {
  return (PREVIEW_LABELS as Record<string, string>)[type] ?? `Unsupported message (${type})`;
}

/** Which kind of message a stored preview stands for, or null when it is a message's own text. */
export function previewKindOf(preview: string): { kind: PreviewKind; type?: string } | null {
  for (const [kind, label] of Object.entries(PREVIEW_LABELS))
    if (preview === label) return { kind: kind as PreviewKind };
  const unsupported = UNSUPPORTED_PREVIEW.exec(preview);
  return unsupported ? { kind: 'unsupported', type: unsupported[1]! } : null;
}
