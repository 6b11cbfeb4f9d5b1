import { gt, sql } from 'drizzle-orm';
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
export async function recordEvent(
  tx: DbOrTx,
  e: { type: string; workspaceId: string | null; rooms: string[]; payload?: Record<string, unknown> },
): Promise<void> {
  await tx
    .insert(events)
    .values({ type: e.type, workspaceId: e.workspaceId, rooms: e.rooms, payload: e.payload ?? {} });
}

const CHANNEL = 'parley_events';

/**
 * Fans committed outbox events out to sinks (the Socket.IO gateway). With a PostgreSQL server every
 * node LISTENs; a flush NOTIFYs the others, and a slow poll covers a missed notification.
 */
export class EventBus {
  private lastId = 0;
  private pumping: Promise<void> | null = null;
  private again = false;
  private readonly sinks: EventSink[] = [];
  private timer: NodeJS.Timeout | null = null;
  private listenClient: import('pg').PoolClient | null = null;

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
    if (this.database.pool) {
      await this.listen();
      // A slow poll covers a lost notification and the time while the LISTEN connection is re-made.
      this.timer = setInterval(() => {
        if (!this.listenClient && !this.stopped) void this.listen().catch(() => undefined);
        void this.flushLocal();
      }, 2000);
      this.timer.unref();
    }
  }

  private stopped = false;

  private async listen(): Promise<void> {
    const client = await this.database.pool!.connect();
    client.on('notification', () => void this.flushLocal());
    client.on('error', (err) => {
      this.log.warn({ err }, 'event LISTEN connection lost; polling until it is back');
      if (this.listenClient === client) this.listenClient = null;
      client.release(err);
    });
    await client.query(`LISTEN ${CHANNEL}`);
    this.listenClient = client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.listenClient) {
      await this.listenClient.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      this.listenClient.release();
      this.listenClient = null;
    }
    await this.pumping;
  }

  /** Call after a transaction that recorded events committed. */
  async flush(): Promise<void> {
    if (this.database.pool) {
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

  private async pump(): Promise<void> {
    for (;;) {
      let rows: (typeof events.$inferSelect)[];
      try {
        rows = await this.database.db
          .select()
          .from(events)
          .where(gt(events.id, this.lastId))
          .orderBy(events.id)
          .limit(500);
      } catch (err) {
        this.log.warn({ err }, 'event pump failed');
        return;
      }
      if (rows.length === 0) return;
      for (const r of rows) {
        this.lastId = r.id;
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
    }
  }
}
