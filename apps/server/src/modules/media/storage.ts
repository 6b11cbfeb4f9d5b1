import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { isUuid } from '../../lib/ids.js';
import {
  CHUNK_BYTES,
  CorruptFileError,
  HEADER,
  layoutOf,
  openChunk,
  SEALED_CHUNK_BYTES,
  sealChunk,
} from './chunked-cipher.js';

export { CorruptFileError } from './chunked-cipher.js';

/** The stream was longer than the cap; nothing was kept. */
export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the file is larger than ${maxBytes} bytes`);
  }
}

/** What `writeStream` stored: the random storage key, the file's own key (raw), size and hex SHA-256. */
export type WrittenFile = { storageKey: string; key: Buffer; sizeBytes: number; sha256: string };

/** An inclusive byte range of the plaintext. */
export type ByteRange = { start: number; end: number };

/** `PARLEY_DATA_DIR=memory://` (config resolves it to `<cwd>/memory:`, the database sees it raw). */
export function isMemoryDataDir(dataDir: string): boolean {
  return dataDir === 'memory://' || path.basename(dataDir) === 'memory:';
}

/**
 * Encrypted files under `<root>/<workspaceId>/<first 2 chars>/<storageKey>`, written and read as streams
 * (format: chunked-cipher.ts). Keys here are raw; stored-file.ts wraps them with the workspace key.
 */
export class MediaStorage {
  constructor(
    readonly root: string,
    private readonly temporary = false,
  ) {}

  /**
   * `<dataDir>/media`, or a fresh temporary directory (removed by `close`) when the data directory is
   * in memory.
   */
  static async open(dataDir: string): Promise<MediaStorage> {
    if (isMemoryDataDir(dataDir)) {
      return new MediaStorage(await fs.mkdtemp(path.join(os.tmpdir(), 'parley-media-')), true);
    }
    const root = path.join(dataDir, 'media');
    await fs.mkdir(root, { recursive: true, mode: 0o700 });
    return new MediaStorage(root);
  }

  /** Removes the temporary directory of an in-memory data directory; a no-op otherwise. */
  async close(): Promise<void> {
    if (this.temporary) await fs.rm(this.root, { recursive: true, force: true });
  }

  /** The file's path. Throws for a workspace id or storage key that could leave the root. */
  pathOf(workspaceId: string, storageKey: string): string {
    if (!isUuid(workspaceId) || !/^[A-Za-z0-9_-]{43}$/.test(storageKey)) {
      throw new Error('invalid media storage path');
    }
    return path.join(this.root, workspaceId, storageKey.slice(0, 2), storageKey);
  }

  /**
   * Encrypts `source` into a new file under a random key and storage key. The plaintext is hashed while
   * it streams; more than `maxBytes` aborts at once (FileTooLargeError) and deletes what was written.
   * `check` sees the first chunk (up to 64 KiB) before anything of it is written and may throw to refuse
   * the file. The file appears under its final name only when complete (written to a temporary name,
   * fsynced, renamed).
   */
  async writeStream(
    workspaceId: string,
    source: AsyncIterable<Uint8Array>,
    opts: { maxBytes: number; check?: (head: Buffer) => void },
  ): Promise<WrittenFile> {
    const storageKey = crypto.randomBytes(32).toString('base64url');
    const key = crypto.randomBytes(32);
    const final = this.pathOf(workspaceId, storageKey);
    await fs.mkdir(path.dirname(final), { recursive: true, mode: 0o700 });
    const temp = `${final}.${crypto.randomBytes(6).toString('hex')}.part`;
    const file = await fs.open(temp, 'wx', 0o600);
    const hash = crypto.createHash('sha256');
    let sizeBytes = 0;
    let index = 0;
    let checked = false;
    let parts: Buffer[] = [];
    let partsBytes = 0;
    // A complete chunk is held back until more data shows it is not the last one.
    let full: Buffer | null = null;
    const seal = async (plaintext: Buffer, last: boolean) => {
      if (!checked) {
        opts.check?.(plaintext);
        checked = true;
      }
      await file.write(sealChunk(key, index, last, plaintext));
      index += 1;
    };
    try {
      await file.write(HEADER);
      for await (const piece of source) {
        const bytes = Buffer.isBuffer(piece)
          ? piece
          : Buffer.from(piece.buffer, piece.byteOffset, piece.length);
        sizeBytes += bytes.length;
        if (sizeBytes > opts.maxBytes) throw new FileTooLargeError(opts.maxBytes);
        hash.update(bytes);
        let offset = 0;
        while (offset < bytes.length) {
          if (full) {
            await seal(full, false);
            full = null;
          }
          const take = Math.min(CHUNK_BYTES - partsBytes, bytes.length - offset);
          parts.push(bytes.subarray(offset, offset + take));
          partsBytes += take;
          offset += take;
          if (partsBytes === CHUNK_BYTES) {
            full = Buffer.concat(parts);
            parts = [];
            partsBytes = 0;
          }
        }
      }
      await seal(full ?? Buffer.concat(parts), true);
      await file.sync();
      await file.close();
      await fs.rename(temp, final);
    } catch (err) {
      await file.close().catch(() => undefined);
      await fs.rm(temp, { force: true });
      throw err;
    }
    return { storageKey, key, sizeBytes, sha256: hash.digest('hex') };
  }

