import { PREVIEW_LABELS, previewKindOf } from '@parley/contracts';
import { describeErrorCode } from '@parley/whatsapp/error-codes';
import type { TFunction } from 'i18next';
import type { MessageDto } from './api';

export const REPLY_WINDOW_MS = 24 * 3600_000;
export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;

/** Milliseconds left in the 24-hour customer-service window (0: closed or never opened). */
export function windowRemainingMs(lastInboundAt: string | null | undefined, now = Date.now()): number {
  if (!lastInboundAt) return 0;
  const at = new Date(lastInboundAt).getTime();
  if (Number.isNaN(at)) return 0;
  return Math.max(0, at + REPLY_WINDOW_MS - now);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

export function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** The object of a message's type inside `content` (e.g. `content.image`), if any. */
export function part(message: MessageDto, key: string = message.type): Record<string, unknown> | null {
  const value = message.content?.[key];
  return isRecord(value) ? value : null;
}

/** A one-line, plain description of a message (quotes, notifications, announcements). */
export function summary(message: MessageDto, t: TFunction<'inbox'>): string {
  if (message.text) return message.text;
  const known = ['image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'order', 'system'];
  if (known.includes(message.type)) return t(`message.types.${message.type}` as 'message.types.image');
  if (message.type === 'reaction') {
    return t('message.reaction', { emoji: str(part(message)?.emoji) ?? '' });
  }
  return t('message.unsupported');
}

/** Meta's error code explained for agents in the UI language (German for `de*`, English otherwise). */
export function explainErrorCode(code: number, language: string): string {
  const { explanation } = describeErrorCode(code);
  return language.toLowerCase().startsWith('de') ? explanation.de : explanation.en;
}

/** Only http(s) URLs become links. */
export function safeHttpUrl(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** The reactions on one message: the customer's and ours (`null`: none). */
export type Reactions = { customer: string | null; ours: string | null };

/**
 * Reactions by target wamid: the latest emoji per side (an empty emoji removes it). Our reactions count
 * from the moment they are queued; one that failed leaves the previous state standing.
 */
export function collectReactions(messages: MessageDto[]): Map<string, Reactions> {
  const out = new Map<string, Reactions>();
  for (const m of messages) {
    if (m.type !== 'reaction') continue;
    if (m.direction === 'outbound' && m.status === 'failed') continue;
    const reaction = part(m);
    const target = str(reaction?.message_id);
    if (!target) continue;
    const emoji = str(reaction?.emoji);
    const current = out.get(target) ?? { customer: null, ours: null };
    out.set(
      target,
      m.direction === 'outbound' ? { ...current, ours: emoji } : { ...current, customer: emoji },
    );
  }
  for (const [target, r] of out) if (!r.customer && !r.ours) out.delete(target);
  return out;
}

/** The reactions the agent can pick (WhatsApp's quick reactions). */
export const QUICK_REACTIONS = [
  { emoji: '👍', name: 'thumbsUp' },
  { emoji: '❤️', name: 'heart' },
  { emoji: '😂', name: 'laughing' },
  { emoji: '😮', name: 'surprised' },
  { emoji: '😢', name: 'sad' },
  { emoji: '🙏', name: 'thanks' },
] as const;

/**
 * A media URL we may use: only a same-origin path of our own media route (`/api/v1/workspaces/…/media/…`).
 * URLs from message content (Meta's, a customer's) are never used.
 */
export function sameOriginMediaUrl(
  value: string | null | undefined,
  origin: string = window.location.origin,
): string | null {
  if (!value) return null;
  try {
    const url = new URL(value, origin);
    if (url.origin !== origin) return null;
    if (!/^\/api\/v1\/workspaces\/[^/]+\/media\/[^/]+$/.test(url.pathname)) return null;
    return url.pathname + url.search;
  } catch {
    return null;
  }
}

// Bidi embeddings, overrides, isolates and marks, and other invisible or control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * A file name to show: without control and bidi-override characters, so `invoice\u202Efdp.exe` cannot
 * pose as a PDF (the server stores names cleaned the same way; this also covers older messages).
 */
export function displayFilename(name: string | null | undefined): string | null {
  const cleaned = name?.replace(INVISIBLE, '').trim();
  return cleaned ? cleaned : null;
}

/** `2.4 MB`, `830 KB`, `12 bytes` in the UI language (decimal units, like the phone shows them). */
export function formatBytes(bytes: number | null | undefined, language: string): string | null {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return null;
  const units: [string, number][] = [
    ['gigabyte', 1e9],
    ['megabyte', 1e6],
    ['kilobyte', 1e3],
  ];
  for (const [unit, size] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return new Intl.NumberFormat(language, {
        style: 'unit',
        unit,
        unitDisplay: 'short',
        maximumFractionDigits: value < 10 ? 1 : 0,
      }).format(value);
    }
  }
  return new Intl.NumberFormat(language, { style: 'unit', unit: 'byte', unitDisplay: 'long' }).format(bytes);
}

export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function dayLabel(iso: string, language: string, t: TFunction<'inbox'>, now = new Date()): string {
  const d = new Date(iso);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const that = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((today - that) / 86_400_000);
  if (days === 0) return t('conversation.today');
  if (days === 1) return t('conversation.yesterday');
  const options: Intl.DateTimeFormatOptions =
    days > 0 && days < 7 ? { weekday: 'long' } : { dateStyle: 'long' };
  return new Intl.DateTimeFormat(language, options).format(d);
}

export function timeOf(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { timeStyle: 'short' }).format(new Date(iso));
}

const LEADING_EMOJI = /^(\p{Extended_Pictographic}\uFE0F?)\s/u;

/**
 * The conversation list's preview in the reader's language: the server stores the text of a message,
 * or an English label for a message without text (PREVIEW_LABELS); a label is shown translated, with
 * its emoji. Null (no message yet) gives the "no messages" text.
 */
export function previewText(preview: string | null, t: TFunction): string {
  if (preview === null) return t('list.noPreview');
  const known = previewKindOf(preview);
  if (!known) return preview;
  if (known.kind === 'unsupported') return t('list.previewUnsupported', { type: known.type });
  const emoji = LEADING_EMOJI.exec(PREVIEW_LABELS[known.kind])?.[1];
  const label = t(`message.types.${known.kind}`);
  return emoji ? `${emoji} ${label}` : label;
}
