import { gt, inArray, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { type Database, type DbOrTx, rowsOf } from '../db/client.js';
import { events } from '../db/schema.js';

export type CommittedEvent = {
  id: number;
  type: string;
  workspaceId: string | null;
  rooms: string[];
  payload: Record<string, unknown>;
};

export type EventSink = (event: CommittedEvent) => void;

/**
 * Records an event in the outbox inside the caller's transaction. It reaches clients only after the
 * transaction commits and the service calls `ctx.events.flush()`.
 */
type EventInput = {
  type: string;
  workspaceId: string | null;
  rooms: string[];
  payload?: Record<string, unknown>;
};

/** Transactions whose events are collected and written in one statement (see `withBatchedEvents`). */
const batched = new WeakMap<object, EventInput[]>();

const toEventRow = (e: EventInput) => ({
  type: e.type,
  workspaceId: e.workspaceId,
  rooms: e.rooms,
  payload: e.payload ?? {},
});

export async function recordEvent(tx: DbOrTx, e: EventInput): Promise<void> {
  const pending = batched.get(tx);
  if (pending) pending.push(e);
  else await tx.insert(events).values(toEventRow(e));
}

/**
 * Runs `work` with every `recordEvent(tx, …)` on this transaction collected, then writes them in one
 * multi-row insert (ids in the order they were recorded) before returning, still inside `tx`. For
 * batch work such as a batch of webhook deliveries; the events commit or roll back with the rest.
 */
export async function withBatchedEvents<T>(tx: DbOrTx, work: () => Promise<T>): Promise<T> {
  const pending: EventInput[] = [];
  batched.set(tx, pending);
  try {
    const result = await work();
    for (let i = 0; i < pending.length; i += 500) {
      await tx.insert(events).values(pending.slice(i, i + 500).map(toEventRow));
    }
    return result;
  } finally {
    batched.delete(tx);
  }
}

const CHANNEL = 'parley_events';
/** How long a missing outbox id is waited for (its transaction may still commit) before it is given up. */
const GAP_WAIT_MS = 10_000;
/** Gaps wider than this are not tracked one by one (e.g. a sequence jump); they are skipped. */
const MAX_TRACKED_GAP = 1000;

/**
 * Fans committed outbox events out to sinks (the Socket.IO gateway). With a PostgreSQL server every
 * node LISTENs; a flush NOTIFYs the others, and a slow poll covers a missed notification.
 *
 * Outbox ids are taken when a row is inserted, but transactions commit in any order: id 11 may be
 * visible before id 10. Ids skipped over that way are remembered as gaps and looked for again until
 * they appear (then delivered, late but not lost) or until GAP_WAIT_MS has passed (a rolled-back
 * transaction leaves a hole for ever). Every event is delivered once per node.
 */
export class EventBus {
  private lastId = 0;
  /** Missing ids below lastId → when the gap was first seen. */
  private readonly gaps = new Map<number, number>();
  private gapTimer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private again = false;
  private readonly sinks: EventSink[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The LISTEN connection while it is up. */
  private listening: { client: import('pg').PoolClient; release: () => void } | null = null;

  constructor(
    private readonly database: Database,
    private readonly log: FastifyBaseLogger,
  ) {}

  subscribe(sink: EventSink): void {
    this.sinks.push(sink);
  }

  async start(): Promise<void> {
    const rows = await this.database.db.execute(sql`select coalesce(max(id), 0)::bigint as id from events`);
    this.lastId = Number(rowsOf<{ id: string | number }>(rows)[0]?.id ?? 0);
    if (this.database.kind === 'postgres') {
      await this.listen();
      // A slow poll covers a lost notification and the time while the LISTEN connection is re-made.
      this.timer = setInterval(() => {
        if (!this.listening && !this.stopped) void this.listen().catch(() => undefined);
        void this.flushLocal();
      }, 2000);
      this.timer.unref();
    }
  }

  private stopped = false;

  private async listen(): Promise<void> {
    const client = await this.database.pool.connect();
    let released = false;
    // Destroys the connection (a pooled one must not keep listening), once: a broken connection can
    // report several errors, and stop() may have released it already.
    const release = (err?: Error) => {
      if (released) return;
      released = true;
      if (this.listening?.client === client) this.listening = null;
      client.release(err ?? true);
    };
    client.on('notification', () => void this.flushLocal());
    client.on('error', (err) => {
      if (!released && !this.stopped)
        this.log.warn({ err }, 'event LISTEN connection lost; polling until it is back');
      release(err);
    });
    try {
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      release(err as Error);
      throw err;
    }
    if (this.stopped) release();
    else if (!released) this.listening = { client, release };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.listening?.release();
    await this.pumping;
  }

  /** Call after a transaction that recorded events committed. */
  async flush(): Promise<void> {
    if (this.database.kind === 'postgres') {
      await this.database.pool.query(`NOTIFY ${CHANNEL}`).catch(() => undefined);
    }
    await this.flushLocal();
  }

  private flushLocal(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      do {
        this.again = false;
        await this.pump();
      } while (this.again);
    })().finally(() => {
      this.pumping = null;
    });
    return this.pumping;
  }

  private deliver(r: typeof events.$inferSelect): void {
    const e: CommittedEvent = {
      id: r.id,
      type: r.type,
      workspaceId: r.workspaceId,
      rooms: r.rooms,
      payload: r.payload as Record<string, unknown>,
    };
    for (const sink of this.sinks) {
      try {
        sink(e);
      } catch (err) {
        this.log.error({ err, type: e.type }, 'event sink failed');
      }
    }
  }

  private async pump(): Promise<void> {
    const PAGE = 500;
    try {
      if (this.gaps.size > 0) {
        const late = await this.database.db
          .select()
          .from(events)
          .where(inArray(events.id, [...this.gaps.keys()]))
          .orderBy(events.id);
        for (const r of late) {
          this.gaps.delete(r.id);
          this.deliver(r);
        }
        const now = Date.now();
        for (const [id, since] of this.gaps) if (now - since > GAP_WAIT_MS) this.gaps.delete(id);
      }
      for (;;) {
        const rows = await this.database.db
          .select()
          .from(events)
          .where(gt(events.id, this.lastId))
          .orderBy(events.id)
          .limit(PAGE);
        if (rows.length === 0) break;
        const now = Date.now();
        for (const r of rows) {
          if (r.id - this.lastId - 1 <= MAX_TRACKED_GAP) {
            for (let missing = this.lastId + 1; missing < r.id; missing++) this.gaps.set(missing, now);
          }
          this.lastId = r.id;
          this.deliver(r);
        }
        // A short page was the end: no second select just to find nothing (a later commit notifies).
        if (rows.length < PAGE) break;
      }
    } catch (err) {
      this.log.warn({ err }, 'event pump failed');
    }
    this.scheduleGapCheck();
  }

  /** While gaps are open, look for them again shortly (a notification may not come). */
  private scheduleGapCheck(): void {
    if (this.gaps.size === 0 || this.gapTimer || this.stopped) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      void this.flushLocal();
    }, 100);
    this.gapTimer.unref();
  }
}