  /**
   * Decrypts a stored file, or the inclusive byte `range` of its plaintext (only the chunks it touches
   * are read). The first chunk is opened before this returns, so a missing file (ENOENT), a wrong key or
   * a damaged start (CorruptFileError) throws here; damage further on errors the stream.
   */
  async readStream(
    workspaceId: string,
    storageKey: string,
    key: Buffer,
    range?: ByteRange,
  ): Promise<{ sizeBytes: number; stream: Readable }> {
    const file = await fs.open(this.pathOf(workspaceId, storageKey), 'r');
    let chunks: AsyncGenerator<Buffer>;
    let sizeBytes: number;
    try {
      const layout = layoutOf((await file.stat()).size);
      const header = Buffer.alloc(HEADER.length);
      await file.read(header, 0, HEADER.length, 0);
      if (!header.equals(HEADER)) throw new CorruptFileError('not a Parley media file');
      sizeBytes = layout.plainBytes;
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? sizeBytes - 1, sizeBytes - 1);
      if (start < 0 || (sizeBytes > 0 && start > end)) throw new RangeError('range outside the file');
      chunks = (async function* () {
        try {
          const first = Math.floor(start / CHUNK_BYTES);
          const last = sizeBytes === 0 ? 0 : Math.floor(end / CHUNK_BYTES);
          for (let i = first; i <= last; i++) {
            const isLast = i === layout.chunks - 1;
            const sealed = Buffer.alloc(isLast ? layout.lastSealedBytes : SEALED_CHUNK_BYTES);
            const { bytesRead } = await file.read(
              sealed,
              0,
              sealed.length,
              HEADER.length + i * SEALED_CHUNK_BYTES,
            );
            if (bytesRead !== sealed.length) throw new CorruptFileError();
            const plain = openChunk(key, i, isLast, sealed);
            const from = i === first ? start - i * CHUNK_BYTES : 0;
            const to = i === last ? end - i * CHUNK_BYTES + 1 : plain.length;
            if (to > from) yield plain.subarray(from, to);
          }
        } finally {
          await file.close();
        }
      })();
    } catch (err) {
      await file.close();
      throw err;
    }
    let head: IteratorResult<Buffer> | null = await chunks.next();
    // Not a wrapping generator: one that never started would not pass `return` on to `chunks`, and a
    // stream destroyed before its first read (client gone, HEAD request) must still close the file.
    const iterator: AsyncIterableIterator<Buffer> = {
      next: async () => {
        const first = head;
        head = null;
        return first ?? chunks.next();
      },
      return: async () => {
        head = null;
        await chunks.return(undefined);
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    const stream = Readable.from(iterator, { objectMode: false });
    return { sizeBytes, stream };
  }

  /** Deletes a stored file; a file that is already gone is fine. */
  async remove(workspaceId: string, storageKey: string): Promise<void> {
    await fs.rm(this.pathOf(workspaceId, storageKey), { force: true });
  }
}
