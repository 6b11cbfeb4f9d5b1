import { Duplex } from 'node:stream';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import pg from 'pg';

/**
 * A node-postgres connection's socket, carried over a MessagePort to the embedded database's thread
 * (pglite-worker.mjs) instead of TCP. node-postgres calls setNoDelay/connect/setKeepAlive on it.
 */
class PortStream extends Duplex {
  private port: MessagePort | null = null;

  constructor(
    private readonly worker: Worker,
    private readonly alive: () => boolean,
  ) {
    super();
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    this.port?.ref();
    return this;
  }

  unref(): this {
    this.port?.unref();
    return this;
  }

  connect(): this {
    if (!this.alive()) {
      queueMicrotask(() => this.destroy(new Error('the embedded database thread has stopped')));
      return this;
    }
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    port1.on('message', (data: Uint8Array) => {
      this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    });
    port1.on('close', () => {
      this.port = null;
      this.push(null);
      this.destroy();
    });
    this.worker.postMessage({ type: 'connect', port: port2 }, [port2]);
    queueMicrotask(() => this.emit('connect'));
    return this;
  }

  override _read(): void {
    // Data is pushed as the database thread answers.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.port) {
      callback(new Error('the embedded database connection is closed'));
      return;
    }
    // node-postgres writes a query as several messages in one tick; they go to the database thread
    // as one piece.
    this.pending.push(chunk);
    if (this.pending.length === 1) queueMicrotask(() => this.flushPending());
    callback();
  }

  private pending: Buffer[] = [];

  private flushPending(): void {
    const chunks = this.pending;
    this.pending = [];
    if (!this.port || chunks.length === 0) return;
    // A copy with memory of its own (node-postgres's buffers may share Node's pool), handed over.
    const bytes = new Uint8Array(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    this.port.postMessage(bytes, [bytes.buffer]);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flushPending();
    this.port?.close();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.port?.close();
    this.port = null;
    callback(error);
  }
}

export type PgliteThread = {
  pool: pg.Pool;
  close(): Promise<void>;
};

/**
 * Starts PGlite in a worker thread (stored in `dir`, or in memory for 'memory://') and returns a
 * node-postgres pool connected to it.
 *
 * PGlite has one session; the thread runs one connection's messages at a time and switches only
 * between whole query cycles outside a transaction block (a transaction holds the database, as
 * PGlite's own transaction() does). A few connections still pay: while one waits for its answer to
 * cross the threads, the next one's query is already queued, so the database thread is not idle.
 */
export async function startPgliteThread(dir: string): Promise<PgliteThread> {
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dir } });
  let exited = false;
  await new Promise<void>((resolve, reject) => {
    const onMessage = (msg: { type: string; message?: string }) => {
      if (msg.type === 'ready') {
        worker.off('message', onMessage);
        resolve();
      } else if (msg.type === 'error') {
        reject(new Error(`the embedded database did not open: ${msg.message}`));
      }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      exited = true;
      reject(new Error(`the embedded database thread stopped (exit code ${code})`));
    });
  });
  worker.on('message', (msg: { type: string; message?: string }) => {
    if (msg.type === 'log') process.emitWarning(msg.message ?? 'embedded database error');
  });
  const pool = new pg.Pool({
    max: 4,
    // No password: PGlite trusts its only client.
    user: 'postgres',
    database: 'postgres',
    stream: () => new PortStream(worker, () => !exited) as unknown as import('node:net').Socket,
    idleTimeoutMillis: 0,
  });
  pool.on('error', () => {
    // A connection that broke is replaced on the next checkout.
  });
  return {
    pool,
    async close() {
      await pool.end();
      if (exited) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        worker.on('message', (msg: { type: string }) => {
          if (msg.type === 'closed') {
            clearTimeout(timer);
            resolve();
          }
        });
        worker.postMessage({ type: 'close' });
      });
      await worker.terminate();
    },
  };
}
