import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { jobs } from '../db/schema.js';
import type { JobDefinition } from './define-job.js';

/**
 * Enqueues a job inside the caller's transaction (so it exists exactly when the data it is about
 * exists). With `singletonKey`, a second enqueue while one is queued or running is a no-op; with
 * `oncePerKey` as well, also after it finished (recurring jobs: one run per time slot).
 * Returns the job id, or null when a singleton was already there.
 */
export async function enqueueJob<P>(
  tx: DbOrTx,
  def: JobDefinition<import('zod').ZodType<P>>,
  payload: P,
  opts: { workspaceId?: string | null; runAt?: Date; singletonKey?: string; oncePerKey?: boolean } = {},
): Promise<number | null> {
  const parsed = def.payload.parse(payload);
  if (opts.oncePerKey && opts.singletonKey) {
    // A recurring job's slot key: once it ran (or runs), the slot is taken. Two nodes checking at the
    // same moment still collide on the unique index while the job is queued.
    const [taken] = await tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(eq(jobs.singletonKey, opts.singletonKey))
      .limit(1);
    if (taken) return null;
  }
  const rows = await tx
    .insert(jobs)
    .values({
      name: def.name,
      payload: parsed as Record<string, unknown>,
      workspaceId: opts.workspaceId ?? null,
      runAt: opts.runAt ?? new Date(),
      maxAttempts: def.retry?.maxAttempts ?? 10,
      singletonKey: opts.singletonKey ?? null,
    })
    .onConflictDoNothing({
      target: jobs.singletonKey,
      where: sql`${jobs.singletonKey} is not null and ${jobs.status} in ('queued', 'running')`,
    })
    .returning({ id: jobs.id });
  return rows[0]?.id ?? null;
}

/** Several jobs of one kind in one multi-row insert (no singleton keys): e.g. a push per notification. */
export async function enqueueJobs<P>(
  tx: DbOrTx,
  def: JobDefinition<import('zod').ZodType<P>>,
  items: Array<{ payload: P; workspaceId?: string | null }>,
): Promise<void> {
  if (items.length === 0) return;
  const now = new Date();
  const rows = items.map((it) => ({
    name: def.name,
    payload: def.payload.parse(it.payload) as Record<string, unknown>,
    workspaceId: it.workspaceId ?? null,
    runAt: now,
    maxAttempts: def.retry?.maxAttempts ?? 10,
  }));
  for (let i = 0; i < rows.length; i += 500) await tx.insert(jobs).values(rows.slice(i, i + 500));
}
