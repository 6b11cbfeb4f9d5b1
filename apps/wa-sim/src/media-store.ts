import { createHash, createHmac, randomBytes } from 'node:crypto';
import { baseMime, bytesMatchMime, kindOfMime, MEDIA_LIMITS, type MediaKind } from '@parley/whatsapp';
import type { SimClock } from './clock.js';
import { GraphError } from './errors.js';
import { newNumericId } from './ids.js';
import type { MediaSettings } from './options.js';

export type { MediaKind } from '@parley/whatsapp';
export {
  baseMime,
  bytesMatchMime,
  kindOfMime,
  MAX_UPLOAD_BYTES,
  MEDIA_LIMITS,
  STATIC_STICKER_MAX_BYTES,
} from '@parley/whatsapp';

export function isAnimatedWebp(bytes: Buffer): boolean {
  return bytes.includes('ANIM', 0, 'latin1');
}

export type MediaItem = {
  id: string;
  bytes: Buffer;
  mimeType: string;
  sha256: Buffer;
  filename?: string;
  origin: 'upload' | 'inbound';
  kind: MediaKind;
  createdAt: number;
  expiresAt: number;
};

/**
 * Uploaded and inbound media, in memory. Oldest items are evicted beyond `maxTotalBytes`.
 * Download URLs are signed with a per-process key and expire after `urlTtlMs` (sim clock).
 */
export class MediaStore {
  private items = new Map<string, MediaItem>();
  private totalBytes = 0;
  private readonly urlKey = randomBytes(32);

  constructor(
    private readonly settings: MediaSettings,
    private readonly clock: SimClock,
  ) {}

  /** Checks type and size like Meta (131053) and stores the file. */
  upload(
    bytes: Buffer,
    mimeType: string,
    filename: string | undefined,
    origin: 'upload' | 'inbound',
    id: string = newNumericId(),
  ): MediaItem {
    const kind = kindOfMime(mimeType);
    if (!kind) {
      throw new GraphError({
        code: 131053,
        details: `Param file must be a file with one of the following types: ${Object.values(MEDIA_LIMITS)
          .flatMap((limits) => limits.mimes)
          .join(', ')}. Received file of type '${baseMime(mimeType)}'.`,
      });
    }
    const limit = MEDIA_LIMITS[kind].maxBytes;
    if (bytes.length > limit) {
      throw new GraphError({
        code: 131053,
        details: `${kind} files must be at most ${limit} bytes; this one has ${bytes.length}.`,
      });
    }
    if (bytes.length === 0) throw new GraphError({ code: 131053, details: 'The uploaded file is empty.' });
    if (!bytesMatchMime(bytes, mimeType)) {
      throw new GraphError({
        code: 131053,
        details: `The file content does not match its declared type '${baseMime(mimeType)}'.`,
      });
    }
    const now = this.clock.now();
    const ttl = origin === 'upload' ? this.settings.uploadedTtlMs : this.settings.inboundTtlMs;
    const item: MediaItem = {
      id,
      bytes,
      mimeType,
      sha256: createHash('sha256').update(bytes).digest(),
      filename,
      origin,
      kind,
      createdAt: now,
      expiresAt: now + ttl,
    };
    this.items.set(item.id, item);
    this.totalBytes += bytes.length;
    this.evict();
    return item;
  }

  /** The item if it exists and has not expired. */
  find(id: string): MediaItem | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    if (item.expiresAt <= this.clock.now()) {
      this.remove(id);
      return undefined;
    }
    return item;
  }

  remove(id: string): boolean {
    const item = this.items.get(id);
    if (!item) return false;
    this.items.delete(id);
    this.totalBytes -= item.bytes.length;
    return true;
  }

  sha256Of(item: MediaItem): string {
    return this.settings.sha256Encoding === 'hex'
      ? item.sha256.toString('hex')
      : item.sha256.toString('base64');
  }

  /** Path + query of a download URL valid for `urlTtlMs` (or until `expiresAt` for webhook URLs). */
  downloadPath(item: MediaItem, expiresAtMs = this.clock.now() + this.settings.urlTtlMs): string {
    const ext = Math.floor(expiresAtMs / 1000);
    const hash = this.sign(item.id, ext);
    return `/whatsapp_business/attachments/?mid=${item.id}&ext=${ext}&hash=${hash}`;
  }

  /** Resolves a download; undefined when the link is forged, expired or the media is gone (→ 404). */
  resolveDownload(mid: string, ext: string, hash: string): MediaItem | undefined {
    const expires = Number(ext);
    if (!Number.isInteger(expires) || this.sign(mid, expires) !== hash) return undefined;
    if (expires * 1000 <= this.clock.now()) return undefined;
    return this.find(mid);
  }

  private sign(mid: string, ext: number): string {
    return createHmac('sha256', this.urlKey).update(`${mid}:${ext}`).digest('base64url').slice(0, 22);
  }

  private evict(): void {
    for (const [id, item] of this.items) {
      if (this.totalBytes <= this.settings.maxTotalBytes) return;
      this.items.delete(id);
      this.totalBytes -= item.bytes.length;
    }
  }
}
