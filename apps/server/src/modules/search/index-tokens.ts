import { charLength, firstChars, indexWords } from './tokenizer.js';

/** Words of at least this many characters also get a prefix token of their first PREFIX_LENGTH. */
export const PREFIX_LENGTH = 4;
/** Phone numbers / WhatsApp ids are indexed by their first and last n digits, n from this on. */
export const MIN_PHONE_DIGITS = 4;
/** Longer digit strings are not phone numbers (E.164 has at most 15 digits). */
export const MAX_PHONE_DIGITS = 20;

/**
 * Plaintext tokens of some words: `w:<word>` for each word and `p:<first 4 chars>` for words of 4 or
 * more characters. Deduplicated. These are hashed (see hash.ts) before they are stored.
 */
export function wordTokens(words: string[]): string[] {
  const out = new Set<string>();
  for (const word of words) {
    out.add(`w:${word}`);
    if (charLength(word) >= PREFIX_LENGTH) out.add(`p:${firstChars(word, PREFIX_LENGTH)}`);
  }
  return [...out];
}

/** Plaintext index tokens of a message text (text, caption, button or list title); none for null. */
export function messageIndexTokens(text: string | null | undefined): string[] {
  return text ? wordTokens(indexWords(text)) : [];
}

/**
 * The digits of a value that looks like a phone number or WhatsApp id (only digits, spaces and
 * `+ - ( ) . /`, with MIN_PHONE_DIGITS to MAX_PHONE_DIGITS digits), else null.
 */
export function phoneDigits(value: string | null | undefined): string | null {
  if (!value || !/^[\d\s+\-()./]+$/.test(value)) return null;
  const digits = value.replace(/\D/g, '');
  return digits.length >= MIN_PHONE_DIGITS && digits.length <= MAX_PHONE_DIGITS ? digits : null;
}

/**
 * Plaintext index tokens of a contact: the name's word tokens, and for the phone number / WhatsApp
 * id `t:<first n digits>` and `s:<last n digits>` for every n from MIN_PHONE_DIGITS to its length.
 */
export function contactIndexTokens(name: string | null | undefined, waId: string | null | undefined) {
  const out = name ? wordTokens(indexWords(name)) : [];
  const digits = phoneDigits(waId);
  if (digits) {
    for (let n = MIN_PHONE_DIGITS; n <= digits.length; n++) {
      out.push(`t:${digits.slice(0, n)}`, `s:${digits.slice(-n)}`);
    }
  }
  return out;
}
