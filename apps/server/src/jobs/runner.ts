import crypto from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import { type DbOrTx, rowsOf } from '../db/client.js';
import { jobs } from '../db/schema.js';
import { BatchPump, type BatchPumpDefinition } from './batch-pump.js';
import {
  backoffMs,
  type JobDefinition,
  PermanentJobError,
  RetryAfterError,
  RetryLaterError,
} from './define-job.js';

type JobRow = typeof jobs.$inferSelect;

/**
 * Runs jobs from the `jobs` table on this node: claims due jobs with FOR UPDATE SKIP LOCKED, holds a
 * lease while running (heartbeat), retries failures with back-off and jitter, moves exhausted or
 * permanent failures to 'dead', and reclaims jobs whose worker died when their lease runs out.
 * `poke()` starts work at once after an enqueue instead of waiting for the next poll.
 */
export class JobRunner {
  readonly nodeId = `${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  private readonly defs = new Map<string, JobDefinition>();
  private readonly running = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private polling: Promise<void> | null = null;
  private pokeAgain = false;
  private readonly inFlight = new Set<Promise<void>>();

  private readonly pumps: BatchPump[];

  constructor(
    private readonly ctx: AppContext,
    definitions: JobDefinition[],
    private readonly opts: { pollMs?: number; leaseMs?: number; stopTimeoutMs?: number } = {},
    pumps: BatchPumpDefinition[] = [],
  ) {
    for (const d of definitions) this.defs.set(d.name, d);
    this.pumps = pumps.map((p) => new BatchPump(ctx, p));
  }

  start(): void {
    this.stopped = false;
    for (const p of this.pumps) p.start();
    this.timer = setInterval(() => this.poke(), this.opts.pollMs ?? 1000);
    this.timer.unref();
    this.poke();
  }

  /**
   * Waits for running jobs to finish (their leases would otherwise have to expire), but not for ever:
   * after `stopTimeoutMs` (default 20 s) the jobs still running are logged by name and left to their
   * leases (their results are written only while the lock is held, so another node redoes them).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.pumps.map((p) => p.stop()));
    await this.polling;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.allSettled([...this.inFlight]).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.opts.stopTimeoutMs ?? 20_000);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (timedOut)
      this.ctx.log.warn(
        { running: Object.fromEntries([...this.running].filter(([, n]) => n > 0)) },
        'jobs still running at shutdown: left to their leases',
      );
  }

  /** Starts due jobs and the batch pumps now (after an enqueue). */
  poke(): void {
    if (this.stopped) return;
    for (const p of this.pumps) p.poke();
    this.pokeJobs();
  }

  /** Starts one batch pump now (e.g. after a stored webhook delivery), without a job claim. */
  pokePump(name: string): void {
    if (this.stopped) return;
    for (const p of this.pumps) if (p.def.name === name) p.poke();
  }

  /** Starts one batch pump within `delayMs` (rows that may wait gather into one batch). */
  pokePumpSoon(name: string, delayMs: number): void {
    if (this.stopped) return;
    for (const p of this.pumps) if (p.def.name === name) p.pokeSoon(delayMs);
  }

  /** Starts due jobs now, without waking the pumps (a pump that enqueued jobs calls this). */
  pokeJobs(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.pokeAgain = true;
      return;
    }
    this.polling = (async () => {
      do {
        this.pokeAgain = false;
        await this.claimAndRun().catch((err) => this.ctx.log.warn({ err }, 'job poll failed'));
      } while (this.pokeAgain && !this.stopped);
    })().finally(() => {
      this.polling = null;
    });
  }

  /** Runs until no due job is left (tests and the CLI use this). */
  async drain(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      // A background poll may be claiming right now: wait for it so its jobs are seen as in flight.
      await this.polling;
      for (const p of this.pumps) await p.drain();
      const claimed = await this.claimAndRun();
      await Promise.allSettled([...this.inFlight]);
      if (claimed === 0 && this.inFlight.size === 0 && !this.polling) return;
      if (Date.now() > until) throw new Error('jobs did not drain in time');
    }
  }

  private freeSlots(name: string): number {
    const def = this.defs.get(name);
    return (def?.concurrency ?? 4) - (this.running.get(name) ?? 0);
  }

  private async claimAndRun(): Promise<number> {
    const names = [...this.defs.keys()].filter((n) => this.freeSlots(n) > 0);
    if (names.length === 0) return 0;
    const limit = Math.max(1, Math.min(20, ...names.map((n) => this.freeSlots(n))));
    const lease = this.opts.leaseMs ?? 60_000;
    const result = await this.ctx.db.execute(sql`
      update jobs set status = 'running', locked_by = ${this.nodeId},
        locked_until = now() + (${lease} * interval '1 millisecond'), attempts = attempts + 1, updated_at = now()
      where id in (
        select id from jobs
        where name in (${sql.join(
          names.map((n) => sql`${n}`),
          sql`, `,
        )})
          and ((status = 'queued' and run_at <= now()) or (status = 'running' and locked_until < now()))
        order by run_at
        limit ${limit}
        for update skip locked
      )
      returning *`);
    const rows = rowsOf<Record<string, unknown>>(result).map(toJobRow);
    for (const row of rows) {
      const p = this.runOne(row).finally(() => {
        this.inFlight.delete(p);
        // A slot is free again: look for more work at once instead of waiting for the next poll.
        this.poke();
      });
      this.inFlight.add(p);
    }
    return rows.length;
  }

  private async runOne(row: JobRow): Promise<void> {
    const def = this.defs.get(row.name)!;
    this.running.set(row.name, (this.running.get(row.name) ?? 0) + 1);
    const lease = def.leaseMs ?? this.opts.leaseMs ?? 60_000;
    const heartbeat = setInterval(() => {
      void this.ctx.db
        .update(jobs)
        .set({ lockedUntil: new Date(Date.now() + lease) })
        .where(and(eq(jobs.id, row.id), eq(jobs.lockedBy, this.nodeId)))
        .catch(() => undefined);
    }, lease / 3);
    heartbeat.unref();
    try {
      const payload = def.payload.parse(row.payload);
      await def.run(this.ctx, payload, {
        id: row.id,
        attempts: row.attempts,
        maxAttempts: row.maxAttempts,
        workspaceId: row.workspaceId,
      });
      await this.finish(row, { status: 'done', finishedAt: new Date(), lastError: null });
      this.ctx.metrics.jobsRun.inc({ job: row.name, outcome: 'done' });
    } catch (err) {
      const message = (err as Error).message?.slice(0, 500) ?? 'error';
      if (err instanceof RetryLaterError) {
        await this.finish(row, {
          status: 'queued',
          runAt: new Date(Date.now() + err.delayMs),
          attempts: row.attempts - 1,
          lastError: message,
        });
        this.ctx.metrics.jobsRun.inc({ job: row.name, outcome: 'deferred' });
        // Sooner than the next poll: come back for it on time.
        if (err.delayMs < (this.opts.pollMs ?? 1000)) setTimeout(() => this.poke(), err.delayMs + 5).unref();
      } else if (err instanceof PermanentJobError || row.attempts >= row.maxAttempts) {
        await this.finish(row, { status: 'dead', finishedAt: new Date(), lastError: message });
        this.ctx.metrics.jobsRun.inc({ job: row.name, outcome: 'dead' });
        this.ctx.log.warn({ job: row.name, jobId: row.id, err: message }, 'job moved to dead-letter');
      } else {
        const delay = Math.max(
          backoffMs(row.attempts, def.retry?.baseDelayMs ?? 1000, def.retry?.maxDelayMs ?? 300_000),
          err instanceof RetryAfterError ? err.minDelayMs : 0,
        );
        await this.finish(row, { status: 'queued', runAt: new Date(Date.now() + delay), lastError: message });
        this.ctx.metrics.jobsRun.inc({ job: row.name, outcome: 'retry' });
      }
    } finally {
      clearInterval(heartbeat);
      this.running.set(row.name, (this.running.get(row.name) ?? 1) - 1);
    }
  }

  private async finish(row: JobRow, set: Partial<JobRow>): Promise<void> {
    await this.ctx.db
      .update(jobs)
      .set({ ...set, lockedBy: null, lockedUntil: null, updatedAt: new Date() })
      .where(and(eq(jobs.id, row.id), eq(jobs.lockedBy, this.nodeId)));
  }
}

function toJobRow(r: Record<string, unknown>): JobRow {
  const date = (v: unknown) => (v == null ? null : new Date(v as string));
  return {
    id: Number(r.id),
    name: r.name as string,
    workspaceId: (r.workspace_id as string | null) ?? null,
    payload: r.payload,
    status: r.status as JobRow['status'],
    runAt: date(r.run_at)!,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    lockedBy: (r.locked_by as string | null) ?? null,
    lockedUntil: date(r.locked_until),
    lastError: (r.last_error as string | null) ?? null,
    singletonKey: (r.singleton_key as string | null) ?? null,
    createdAt: date(r.created_at)!,
    updatedAt: date(r.updated_at)!,
    finishedAt: date(r.finished_at),
  };
}

/** Puts dead-lettered jobs back in the queue (all of one name, or one id). Returns how many. */
export async function replayDeadJobs(db: DbOrTx, filter: { name?: string; id?: number }): Promise<number> {
  const conditions = [eq(jobs.status, 'dead')];
  if (filter.name) conditions.push(eq(jobs.name, filter.name));
  if (filter.id) conditions.push(eq(jobs.id, filter.id));
  const rows = await db
    .update(jobs)
    .set({ status: 'queued', attempts: 0, runAt: new Date(), finishedAt: null, updatedAt: new Date() })
    .where(and(...conditions))
    .returning({ id: jobs.id });
  return rows.length;
}
