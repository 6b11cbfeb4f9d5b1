import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES, HEADER, SEALED_CHUNK_BYTES } from './chunked-cipher.js';
import { CorruptFileError, FileTooLargeError, isMemoryDataDir, MediaStorage } from './storage.js';

let storage: MediaStorage;
const ws = crypto.randomUUID();

beforeAll(async () => {
  storage = new MediaStorage(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-storage-test-')));
});
afterAll(() => fs.rmSync(storage.root, { recursive: true, force: true }));

async function* pieces(bytes: Buffer, size = 10_000) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(stream: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of stream) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

async function read(file: { storageKey: string; key: Buffer }, range?: { start: number; end: number }) {
  const { stream } = await storage.readStream(ws, file.storageKey, file.key, range);
  return collect(stream);
}

const sizes = [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 1234];

describe('MediaStorage', () => {
  it.each(sizes)('round-trips %i bytes and reports size and SHA-256 of the plaintext', async (n) => {
    const bytes = crypto.randomBytes(n);
    const file = await storage.writeStream(ws, pieces(bytes, 7777), { maxBytes: 10 * CHUNK_BYTES });
    expect(file.sizeBytes).toBe(n);
    expect(file.sha256).toBe(crypto.createHash('sha256').update(bytes).digest('hex'));
    expect(file.storageKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const onDisk = fs.readFileSync(storage.pathOf(ws, file.storageKey));
    expect(onDisk.length).toBe(HEADER.length + n + 16 * Math.max(1, Math.ceil(n / CHUNK_BYTES)));
    expect((await read(file)).equals(bytes)).toBe(true);
    const { sizeBytes, stream } = await storage.readStream(ws, file.storageKey, file.key);
    expect(sizeBytes).toBe(n);
    stream.destroy();
  });

  it('stores no plaintext: a file of one repeated pattern does not contain it on disk', async () => {
    const pattern = Buffer.from('CONFIDENTIAL-INVOICE-0001 ');
    const bytes = Buffer.concat(Array.from({ length: 5000 }, () => pattern));
    const file = await storage.writeStream(ws, pieces(bytes), { maxBytes: 1e7 });
    const onDisk = fs.readFileSync(storage.pathOf(ws, file.storageKey));
    expect(onDisk.includes(pattern)).toBe(false);
    expect(onDisk.includes(Buffer.from('CONFIDENTIAL'))).toBe(false);
  });

  it.each([
    ['inside one chunk', 10, 20],
    ['the first byte only', 0, 0],
    ['across a chunk boundary', CHUNK_BYTES - 5, CHUNK_BYTES + 5],
    ['exactly one whole chunk', CHUNK_BYTES, 2 * CHUNK_BYTES - 1],
    ['across three chunks', 100, 2 * CHUNK_BYTES + 100],
    ['the last byte', 3 * CHUNK_BYTES + 99, 3 * CHUNK_BYTES + 99],
    ['an end past the file (clamped)', 3 * CHUNK_BYTES, 10 * CHUNK_BYTES],
  ])('serves a byte range %s', async (_name, start, end) => {
    const bytes = crypto.randomBytes(3 * CHUNK_BYTES + 100);
    const file = await storage.writeStream(ws, pieces(bytes), { maxBytes: 1e7 });
    expect((await read(file, { start, end })).equals(bytes.subarray(start, end + 1))).toBe(true);
  });

  it('aborts a stream over the cap while it streams and leaves no file behind', async () => {
    const dirBefore = listAll(storage.root).length;
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield crypto.randomBytes(1000);
      }
    }
    await expect(storage.writeStream(ws, endless(), { maxBytes: 5000 })).rejects.toBeInstanceOf(
      FileTooLargeError,
    );
    expect(pulled).toBe(6);
    expect(listAll(storage.root).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(listAll(storage.root).length).toBe(dirBefore);
  });

  it('lets `check` refuse the file from its first bytes before anything of it is written', async () => {
    const seen: number[] = [];
    await expect(
      storage.writeStream(ws, pieces(Buffer.from('<svg onload=alert(1)>')), {
        maxBytes: 1e6,
        check: (head) => {
          seen.push(head.length);
          throw new Error('refused');
        },
      }),
    ).rejects.toThrow('refused');
    expect(seen).toEqual([21]);
    expect(listAll(storage.root).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  describe('detects tampering', () => {
    async function stored() {
      const bytes = crypto.randomBytes(2 * CHUNK_BYTES + 500);
      const file = await storage.writeStream(ws, pieces(bytes), { maxBytes: 1e7 });
      return { file, bytes, where: storage.pathOf(ws, file.storageKey) };
    }

    it('a flipped byte', async () => {
      const { file, where } = await stored();
      const raw = fs.readFileSync(where);
      raw[HEADER.length + SEALED_CHUNK_BYTES + 42]! ^= 0x01;
      fs.writeFileSync(where, raw);
      await expect(read(file)).rejects.toBeInstanceOf(CorruptFileError);
      // A range that does not touch the damaged chunk still reads.
      expect((await read(file, { start: 0, end: 99 })).length).toBe(100);
    });

    it('a dropped last chunk', async () => {
      const { file, where } = await stored();
      const raw = fs.readFileSync(where);
      fs.writeFileSync(where, raw.subarray(0, HEADER.length + 2 * SEALED_CHUNK_BYTES));
      await expect(read(file)).rejects.toBeInstanceOf(CorruptFileError);
    });

    it('a file cut in the middle of a chunk', async () => {
      const { file, where } = await stored();
      const raw = fs.readFileSync(where);
      fs.writeFileSync(where, raw.subarray(0, raw.length - 100));
      await expect(read(file)).rejects.toBeInstanceOf(CorruptFileError);
    });

    it('two swapped chunks', async () => {
      const { file, where } = await stored();
      const raw = fs.readFileSync(where);
      const a = raw.subarray(HEADER.length, HEADER.length + SEALED_CHUNK_BYTES);
      const b = raw.subarray(HEADER.length + SEALED_CHUNK_BYTES, HEADER.length + 2 * SEALED_CHUNK_BYTES);
      fs.writeFileSync(
        where,
        Buffer.concat([HEADER, b, a, raw.subarray(HEADER.length + 2 * SEALED_CHUNK_BYTES)]),
      );
      await expect(read(file)).rejects.toBeInstanceOf(CorruptFileError);
    });

    it('an appended chunk', async () => {
      const { file, where } = await stored();
      const raw = fs.readFileSync(where);
      fs.writeFileSync(
        where,
        Buffer.concat([raw, raw.subarray(HEADER.length, HEADER.length + SEALED_CHUNK_BYTES)]),
      );
      await expect(read(file)).rejects.toBeInstanceOf(CorruptFileError);
    });

    it('the wrong key', async () => {
      const { file } = await stored();
      await expect(read({ ...file, key: crypto.randomBytes(32) })).rejects.toBeInstanceOf(CorruptFileError);
    });
  });

  it('removes a file, and removing it twice is fine', async () => {
    const file = await storage.writeStream(ws, pieces(Buffer.from('x')), { maxBytes: 10 });
    await storage.remove(ws, file.storageKey);
    await storage.remove(ws, file.storageKey);
    await expect(read(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses paths that could leave the root', () => {
    expect(() => storage.pathOf('../../etc', 'a'.repeat(43))).toThrow();
    expect(() => storage.pathOf(ws, '../../../../../../../../../../../../../etc/passwd')).toThrow();
  });

  it('uses a temporary directory, removed on close, for an in-memory data directory', async () => {
    expect(isMemoryDataDir('memory://')).toBe(true);
    expect(isMemoryDataDir(path.resolve('memory://'))).toBe(true);
    expect(isMemoryDataDir('/var/lib/parley')).toBe(false);
    const temp = await MediaStorage.open(path.resolve('memory://'));
    expect(temp.root.startsWith(os.tmpdir())).toBe(true);
    expect(fs.existsSync(temp.root)).toBe(true);
    await temp.close();
    expect(fs.existsSync(temp.root)).toBe(false);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-datadir-'));
    const real = await MediaStorage.open(dataDir);
    expect(real.root).toBe(path.join(dataDir, 'media'));
    await real.close();
    expect(fs.existsSync(real.root)).toBe(true);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

function listAll(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}
