import type { ImportField, ImportMapping } from '@parley/contracts';
import chardet from 'chardet';

/** The encodings a contacts CSV may come in, as iconv-lite names them. */
export type CsvEncoding = 'utf8' | 'utf16le' | 'utf16be' | 'windows1252';

/**
 * Detects the encoding from the first bytes: a byte-order mark decides; otherwise valid UTF-8 is
 * UTF-8; UTF-16 without a BOM is recognised by its zero bytes; a single-byte Western encoding
 * (Latin-1 / Windows-1252, what Excel writes on German Windows) is accepted when chardet says so and
 * there are no control bytes. Null for anything else (binary, other code pages): refused.
 */
export function detectEncoding(head: Buffer): { encoding: CsvEncoding; bomLength: number } | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf16be', bomLength: 2 };
  if (head.length === 0) return { encoding: 'utf8', bomLength: 0 };
  const sample = head.subarray(0, Math.min(head.length, 64 * 1024));
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 === 0 ? evenZeros++ : oddZeros++;
  const half = sample.length / 2;
  const textish = (from: number) => {
    for (let i = from; i < sample.length; i += 2)
      if (sample[i]! < 0x09 || (sample[i]! < 0x20 && sample[i] !== 0x0a && sample[i] !== 0x0d)) return false;
    return true;
  };
  if (sample.length >= 16 && oddZeros > half * 0.6 && evenZeros === 0 && textish(0))
    return { encoding: 'utf16le', bomLength: 0 };
  if (sample.length >= 16 && evenZeros > half * 0.6 && oddZeros === 0 && textish(1))
    return { encoding: 'utf16be', bomLength: 0 };
  if (evenZeros + oddZeros > 0) return null;
  // Control bytes other than tab / CR / LF mean this is not a text file.
  for (const b of sample) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return null;
  if (isUtf8(sample)) return { encoding: 'utf8', bomLength: 0 };
  const guess = chardet.detect(sample);
  if (guess && /^(ISO-8859-1|ISO-8859-15|windows-1252)$/i.test(guess))
    return { encoding: 'windows1252', bomLength: 0 };
  return null;
}

/** Valid UTF-8, allowing a multi-byte sequence cut off at the end of the sample. */
function isUtf8(bytes: Buffer): boolean {
  let end = bytes.length;
  // Drop an incomplete trailing sequence (up to 3 bytes).
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = bytes[end - back]!;
    if ((b & 0xc0) === 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (back < need) end -= back;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** The delimiter of the header line: the most frequent of , ; tab and | outside quotes. */
export function detectDelimiter(firstLine: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
    ['|', 0],
  ]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

const HEADER_WORDS: Array<[RegExp, ImportField]> = [
  [
    /^(phone|telefon|tel|mobile|mobil|handy|whatsapp|number|nummer|rufnummer|telefonnummer|phone number|wa_id)$/,
    'phone',
  ],
  [/^(name|full name|vollständiger name|kontakt|contact|display name|anzeigename)$/, 'name'],
  [/^(e-?mail|email address|e-mail-adresse|mail)$/, 'email'],
  [/^(labels?|tags?|schlagworte?|etiketten?)$/, 'labels'],
];

/** Column → field from the header names (English and German), custom attributes by key or label. */
export function suggestMapping(
  headers: string[],
  attributes: Array<{ key: string; label: string }>,
): ImportMapping {
  const out: ImportMapping = {};
  const taken = new Set<ImportField>();
  for (const h of headers) {
    const norm = h.trim().toLowerCase();
    let field: ImportField = 'ignore';
    for (const [re, f] of HEADER_WORDS) if (re.test(norm) && !taken.has(f)) field = f;
    if (field === 'ignore') {
      const a = attributes.find((x) => x.key === norm || x.label.toLowerCase() === norm);
      if (a && !taken.has(`attr:${a.key}`)) field = `attr:${a.key}`;
    }
    if (field !== 'ignore') taken.add(field);
    out[h] = field;
  }
  return out;
}

/**
 * A cell a spreadsheet would run as a formula (CSV injection): starts with = or @, with + or -
 * followed by something other than a digit, space or bracket (phone numbers stay allowed), or with
 * a tab or carriage return.
 */
export function looksLikeFormula(value: string): boolean {
  if (value.length === 0) return false;
  const c = value[0]!;
  if (c === '=' || c === '@' || c === '\t' || c === '\r') return true;
  if (c === '+' || c === '-') return value.length > 1 && !/[\d\s(]/.test(value[1]!);
  return false;
}

/** An exported cell, safe to open in Excel/LibreOffice: formula starters get a leading quote. */
export function escapeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Undoes escapeCell on import (a file we exported comes back unchanged). */
export function unescapeCell(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}
