import { baseMime, bytesMatchMime, kindOfMime } from '@parley/whatsapp';

const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const startsWith = (b: Uint8Array, sig: number[]) => sig.every((byte, i) => b[i] === byte);

/** Stricter than the shared magic-byte table: the Office formats have signatures too. */
const EXTRA: Record<string, (head: Uint8Array) => boolean> = {
  'application/msword': (b) => startsWith(b, OLE),
  'application/vnd.ms-excel': (b) => startsWith(b, OLE),
  'application/vnd.ms-powerpoint': (b) => startsWith(b, OLE),
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': (b) => startsWith(b, ZIP),
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': (b) => startsWith(b, ZIP),
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': (b) => startsWith(b, ZIP),
  // Plain text that is really markup (HTML, SVG, XML) is refused: it is what a browser would render.
  'text/plain': (b) => !/^(\ufeff)?\s*<[a-z!?/]/i.test(new TextDecoder().decode(b.subarray(0, 512))),
};

/**
 * May a file whose first bytes are `head` be kept as `mime`? The type must be one WhatsApp takes
 * (MEDIA_LIMITS) and the bytes must look like it: the shared signatures (JPEG, PNG, WebP, PDF, Ogg,
 * MP4/3GP), OLE or ZIP for Office files, and no markup in text/plain. So an SVG or HTML page cannot
 * pass as an image, a PDF or a text file. Pure.
 */
export function isAcceptableContent(head: Uint8Array, mime: string): boolean {
  const base = baseMime(mime);
  if (!kindOfMime(base)) return false;
  if (head.length === 0 || !bytesMatchMime(head, base)) return false;
  return EXTRA[base]?.(head) ?? true;
}

/** The type to send in `Content-Type`: the accepted MIME type, or application/octet-stream. */
export function servedContentType(mime: string): string {
  const base = baseMime(mime);
  return kindOfMime(base) ? base : 'application/octet-stream';
}

/** A SHA-256 as lower-case hex, from Meta's base64 (webhooks) or from hex; null when it is neither. */
export function sha256Hex(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return v.toLowerCase();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(v)) return null;
  const bytes = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : null;
}
