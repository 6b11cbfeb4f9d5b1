/**
 * Media types and size limits of the Cloud API (contract section 6), shared by the server (checks
 * before an upload is accepted and before a download is stored), the web app (checks before a file is
 * uploaded at all) and the simulator (answers 131053 like Meta).
 */
const KB = 1024;
const MB = 1024 * 1024;

export type MediaKind = 'audio' | 'document' | 'image' | 'sticker' | 'video';

export const MEDIA_KINDS: readonly MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

/** Supported MIME types and size limits per kind. */
export const MEDIA_LIMITS: Record<MediaKind, { mimes: string[]; maxBytes: number }> = {
  audio: { mimes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * MB },
  document: {
    mimes: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * MB,
  },
  image: { mimes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
  sticker: { mimes: ['image/webp'], maxBytes: 500 * KB },
  video: { mimes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
};
export const STATIC_STICKER_MAX_BYTES = 100 * KB;
/** Largest file accepted at all (documents). */
export const MAX_UPLOAD_BYTES = 100 * MB;

/** `image/jpeg; charset=x` → `image/jpeg`. */
export function baseMime(mime: string): string {
  return mime.split(';')[0]!.trim().toLowerCase();
}

/** The kind a MIME type belongs to (webp counts as sticker); undefined when WhatsApp does not take it. */
export function kindOfMime(mime: string): MediaKind | undefined {
  const base = baseMime(mime);
  for (const [kind, limits] of Object.entries(MEDIA_LIMITS) as [MediaKind, { mimes: string[] }][]) {
    if (limits.mimes.includes(base)) return kind;
  }
  return undefined;
}

const MAGIC: Record<string, (bytes: Uint8Array) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => b[i] === byte),
  'image/webp': (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP',
  'application/pdf': (b) => ascii(b, 0, 5) === '%PDF-',
  'audio/ogg': (b) => ascii(b, 0, 4) === 'OggS',
  'video/mp4': (b) => ascii(b, 4, 8) === 'ftyp',
  'audio/mp4': (b) => ascii(b, 4, 8) === 'ftyp',
  'video/3gpp': (b) => ascii(b, 4, 8) === 'ftyp',
};

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}

/** True when the first bytes look like the declared type (checked for types with a clear signature). */
export function bytesMatchMime(bytes: Uint8Array, mime: string): boolean {
  const check = MAGIC[baseMime(mime)];
  return check ? check(bytes) : true;
}

/** Why a file cannot be sent on WhatsApp, or null when it can: `type` (not accepted) or `size` (too big). */
export function checkMediaFile(
  mime: string,
  sizeBytes: number,
): { problem: 'type'; kind?: undefined } | { problem: 'size'; kind: MediaKind; maxBytes: number } | null {
  const kind = kindOfMime(mime);
  if (!kind) return { problem: 'type' };
  const maxBytes = MEDIA_LIMITS[kind].maxBytes;
  if (sizeBytes > maxBytes || sizeBytes === 0) return { problem: 'size', kind, maxBytes };
  return null;
}
