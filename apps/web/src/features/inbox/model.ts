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

/** Only http(s) URLs become links. */
export function safeHttpUrl(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** Reactions by target wamid: the latest emoji per sender direction (an empty emoji removes it). */
export function collectReactions(messages: MessageDto[]): Map<string, string[]> {
  const latest = new Map<string, Map<string, string>>();
  for (const m of messages) {
    if (m.type !== 'reaction') continue;
    const reaction = part(m);
    const target = str(reaction?.message_id);
    if (!target) continue;
    const bySender = latest.get(target) ?? new Map<string, string>();
    const emoji = typeof reaction?.emoji === 'string' ? reaction.emoji : '';
    if (emoji) bySender.set(m.direction, emoji);
    else bySender.delete(m.direction);
    latest.set(target, bySender);
  }
  const out = new Map<string, string[]>();
  for (const [target, bySender] of latest) if (bySender.size) out.set(target, [...bySender.values()]);
  return out;
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
