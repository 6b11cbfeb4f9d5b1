import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgliteThread, startPgliteThread } from './pglite-thread.js';

// The embedded database in its own thread, spoken to over node-postgres: several connections share
// PGlite's one session without seeing each other's half-done queries or transactions.
describe('PGlite in its own thread', () => {
  let thread: PgliteThread;
  beforeAll(async () => {
    thread = await startPgliteThread('memory://');
    await thread.pool.query('create table t (id serial primary key, owner text not null, n int not null)');
  });
  afterAll(async () => {
    await thread.close();
  });

  it('answers each of many interleaved queries with its own result', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        thread.pool.query<{ n: number; s: string }>('select $1::int as n, $2::text as s', [i, `q${i}`]),
      ),
    );
    expect(results.map((r) => r.rows[0])).toEqual(
      Array.from({ length: 200 }, (_, i) => ({ n: i, s: `q${i}` })),
    );
  });

  it('runs transactions from several connections one after the other (read-then-write stays consistent)', async () => {
    await Promise.all(
      Array.from({ length: 6 }, async (_, worker) => {
        for (let i = 0; i < 20; i++) {
          const client = await thread.pool.connect();
          try {
            await client.query('begin');
            const { rows } = await client.query<{ m: number }>(
              `select coalesce(max(n), 0)::int as m from t where owner = 'tx'`,
            );
            await client.query(`insert into t (owner, n) values ('tx', $1)`, [rows[0]!.m + 1]);
            if ((worker + i) % 5 === 0) {
              await expect(client.query('select 1 / 0')).rejects.toThrow(/division by zero/);
              await client.query('rollback');
            } else {
              await client.query('commit');
            }
          } finally {
            client.release();
          }
        }
      }),
    );
    const { rows } = await thread.pool.query<{ c: number; d: number; m: number }>(
      `select count(*)::int as c, count(distinct n)::int as d, max(n)::int as m from t where owner = 'tx'`,
    );
    // 120 transactions, every fifth rolled back: 96 committed, each saw the one before it.
    expect(rows[0]).toEqual({ c: 96, d: 96, m: 96 });
  });

  it('rolls back a transaction whose connection went away, and the others go on', async () => {
    const client = await thread.pool.connect();
    await client.query('begin');
    await client.query(`insert into t (owner, n) values ('lost', 1)`);
    const waiting = thread.pool.query<{ c: number }>(`select count(*)::int as c from t where owner = 'lost'`);
    client.release(new Error('the request crashed')); // destroys the connection mid-transaction
    expect((await waiting).rows[0]!.c).toBe(0);
  });

  it('lets the other connections go on after answers of every size (the last message split across chunks)', async () => {
    // PGlite hands its answer over in chunks of its send buffer (8 kB); around that size the final
    // ReadyForQuery can be split, and the thread must still see that the cycle ended.
    // A query without parameters goes as a simple query; its answer is the text's length + 58 bytes,
    // so lengths 8,130–8,149 put the end of the answer on every byte around 8,192.
    const sizes = Array.from({ length: 20 }, (_, i) => 8_130 + i);
    const first = await thread.pool.connect();
    try {
      for (const size of sizes) {
        const { rows } = await first.query<{ v: string }>(`select repeat('x', ${size}) as v`);
        expect(rows[0]!.v.length).toBe(size);
        // Another connection: it waits for ever if the thread thinks `first` is still mid-cycle.
        const other = await Promise.race([
          thread.pool.query<{ n: number }>('select $1::int as n', [size]),
          new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), 5_000)),
        ]);
        expect(other === 'stuck' ? other : other.rows[0]!.n).toBe(size);
      }
    } finally {
      first.release();
    }
  });

  it('keeps the event loop free while a long query runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      const { rows } = await thread.pool.query<{ c: string }>(
        'select count(*)::text as c from generate_series(1, 3000000) a, generate_series(1, 1) b where a % 7 = 0',
      );
      expect(rows[0]!.c).toBe('428571');
    } finally {
      clearInterval(timer);
    }
    // In the same thread, a timer cannot fire while PGlite computes; here it keeps ticking.
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('PGlite in its own thread, on disk', () => {
  it('keeps what was committed across a close and a reopen', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-pglite-'));
    try {
      const first = await startPgliteThread(path.join(dir, 'pgdata'));
      await first.pool.query('create table kept (v text)');
      await first.pool.query(`insert into kept values ('still here')`);
      await first.close();
      const second = await startPgliteThread(path.join(dir, 'pgdata'));
      try {
        expect((await second.pool.query('select v from kept')).rows).toEqual([{ v: 'still here' }]);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
