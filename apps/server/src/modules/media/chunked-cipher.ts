import crypto from 'node:crypto';

/**
 * The on-disk format of a media file: an 8-byte header, then the plaintext in chunks of 64 KiB, each
 * sealed on its own with AES-256-GCM under the file's random key:
 *
 *   header  = "PRLM" | version (1) | log2(chunk size) (16) | 0 | 0
 *   chunk i = ciphertext (64 KiB, the last one 0..64 KiB) | tag (16)
 *
 * The nonce of chunk i is its index (8 bytes, big-endian) | 0 0 0 | last-chunk flag; the associated data
 * is header | index | flag. Chunks therefore cannot be reordered, dropped, duplicated or cut off
 * unnoticed: a file whose last chunk was removed ends with a chunk that was not sealed as the last one.
 * Every file has its own key, so a (key, nonce) pair is never reused. A byte range is served by opening
 * only the chunks it touches.
 */
export const CHUNK_BYTES = 64 * 1024;
export const TAG_BYTES = 16;
export const SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES;
export const HEADER = Buffer.from([0x50, 0x52, 0x4c, 0x4d, 1, 16, 0, 0]);

/** A file that is not in this format, or whose bytes were changed, reordered or cut off. */
export class CorruptFileError extends Error {
  constructor(message = 'the media file is damaged or was tampered with') {
    super(message);
  }
}

function nonceOf(index: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 0);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function aadOf(index: number, last: boolean): Buffer {
  const aad = Buffer.alloc(HEADER.length + 9);
  HEADER.copy(aad, 0);
  aad.writeBigUInt64BE(BigInt(index), HEADER.length);
  aad[HEADER.length + 8] = last ? 1 : 0;
  return aad;
}

/** Seals chunk `index` (at most CHUNK_BYTES of plaintext). */
export function sealChunk(key: Buffer, index: number, last: boolean, plaintext: Buffer): Buffer {
  const cipher = crypto.createCipheriv('aes-256-gcm', key, nonceOf(index, last));
  cipher.setAAD(aadOf(index, last));
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Opens chunk `index`; throws CorruptFileError when it was changed, moved or its last flag differs. */
export function openChunk(key: Buffer, index: number, last: boolean, sealed: Buffer): Buffer {
  if (sealed.length < TAG_BYTES) throw new CorruptFileError();
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonceOf(index, last));
    decipher.setAAD(aadOf(index, last));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new CorruptFileError();
  }
}

/** Where the chunks of a sealed file of `fileBytes` bytes are, and how long its plaintext is. */
export function layoutOf(fileBytes: number): { chunks: number; plainBytes: number; lastSealedBytes: number } {
  const body = fileBytes - HEADER.length;
  if (body < TAG_BYTES) throw new CorruptFileError();
  const chunks = Math.ceil(body / SEALED_CHUNK_BYTES);
  const lastSealedBytes = body - (chunks - 1) * SEALED_CHUNK_BYTES;
  if (lastSealedBytes < TAG_BYTES) throw new CorruptFileError();
  return { chunks, plainBytes: body - chunks * TAG_BYTES, lastSealedBytes };
}
