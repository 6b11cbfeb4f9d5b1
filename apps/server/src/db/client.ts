import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { startPgliteThread } from './pglite-thread.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle; every repo function accepts Db or Tx. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export const migrationsFolder = path.join(import.meta.dirname, 'migrations');

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs the committed SQL migrations (idempotent; serialised across nodes with an advisory lock). */
  migrate(): Promise<void>;
  /** True when the database answers and every migration in the journal is applied. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
  /**
   * The node-postgres pool: to the PostgreSQL server, or (embedded mode) to PGlite in its thread.
   * Only a PostgreSQL server has separate sessions (LISTEN/NOTIFY across nodes, real concurrency).
   */
  pool: pg.Pool;
};

const MIGRATION_LOCK = 724_113_001;

function journalCount(): number {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

async function appliedCount(db: Db): Promise<number> {
  try {
    const rows = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    return Number(rowsOf<{ n: number }>(rows)[0]?.n ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Opens the database: a PostgreSQL server when `databaseUrl` is set, otherwise PGlite stored in
 * `dataDir/pgdata` (or in memory when dataDir is 'memory://').
 */
export async function openDatabase(opts: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  const expected = journalCount();
  const { kind, pool, close } = opts.databaseUrl
    ? serverPool(opts.databaseUrl)
    : await embeddedPool(opts.dataDir);
  // Both are node-postgres pools: the same driver, queries and migrations on either database.
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind,
    pool,
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
        client.release();
      }
    },
    async isReady() {
      try {
        return (await appliedCount(db)) >= expected;
      } catch {
        return false;
      }
    },
    close,
  };
}

type OpenPool = { kind: Database['kind']; pool: pg.Pool; close(): Promise<void> };

function serverPool(databaseUrl: string): OpenPool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', () => {
    // A dropped idle client is replaced on the next checkout; the request that needs it reports 503.
  });
  return { kind: 'postgres', pool, close: () => pool.end() };
}

async function embeddedPool(dataDir: string): Promise<OpenPool> {
  let dir = 'memory://';
  if (dataDir !== 'memory://') {
    dir = path.join(dataDir, 'pgdata');
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  }
  // PGlite runs in its own thread (db/pglite-worker.mjs): its queries would otherwise run on the
  // server's event loop and delay every timer, socket and HTTP request while they run.
  const thread = await startPgliteThread(dir);
  return { kind: 'pglite', pool: thread.pool, close: () => thread.close() };
}

/** Rows of a raw `db.execute(sql…)` on either driver. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
