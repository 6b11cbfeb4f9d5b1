import type { z } from 'zod';
import type { AppContext } from '../context.js';

export type JobInfo = { id: number; attempts: number; maxAttempts: number; workspaceId: string | null };

/** A job that must not be retried (a permanent error): it goes straight to the dead-letter state. */
export class PermanentJobError extends Error {}

/** A job asking to run again later without counting as a failure (e.g. a rate limit said "wait"). */
export class RetryLaterError extends Error {
  constructor(
    readonly delayMs: number,
    message = 'retry later',
  ) {
    super(message);
  }
}

/** A failure (it counts as an attempt) that must not be retried sooner than `minDelayMs`. */
export class RetryAfterError extends Error {
  constructor(
    readonly minDelayMs: number,
    message = 'retry after a delay',
  ) {
    super(message);
  }
}

export type JobDefinition<S extends z.ZodType = z.ZodType> = {
  /** `domain.verb-noun`, e.g. `whatsapp.send-message`. */
  name: string;
  payload: S;
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Concurrent runs of this job per node. */
  concurrency?: number;
  /** Lease length; the runner extends it while the job runs. */
  leaseMs?: number;
  /** Must be safe to run twice (a crash after the work but before "done" repeats it). */
  run(ctx: AppContext, payload: z.infer<S>, job: JobInfo): Promise<void>;
};

/** Declares a job; the registry (jobs/registry.ts) lists every one. */
export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}

/** Exponential back-off with jitter: between half and all of base × 2^(attempt−1), capped at max. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
