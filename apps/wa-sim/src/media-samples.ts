import { deflateSync } from 'node:zlib';
import type { MediaKind } from './media-store.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real PNG (RGB gradient with a seed-dependent tint), so inbound images render in any viewer. */
export function samplePng(seed = 0, size = 96): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 2;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x += 1) {
      row[1 + x * 3] = (x * 255) / size;
      row[2 + x * 3] = (y * 255) / size;
      row[3 + x * 3] = (seed * 53) % 256;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Placeholder bytes with the right signature for each kind (not playable media, but type-correct). */
export function sampleMedia(
  kind: MediaKind,
  seed = 0,
): { bytes: Buffer; mimeType: string; filename?: string } {
  switch (kind) {
    case 'image':
      return { bytes: samplePng(seed), mimeType: 'image/png' };
    case 'sticker': {
      const body = Buffer.from(
        'WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00',
        'latin1',
      );
      const header = Buffer.alloc(8);
      header.write('RIFF', 0, 'latin1');
      header.writeUInt32LE(body.length, 4);
      return { bytes: Buffer.concat([header, body]), mimeType: 'image/webp' };
    }
    case 'audio':
      return {
        bytes: Buffer.concat([Buffer.from('OggS', 'latin1'), Buffer.alloc(60)]),
        mimeType: 'audio/ogg; codecs=opus',
      };
    case 'video':
      return {
        bytes: Buffer.concat([
          Buffer.from([0, 0, 0, 24]),
          Buffer.from('ftypisom', 'latin1'),
          Buffer.alloc(52),
        ]),
        mimeType: 'video/mp4',
      };
    case 'document':
      return {
        bytes: Buffer.from('%PDF-1.4\n% Parley simulator sample document\n%%EOF\n', 'latin1'),
        mimeType: 'application/pdf',
        filename: 'document.pdf',
      };
  }
}
