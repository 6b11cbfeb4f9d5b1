import { and, asc, eq, gt, isNotNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { contacts, instanceSettings, messages } from '../../db/schema.js';
import { defineJob, RetryLaterError } from '../../jobs/define-job.js';
import { enqueueJob } from '../../jobs/queue.js';
import { contactSearchTokens, messageSearchTokens } from './hash.js';

const BATCH = 500;
/** One run works this long, then continues as the same job (a shutdown never waits for all of it). */
const SLICE_MS = 3_000;
const PROGRESS_KEY = 'search_backfill';

/** Where the backfill stands: the phase and the last id done in it. */
type Progress = { phase: 'messages' | 'contacts' | 'done'; after: string | null };

/**
 * Fills the search tokens of rows written before search existed (`messages.search_tokens`,
 * `contacts.name_tokens` still empty). Works in batches by id; the cursor is saved with each batch
 * in `instance_settings` (key `search_backfill`), so a crash or restart resumes where it stopped, and
 * once done it returns at once. Idempotent: it only writes rows whose tokens are still empty.
 */
export const backfillSearchTokensJob = defineJob({
  name: 'search.backfill-tokens',
  payload: z.object({}),
  retry: { maxAttempts: 20, baseDelayMs: 10_000, maxDelayMs: 600_000 },
  concurrency: 1,
  leaseMs: 60_000,
  async run(ctx) {
    if (!(await backfillSearchTokens(ctx, SLICE_MS))) throw new RetryLaterError(200, 'backfill continues');
  },
});

/** Enqueues the backfill once (singleton); every start calls it, a finished backfill returns at once. */
export async function enqueueSearchBackfill(ctx: AppContext): Promise<void> {
  await enqueueJob(ctx.db, backfillSearchTokensJob, {}, { singletonKey: 'search.backfill-tokens' });
}

/** Runs the backfill for about `budgetMs`; true when nothing is left to do. */
export async function backfillSearchTokens(ctx: AppContext, budgetMs: number): Promise<boolean> {
  const until = Date.now() + budgetMs;
  const [row] = await ctx.db.select().from(instanceSettings).where(eq(instanceSettings.key, PROGRESS_KEY));
  const progress = (row?.value as Progress | undefined) ?? { phase: 'messages', after: null };
  let skipped = 0;
  while (progress.phase !== 'done' && Date.now() <= until) {
    skipped +=
      progress.phase === 'messages' ? await messageBatch(ctx, progress) : await contactBatch(ctx, progress);
  }
  // Never the content: only how many rows could not be decrypted.
  if (skipped > 0) ctx.log.warn({ skipped }, 'search backfill skipped rows it could not decrypt');
  return progress.phase === 'done';
}

/** Moves the cursor after a batch and saves it in the batch's transaction (they commit together). */
async function advance(tx: Tx, p: Progress, rows: { id: string }[], next: Progress['phase']) {
  if (rows.length < BATCH) Object.assign(p, { phase: next, after: null });
  else p.after = rows[rows.length - 1]!.id;
  await tx
    .insert(instanceSettings)
    .values({ key: PROGRESS_KEY, value: p })
    .onConflictDoUpdate({ target: instanceSettings.key, set: { value: p, updatedAt: new Date() } });
}

async function messageBatch(ctx: AppContext, p: Progress): Promise<number> {
  const rows = await ctx.db
    .select({ id: messages.id, workspaceId: messages.workspaceId, text: messages.text })
    .from(messages)
    .where(
      and(
        p.after ? gt(messages.id, p.after) : undefined,
        isNotNull(messages.text),
        sql`cardinality(${messages.searchTokens}) = 0`,
      ),
    )
    .orderBy(asc(messages.id))
    .limit(BATCH);
  let skipped = 0;
  await ctx.db.transaction(async (tx) => {
    for (const r of rows) {
      const text = await ctx.keyring.decrypt(tx, r.workspaceId, r.text!, 'messages.text').catch(() => null);
      if (text === null) skipped++;
      const tokens = await messageSearchTokens(ctx.keyring, tx, r.workspaceId, text);
      if (tokens.length === 0) continue;
      await tx
        .update(messages)
        .set({ searchTokens: tokens })
        .where(and(eq(messages.id, r.id), sql`cardinality(${messages.searchTokens}) = 0`));
    }
    await advance(tx, p, rows, 'contacts');
  });
  return skipped;
}

async function contactBatch(ctx: AppContext, p: Progress): Promise<number> {
  const rows = await ctx.db
    .select({ id: contacts.id, workspaceId: contacts.workspaceId, name: contacts.name, waId: contacts.waId })
    .from(contacts)
    .where(
      and(
        p.after ? gt(contacts.id, p.after) : undefined,
        or(isNotNull(contacts.name), isNotNull(contacts.waId)),
        sql`cardinality(${contacts.nameTokens}) = 0`,
      ),
    )
    .orderBy(asc(contacts.id))
    .limit(BATCH);
  let skipped = 0;
  await ctx.db.transaction(async (tx) => {
    for (const r of rows) {
      const open = (v: string | null, context: string) =>
        v ? ctx.keyring.decrypt(tx, r.workspaceId, v, context) : Promise.resolve(null);
      const plain = await Promise.all([open(r.name, 'contacts.name'), open(r.waId, 'contacts.wa_id')]).catch(
        () => null,
      );
      if (!plain) skipped++;
      const tokens = plain ? await contactSearchTokens(ctx.keyring, tx, r.workspaceId, ...plain) : [];
      if (tokens.length === 0) continue;
      await tx
        .update(contacts)
        .set({ nameTokens: tokens })
        .where(and(eq(contacts.id, r.id), sql`cardinality(${contacts.nameTokens}) = 0`));
    }
    await advance(tx, p, rows, 'done');
  });
  return skipped;
}
