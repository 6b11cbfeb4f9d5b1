// The embedded database's own thread. PGlite (PostgreSQL compiled to WebAssembly) runs here, off the
// server's event loop; the server talks to it with node-postgres over the PostgreSQL wire protocol,
// carried by one MessagePort per connection (db/pglite-thread.ts). Plain JavaScript on purpose: a
// worker thread's entry is loaded by Node itself, with no TypeScript loader (tsx, vitest) in front.
//
// PGlite has one session. Messages from several connections are run one after the other; while a
// connection holds a transaction open, only that connection's messages run, as in PGlite's own
// transaction() (the same scheme as @electric-sql/pglite-socket, whose exact peer dependencies we
// cannot install beside our PGlite version).
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const STARTUP_CODE = 196608; // protocol 3.0
const SSL_REQUEST_CODE = 80877103;
const CANCEL_REQUEST_CODE = 80877102;
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

/** @type {PGlite} */
let db;
/** @type {{ conn: Conn, messages: Uint8Array }[]} */
const queue = [];
/** @type {Promise<void> | null} */
let running = null;
/** @type {Conn | null} */
let owner = null;
let closing = false;

class Conn {
  /** @param {import('node:worker_threads').MessagePort} port */
  constructor(port) {
    this.port = port;
    this.buffer = Buffer.alloc(0);
    this.open = true;
    port.on('message', (chunk) => this.receive(chunk));
    port.on('close', () => void this.closed());
  }

  /** @param {Uint8Array} chunk */
  receive(chunk) {
    if (!this.open) return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.buffer = this.buffer.length === 0 ? bytes : Buffer.concat([this.buffer, bytes]);
    // node-postgres writes a query's messages (parse, bind, describe, execute, sync) at once; PGlite
    // runs such a batch in one call, so the complete messages at the front go as one piece.
    let end = 0;
    for (;;) {
      const b = this.buffer;
      if (b.length - end < 5) break;
      if (b[end] === 0) {
        // An untyped message (startup, SSL request, cancel request: int32 length, int32 code) comes
        // only first on a connection.
        if (end > 0 || b.length < 8) break;
        const length = b.readInt32BE(0);
        const code = b.readInt32BE(4);
        if (b.length < length) break;
        if (code === SSL_REQUEST_CODE) {
          this.buffer = b.subarray(length);
          this.port.postMessage(Buffer.from('N'));
          continue;
        }
        if (code === CANCEL_REQUEST_CODE) {
          this.buffer = b.subarray(length); // nothing to cancel: one query runs at a time
          continue;
        }
        if (code !== STARTUP_CODE) {
          this.fail();
          return;
        }
        end = length;
        break;
      }
      const length = 1 + b.readInt32BE(end + 1);
      if (b.length - end < length) break;
      end += length;
    }
    if (end === 0) return;
    // The buffer is replaced, never written into, so the messages can stay a view of it.
    const messages = this.buffer.subarray(0, end);
    this.buffer = this.buffer.length === end ? Buffer.alloc(0) : Buffer.from(this.buffer.subarray(end));
    queue.push({ conn: this, messages });
    void run();
  }

  fail() {
    this.open = false;
    this.port.close();
  }

  closed() {
    this.open = false;
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i].conn === this) queue.splice(i, 1);
    // A connection that went away inside a transaction (a crashed request, a destroyed client) must
    // not leave it open, or everyone else would wait for it forever; a Sync ends an extended-query
    // cycle it may have left half done (a ROLLBACK outside a transaction only warns).
    if (owner === this && !closing) {
      queue.unshift({ conn: this, messages: new Uint8Array(Buffer.concat([SYNC, simpleQuery('ROLLBACK')])) });
      void run();
    }
  }
}

/** @param {string} text */
function simpleQuery(text) {
  const body = Buffer.from(`${text}\0`);
  const message = Buffer.alloc(5 + body.length);
  message.write('Q', 0);
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return new Uint8Array(message);
}

function nextJob() {
  if (owner) {
    const i = queue.findIndex((job) => job.conn === owner);
    return i === -1 ? undefined : queue.splice(i, 1)[0];
  }
  return queue.shift();
}

/**
 * True when the answer ends with ReadyForQuery outside a transaction block: only then may another
 * connection's messages run. (Inside an extended-query cycle the unnamed statement and portal are
 * the session's; inside a transaction block, its writes and locks are.) The whole answer, not its
 * last chunk: PGlite may split the final message across chunks.
 * @param {Uint8Array} answer
 */
function idleAfter(answer) {
  if (answer.length < 6) return false;
  const z = answer.subarray(answer.length - 6);
  // 'Z', int32 length 5, status 'I'
  return z[0] === 0x5a && z[1] === 0 && z[2] === 0 && z[3] === 0 && z[4] === 5 && z[5] === 0x49;
}

// Called from port events only (never from a microtask), so no job can be queued between the
// drain's last look at the queue and the `finally` that clears `running`.
function run() {
  running ??= drain().finally(() => {
    running = null;
  });
  return running;
}

async function drain() {
  for (let job = nextJob(); job; job = nextJob()) {
    const { conn, messages } = job;
    const out = [];
    try {
      // Copied: PGlite reuses its output buffer.
      await db.execProtocolRawStream(messages, { onRawData: (data) => out.push(new Uint8Array(data)) });
    } catch (err) {
      parentPort?.postMessage({ type: 'log', message: `embedded database: ${String(err)}` });
      conn.fail();
      continue;
    }
    if (out.length === 0) {
      owner = conn; // no ReadyForQuery: the cycle goes on
      continue;
    }
    const answer = joined(out);
    owner = idleAfter(answer) ? null : conn;
    if (conn.open) conn.port.postMessage(answer, [answer.buffer]); // handed over, not copied again
  }
}

/**
 * The answer's chunks (each a copy with memory of its own) as one transferable array.
 * @param {Uint8Array[]} chunks
 */
function joined(chunks) {
  if (chunks.length === 1) return chunks[0];
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return all;
}

parentPort?.on('message', async (msg) => {
  if (msg.type === 'connect') {
    new Conn(msg.port);
  } else if (msg.type === 'close') {
    closing = true;
    await running;
    await db.close().catch(() => undefined);
    parentPort?.postMessage({ type: 'closed' });
  }
});

try {
  const dir = workerData?.dir;
  db = dir && dir !== 'memory://' ? new PGlite(dir) : new PGlite();
  await db.waitReady;
  parentPort?.postMessage({ type: 'ready' });
} catch (err) {
  parentPort?.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
