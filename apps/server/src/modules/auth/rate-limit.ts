import { lt, sql } from 'drizzle-orm';
import { type DbOrTx, rowsOf } from '../../db/client.js';
import { rateLimits } from '../../db/schema.js';
import { AppError } from '../../errors.js';

export const LOGIN_WINDOW_MS = 15 * 60_000;

/** Counts one hit in a fixed window shared by every node; returns the new count and when it resets. */
export async function hitRateLimit(
  db: DbOrTx,
  key: string,
  windowMs: number,
): Promise<{ count: number; resetAt: Date }> {
  const reset = new Date(Date.now() + windowMs);
  const result = await db.execute(sql`
    insert into rate_limits (key, count, reset_at) values (${key}, 1, ${reset.toISOString()})
    on conflict (key) do update set
      count = case when rate_limits.reset_at <= now() then 1 else rate_limits.count + 1 end,
      reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
    returning count, reset_at`);
  const row = rowsOf<{ count: number; reset_at: string | Date }>(result)[0]!;
  return { count: Number(row.count), resetAt: new Date(row.reset_at) };
}

/** Throws 429 rate_limited with Retry-After when `key` is at or over `limit` in its current window. */
export async function assertUnderLimit(db: DbOrTx, key: string, limit: number): Promise<void> {
  const result = await db.execute(
    sql`select count, reset_at from rate_limits where key = ${key} and reset_at > now()`,
  );
  const row = rowsOf<{ count: number; reset_at: string | Date }>(result)[0];
  if (row && Number(row.count) >= limit) {
    const retryAfter = Math.max(1, Math.ceil((new Date(row.reset_at).getTime() - Date.now()) / 1000));
    throw new AppError('rate_limited', { retryAfterSeconds: retryAfter }, undefined, {
      'retry-after': String(retryAfter),
    });
  }
}

export async function clearRateLimit(db: DbOrTx, key: string): Promise<void> {
  await db.execute(sql`delete from rate_limits where key = ${key}`);
}

/** Removes expired windows (housekeeping). */
export async function pruneRateLimits(db: DbOrTx): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.resetAt, new Date()));
}
