import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jobs } from '../db/schema.js';
import { startTestServer, type TestServer } from '../test/harness.js';
import { backoffMs, defineJob, PermanentJobError } from './define-job.js';
import { enqueueJob } from './queue.js';
import { JobRunner, replayDeadJobs } from './runner.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const runs = new Map<string, number>();
const count = (key: string) => runs.set(key, (runs.get(key) ?? 0) + 1);

const okJob = defineJob({
  name: 'test.ok',
  payload: z.object({ key: z.string() }),
  async run(_ctx, p) {
    count(p.key);
  },
});
const flakyJob = defineJob({
  name: 'test.flaky',
  payload: z.object({ key: z.string(), failTimes: z.number() }),
  retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 },
  async run(_ctx, p, job) {
    count(p.key);
    if (job.attempts <= p.failTimes) throw new Error(`boom ${job.attempts}`);
  },
});
const permanentJob = defineJob({
  name: 'test.permanent',
  payload: z.object({ key: z.string() }),
  async run(_ctx, p) {
    count(p.key);
    throw new PermanentJobError('invalid recipient');
  },
});
const defs = [okJob, flakyJob, permanentJob];

async function statusOf(id: number) {
  const [row] = await server.ctx.db.select().from(jobs).where(eq(jobs.id, id));
  return row!;
}

describe('job runner', () => {
  it('runs an enqueued job once and marks it done', async () => {
    const id = await enqueueJob(server.ctx.db, okJob, { key: 'once' });
    await new JobRunner(server.ctx, defs).drain();
    expect(runs.get('once')).toBe(1);
    expect((await statusOf(id!)).status).toBe('done');
  });

  it('retries with back-off and succeeds; gives up into the dead-letter state after max attempts', async () => {
    const a = await enqueueJob(server.ctx.db, flakyJob, { key: 'flaky2', failTimes: 2 });
    const b = await enqueueJob(server.ctx.db, flakyJob, { key: 'flaky9', failTimes: 9 });
    const runner = new JobRunner(server.ctx, defs);
    for (
      let i = 0;
      i < 40 && ((await statusOf(a!)).status !== 'done' || (await statusOf(b!)).status !== 'dead');
      i++
    ) {
      await runner.drain();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(runs.get('flaky2')).toBe(3);
    expect((await statusOf(a!)).status).toBe('done');
    const dead = await statusOf(b!);
    expect(dead.status).toBe('dead');
    expect(dead.attempts).toBe(5);
    expect(dead.lastError).toBe('boom 5');
  });

  it('does not retry a permanent error; a replay runs it again', async () => {
    const id = await enqueueJob(server.ctx.db, permanentJob, { key: 'perm' });
    const runner = new JobRunner(server.ctx, defs);
    await runner.drain();
    expect(runs.get('perm')).toBe(1);
    expect((await statusOf(id!)).status).toBe('dead');
    expect(await replayDeadJobs(server.ctx.db, { id: id! })).toBe(1);
    await runner.drain();
    expect(runs.get('perm')).toBe(2);
  });

  it('reclaims a job whose worker died (lease expired)', async () => {
    const id = await enqueueJob(server.ctx.db, okJob, { key: 'orphan' });
    await server.ctx.db
      .update(jobs)
      .set({
        status: 'running',
        lockedBy: 'dead-node',
        lockedUntil: new Date(Date.now() - 1000),
        attempts: 1,
      })
      .where(eq(jobs.id, id!));
    await new JobRunner(server.ctx, defs).drain();
    expect(runs.get('orphan')).toBe(1);
    expect((await statusOf(id!)).status).toBe('done');
  });

  it('dedupes singleton jobs while one is queued', async () => {
    const first = await enqueueJob(server.ctx.db, okJob, { key: 'single' }, { singletonKey: 'sync:1' });
    const second = await enqueueJob(server.ctx.db, okJob, { key: 'single' }, { singletonKey: 'sync:1' });
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    await new JobRunner(server.ctx, defs).drain();
    expect(
      await enqueueJob(server.ctx.db, okJob, { key: 'single' }, { singletonKey: 'sync:1' }),
    ).not.toBeNull();
  });

  it('two nodes draining the same queue run every job exactly once', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `par-${i}`);
    await server.ctx.db.transaction(async (tx) => {
      for (const key of keys) await enqueueJob(tx, okJob, { key });
    });
    const a = new JobRunner(server.ctx, defs);
    const b = new JobRunner(server.ctx, defs);
    await Promise.all([a.drain(), b.drain()]);
    expect(keys.map((k) => runs.get(k))).toEqual(keys.map(() => 1));
    const left = await server.ctx.db.execute(
      sql`select count(*)::int as n from jobs where name = 'test.ok' and status <> 'done'`,
    );
    expect((left as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
  });

  it('rejects a payload that does not match the job schema at enqueue time', async () => {
    await expect(
      enqueueJob(server.ctx.db, okJob, { key: 42 } as unknown as { key: string }),
    ).rejects.toThrow();
  });
});

describe('backoffMs', () => {
  it('doubles per attempt with jitter and a cap', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
  });

  it('does not wait for ever at shutdown: a job that hangs is logged and left to its lease', async () => {
    let release!: () => void;
    const hanging = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const hangingJob = defineJob({
      name: 'test.hanging',
      payload: z.object({}),
      async run() {
        started();
        await hanging;
      },
    });
    const id = await enqueueJob(server.ctx.db, hangingJob, {});
    const runner = new JobRunner(server.ctx, [hangingJob], { stopTimeoutMs: 300 });
    runner.start();
    await running;
    await runner.stop();
    expect(server.logs.join('')).toContain('jobs still running at shutdown');
    expect(server.logs.join('')).toContain('test.hanging');
    // Still leased as running: another node takes it over when the lease expires.
    expect((await statusOf(id!)).status).toBe('running');
    release();
  });
});
