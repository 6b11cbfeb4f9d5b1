import { checkMediaFile, kindOfMime, MEDIA_LIMITS, type MediaKind } from '@parley/whatsapp/media-limits';

export type { MediaKind };

/** MIME types by extension, for files the browser gives no (or an unusual) type. Only types WhatsApp takes. */
const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  mp4: 'video/mp4',
  '3gp': 'video/3gpp',
  aac: 'audio/aac',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  txt: 'text/plain',
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/** The file picker's `accept`: every type WhatsApp takes, by MIME type and by extension. */
export const ACCEPTED_FILES = [
  ...Object.values(MEDIA_LIMITS).flatMap((limits) => limits.mimes),
  ...Object.keys(MIME_BY_EXTENSION).map((ext) => `.${ext}`),
].join(',');

/** The file picker's `accept` for one kind (a template's media header): its MIME types and extensions. */
export function acceptFor(kind: MediaKind): string {
  const mimes = MEDIA_LIMITS[kind].mimes;
  const extensions = Object.entries(MIME_BY_EXTENSION)
    .filter(([, mime]) => mimes.includes(mime))
    .map(([ext]) => `.${ext}`);
  return [...mimes, ...extensions].join(',');
}

/** Names browsers use for types WhatsApp knows under another name. */
const MIME_ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'audio/mp3': 'audio/mpeg',
  'audio/x-m4a': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'audio/x-aac': 'audio/aac',
  'audio/opus': 'audio/ogg',
  'video/3gp': 'video/3gpp',
};

/** `Report.PDF` → `pdf`; null without an extension. */
export function extensionOf(name: string): string | null {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name);
  return m ? (m[1] ?? '').toLowerCase() : null;
}

/** The MIME type to upload a file as: the browser's (normalised), else by extension, else ''. Pure. */
export function mimeOf(file: { name: string; type: string }): string {
  const declared = file.type.split(';')[0]?.trim().toLowerCase() ?? '';
  const aliased = MIME_ALIASES[declared] ?? declared;
  if (aliased && kindOfMime(aliased)) return aliased;
  const ext = extensionOf(file.name);
  const byExtension = ext ? MIME_BY_EXTENSION[ext] : undefined;
  if (byExtension && (!aliased || aliased === 'application/octet-stream')) return byExtension;
  return aliased;
}

export type FileProblem =
  | { problem: 'type'; extension: string | null; mime: string }
  | { problem: 'size'; kind: MediaKind; maxBytes: number; sizeBytes: number }
  | { problem: 'empty' };

/** Why WhatsApp would refuse this file (checked before any upload), or null. Pure. */
export function checkFile(file: { name: string; type: string; size: number }): FileProblem | null {
  const mime = mimeOf(file);
  const found = checkMediaFile(mime, file.size);
  if (!found) return null;
  if (found.problem === 'type') return { problem: 'type', extension: extensionOf(file.name), mime };
  if (file.size === 0) return { problem: 'empty' };
  return { problem: 'size', kind: found.kind, maxBytes: found.maxBytes, sizeBytes: file.size };
}

/** The kind a file will be sent as (image, video, audio, document, sticker). */
export function kindOfFile(file: { name: string; type: string }): MediaKind | undefined {
  return kindOfMime(mimeOf(file));
}

/** Audio and stickers are sent without a caption. */
export function captionAllowed(kind: MediaKind | undefined): boolean {
  return kind !== 'audio' && kind !== 'sticker';
}

/**
 * `7.2 MB`, `500 KB`, `12 B` in the UI language. Binary units (1 MB = 1024 × 1024 bytes), the units
 * WhatsApp's limits are given in, so "at most 5 MB" and "this one is 7.2 MB" compare like for like.
 */
export function formatFileSize(bytes: number, language: string): string {
  const units: [string, number][] = [
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['KB', 1024],
  ];
  for (const [unit, size] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      const digits = value < 10 ? 1 : 0;
      return `${new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(value)} ${unit}`;
    }
  }
  return `${new Intl.NumberFormat(language).format(bytes)} B`;
}

/** The limit and the file's size as texts that differ (in KB when both would read the same). */
export function sizesForProblem(
  maxBytes: number,
  sizeBytes: number,
  language: string,
): { max: string; size: string } {
  const max = formatFileSize(maxBytes, language);
  const size = formatFileSize(sizeBytes, language);
  if (size !== max) return { max, size };
  return { max, size: `${new Intl.NumberFormat(language).format(Math.ceil(sizeBytes / 1024))} KB` };
}

/** True when the text contains an http(s) URL (WhatsApp then can show a link preview). */
export function hasHttpUrl(text: string): boolean {
  return /(^|[\s(<"'])https?:\/\/[^\s/$.?#][^\s]*/i.test(text);
}
