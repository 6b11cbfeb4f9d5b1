import { MAX_PHONE_DIGITS, MIN_PHONE_DIGITS, PREFIX_LENGTH, phoneDigits } from './index-tokens.js';
import { charLength, firstChars, MAX_WORD_LENGTH, splitWords } from './tokenizer.js';

/**
 * How a search query is answered from the blind index.
 * - `tokens`: plaintext tokens a text must all contain (AND): `w:<word>` for every query word but the
 *   last (whole words), and for the last word `w:<word>` when it is shorter than PREFIX_LENGTH, else
 *   `p:<first 4 chars>` (as-you-type: the last word may be the start of a word). Empty when no text
 *   can match (no words, or a word longer than any indexed word).
 * - `lastWordPrefix`: set when the last word is longer than PREFIX_LENGTH: the `p:` token only says
 *   "a word starts with these 4 characters", so candidates are decrypted and checked with
 *   `matchesWords`. Otherwise the tokens are exact and no check is needed.
 * - `phoneTokens`: for a query that is a phone number (at least 4 digits and only phone punctuation):
 *   a contact matches when it has any of them (prefix `t:` or suffix `s:` of its number; a leading
 *   `00` or `0` and a `(0)` are understood as international / national prefixes).
 */
export type SearchPlan = {
  words: string[];
  tokens: string[];
  lastWordPrefix: string | null;
  phoneTokens: string[];
};

/** Plans a query (pure). A plan with neither `tokens` nor `phoneTokens` finds nothing. */
export function planSearch(query: string): SearchPlan {
  const words = splitWords(query);
  const tokens = new Set<string>();
  let lastWordPrefix: string | null = null;
  const last = words[words.length - 1];
  const searchable = last !== undefined && words.every((w) => charLength(w) <= MAX_WORD_LENGTH);
  if (searchable) {
    for (const word of words.slice(0, -1)) tokens.add(`w:${word}`);
    const n = charLength(last);
    if (n < PREFIX_LENGTH) tokens.add(`w:${last}`);
    else tokens.add(`p:${firstChars(last, PREFIX_LENGTH)}`);
    if (n > PREFIX_LENGTH) lastWordPrefix = last;
  }
  return { words, tokens: [...tokens], lastWordPrefix, phoneTokens: phoneQueryTokens(query) };
}

function phoneQueryTokens(query: string): string[] {
  const digits = phoneDigits(query.replace(/\(0\)/g, ''));
  if (!digits) return [];
  const out = new Set([`t:${digits}`, `s:${digits}`]);
  // "0049 151…" is "+49 151…"; "0151 …" is the national form: the rest is the end of the number.
  if (digits.startsWith('00')) out.add(`t:${digits.slice(2)}`);
  else if (digits.startsWith('0')) out.add(`s:${digits.slice(1)}`);
  return [...out].filter((t) => {
    const n = t.length - 2;
    return n >= MIN_PHONE_DIGITS && n <= MAX_PHONE_DIGITS;
  });
}

/**
 * Whether the words of a text (or a name) satisfy the query: every query word but the last is one
 * of the words; the last is one of them or, when it has at least PREFIX_LENGTH characters, the start
 * of one of them. Pure; used to check candidates after decryption.
 */
export function matchesWords(plan: SearchPlan, textWords: string[]): boolean {
  if (plan.tokens.length === 0) return false;
  const have = new Set(textWords);
  const last = plan.words[plan.words.length - 1]!;
  if (!plan.words.slice(0, -1).every((w) => have.has(w))) return false;
  if (have.has(last)) return true;
  return charLength(last) >= PREFIX_LENGTH && textWords.some((w) => w.startsWith(last));
}
