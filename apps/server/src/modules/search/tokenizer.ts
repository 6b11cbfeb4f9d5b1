/** Words longer than this are not indexed (and a longer query word finds nothing). */
export const MAX_WORD_LENGTH = 40;
/** At most this many distinct words of one text are indexed (the first ones). */
export const MAX_WORDS_PER_TEXT = 200;

const COMBINING_MARKS = /\p{M}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Normalises text for search: NFKC (ligatures, full-width and superscript forms), lower case,
 * diacritics removed (NFD without combining marks: "Müller" → "muller", "Ça" → "ca"), "ß" → "ss".
 * Pure; the index and the query use the same function, so both sides always agree.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(/ß/g, 'ss')
    .normalize('NFC');
}

/** Length in code points (what "characters" means for the limits here). */
export function charLength(word: string): number {
  return [...word].length;
}

/** The first `n` code points of a word. */
export function firstChars(word: string, n: number): string {
  return [...word].slice(0, n).join('');
}

/**
 * Every word of a text in order, normalised: runs of Unicode letters and digits. Punctuation, emoji,
 * symbols and markup characters separate words and are never words themselves
 * (`<script>` → `script`, `https://a.de/x` → `https`, `a`, `de`, `x`).
 */
export function splitWords(text: string): string[] {
  return normalizeText(text).match(WORD) ?? [];
}

/**
 * The words of a text as indexed: `splitWords`, without words over MAX_WORD_LENGTH characters,
 * deduplicated, at most MAX_WORDS_PER_TEXT (the first ones).
 */
export function indexWords(text: string): string[] {
  const out = new Set<string>();
  for (const word of splitWords(text)) {
    if (charLength(word) > MAX_WORD_LENGTH) continue;
    out.add(word);
    if (out.size >= MAX_WORDS_PER_TEXT) break;
  }
  return [...out];
}
