import { and, eq, isNotNull, lt, or } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import { channels, events, invites, jobs, sessions } from '../db/schema.js';
import { pruneRateLimits } from '../modules/auth/rate-limit.js';
import { deleteUnattachedUploads } from '../modules/media/index.js';
import { syncTemplatesJob } from '../modules/templates/sync-templates.job.js';
import { enqueueJob } from './queue.js';

const DAY = 86400_000;

/**
 * Deletes what has no further use: delivered real-time events after a day, expired rate-limit windows,
 * sessions 30 days after they ended, invites 30 days after they expired, uploads never attached to a
 * message after 24 hours (row and file), finished jobs after a week; enqueues each channel's template
 * sync once per 6-hour slot. Idempotent; safe on every node.
 */
export async function runHousekeeping(ctx: AppContext, now = new Date()): Promise<void> {
  const started = performance.now();
  await ctx.db.delete(events).where(lt(events.createdAt, new Date(now.getTime() - DAY)));
  await pruneRateLimits(ctx.db);
  const monthAgo = new Date(now.getTime() - 30 * DAY);
  await ctx.db
    .delete(sessions)
    .where(
      or(
        lt(sessions.expiresAt, monthAgo),
        lt(sessions.idleExpiresAt, monthAgo),
        and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, monthAgo)),
      ),
    );
  await ctx.db.delete(invites).where(lt(invites.expiresAt, monthAgo));
  await deleteUnattachedUploads(ctx, now);
  // Templates: one sync per channel per 6-hour slot, whichever node gets there first.
  const slot = Math.floor(now.getTime() / (6 * 3600_000));
  for (const ch of await ctx.db
    .select({ id: channels.id, workspaceId: channels.workspaceId })
    .from(channels)
    .where(eq(channels.status, 'active'))) {
    await enqueueJob(
      ctx.db,
      syncTemplatesJob,
      { channelId: ch.id },
      { workspaceId: ch.workspaceId, singletonKey: `templates:${ch.id}:${slot}`, oncePerKey: true },
    );
  }
  // Finished jobs are kept a week for inspection (dead ones stay until replayed or looked at).
  await ctx.db
    .delete(jobs)
    .where(and(eq(jobs.status, 'done'), lt(jobs.finishedAt, new Date(now.getTime() - 7 * DAY))));
  ctx.jobs.poke();
  ctx.metrics.jobsRun.inc({ job: 'system.housekeeping', outcome: 'done' });
  ctx.log.debug({ ms: Math.round(performance.now() - started) }, 'housekeeping done');
}

/** Runs housekeeping every 10 minutes (first run a minute after start). Returns a stop function. */
export function scheduleHousekeeping(ctx: AppContext): () => void {
  const run = () =>
    runHousekeeping(ctx).catch((err) => {
      ctx.metrics.jobsRun.inc({ job: 'system.housekeeping', outcome: 'failed' });
      ctx.log.warn({ err }, 'housekeeping failed');
    });
  const first = setTimeout(run, 60_000);
  const every = setInterval(run, 10 * 60_000);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
