import { baseMime } from '@parley/whatsapp';

/** File name extensions that fit each accepted type; the first is added when a name has none of them. */
const EXTENSIONS: Record<string, string[]> = {
  'text/plain': ['txt', 'text', 'log', 'csv', 'md'],
  'application/pdf': ['pdf'],
  'application/msword': ['doc', 'dot'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.ms-excel': ['xls', 'xlt'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.ms-powerpoint': ['ppt', 'pps', 'pot'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'audio/aac': ['aac'],
  'audio/amr': ['amr'],
  'audio/mpeg': ['mp3', 'mpga'],
  'audio/mp4': ['m4a', 'mp4'],
  'audio/ogg': ['ogg', 'oga', 'opus'],
  'video/mp4': ['mp4', 'm4v'],
  'video/3gpp': ['3gp', '3gpp'],
};

const MAX_LENGTH = 200;
// C0 and C1 controls, DEL, bidi embeddings/overrides/isolates and marks, zero-width joiners and BOM.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
// Characters that are not allowed in file names on Windows (the customer may open the file there).
const RESERVED = /[<>:"|?*]/g;

/** The usual extension of an accepted MIME type (`bin` for anything else). */
export function extensionOf(mime: string): string {
  return EXTENSIONS[baseMime(mime)]?.[0] ?? 'bin';
}

/**
 * A file name that is safe to store, show and hand to a browser or WhatsApp: no directories (`../`,
 * `C:\`), no control or bidi-override characters (a name like `invoice\u202Efdp.exe` cannot pose as a
 * PDF), no leading dots, Windows-reserved characters replaced, at most 200 characters, and an extension
 * that fits `mime` (added when missing or wrong: `evil.html` sent as text/plain becomes `evil.html.txt`,
 * so the saved file does not open in a browser). Null when nothing usable is left. Pure.
 */
export function sanitizeFilename(raw: string | null | undefined, mime: string): string | null {
  if (!raw) return null;
  let name = raw.normalize('NFC').replace(INVISIBLE, '');
  name = name.split(/[/\\]/).pop() ?? '';
  name = name
    .replace(RESERVED, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '');
  if (!name) return null;
  const allowed = EXTENSIONS[baseMime(mime)];
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  let stem = name;
  let suffix = '';
  if (allowed?.includes(ext)) {
    stem = name.slice(0, dot);
    suffix = name.slice(dot);
  } else if (allowed) {
    suffix = `.${allowed[0]}`;
  }
  const room = MAX_LENGTH - suffix.length;
  const chars = Array.from(stem);
  if (chars.length > room)
    stem = chars
      .slice(0, room)
      .join('')
      .replace(/[\s.]+$/, '');
  return stem ? `${stem}${suffix}` : null;
}

/**
 * `Content-Disposition: attachment` with an ASCII fallback `filename` and the exact UTF-8 name in
 * `filename*` (RFC 6266, RFC 5987). Quotes, backslashes and non-ASCII never reach the quoted string.
 */
export function contentDisposition(filename: string): string {
  const ascii = Array.from(filename)
    .map((c) => (/^[\x20-\x7e]$/.test(c) && c !== '"' && c !== '\\' && c !== '%' ? c : '_'))
    .join('');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
