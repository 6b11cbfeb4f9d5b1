import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { type DbOrTx, rowsOf, type Tx } from '../../db/client.js';
import { channels, channelTeams, conversations, jobs, memberships, teamMembers } from '../../db/schema.js';
import { defineJob } from '../../jobs/define-job.js';
import { enqueueJob } from '../../jobs/queue.js';
import { type Candidate, chooseAgent } from './choose.js';
import { afterAssignments } from './service.js';

type ConversationRow = typeof conversations.$inferSelect;

/** A live connection refreshes presence every 30 s; without one for this long a person is offline. */
export const PRESENCE_TIMEOUT_MS = 90_000;
/** A member's load in a select over memberships: their open and pending assigned conversations. */
export function loadOf(workspaceId: string) {
  return sql<number>`(select count(*)::int from ${conversations} where ${conversations.workspaceId} = ${workspaceId} and ${conversations.assigneeId} = ${memberships.userId} and ${conversations.status} in ('open', 'pending'))`;
}

/** Conversations handed out per run (the job runs again while some are left and someone has room). */
const BATCH = 200;

/**
 * Asks the auto-assigner to look at a workspace, in the caller's transaction (it runs after commit).
 * With `queueConversationId`, that conversation joins the queue first when it is open or pending,
 * unassigned and its channel assigns automatically. Nothing happens in a workspace whose channels all
 * have automatic assignment off.
 */
export function requestAutoAssign(tx: DbOrTx, workspaceId: string, queueConversationId: string | null) {
  return requestAutoAssignFor(tx, workspaceId, queueConversationId ? [queueConversationId] : []);
}

/** requestAutoAssign for several conversations of one workspace at once (ingest's batches). */
export async function requestAutoAssignFor(tx: DbOrTx, workspaceId: string, queueIds: string[]) {
  const [on] = await tx
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.workspaceId, workspaceId), ne(channels.autoAssign, 'off')))
    .limit(1);
  if (!on) return;
  await queueConversations(tx, workspaceId, queueIds);
  await enqueueJob(tx, autoAssignJob, { workspaceId }, { workspaceId });
}

/**
 * Puts unassigned open or pending conversations of auto-assigning channels in the queue (first in,
 * first out by `queued_at`); those already queued keep their place.
 */
export async function queueConversations(tx: DbOrTx, workspaceId: string, ids: string[]) {
  if (ids.length === 0) return;
  await tx
    .update(conversations)
    .set({ queuedAt: sql`clock_timestamp()` })
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        inArray(conversations.id, ids),
        isNull(conversations.assigneeId),
        isNull(conversations.queuedAt),
        inArray(conversations.status, ['open', 'pending']),
        sql`exists (select 1 from ${channels} where ${channels.id} = ${conversations.channelId} and ${channels.autoAssign} <> 'off')`,
      ),
    );
}

/** Who may get a channel's conversations: its teams' members, else its default team's, else everyone's. */
async function poolsOf(tx: Tx, workspaceId: string, chs: { id: string; defaultTeamId: string | null }[]) {
  // One read for both: which channels are given to teams at all, and those teams' members.
  const given = await tx
    .select({ channelId: channelTeams.channelId, userId: teamMembers.userId })
    .from(channelTeams)
    .leftJoin(teamMembers, eq(teamMembers.teamId, channelTeams.teamId))
    .where(eq(channelTeams.workspaceId, workspaceId));
  const restricted = new Set(given.map((r) => r.channelId));
  const defaults = chs.flatMap((c) => (c.defaultTeamId ? [c.defaultTeamId] : []));
  const defaultMembers =
    defaults.length > 0
      ? await tx
          .select({ teamId: teamMembers.teamId, userId: teamMembers.userId })
          .from(teamMembers)
          .where(inArray(teamMembers.teamId, defaults))
      : [];
  const pools = new Map<string, Set<string> | 'everyone'>();
  for (const ch of chs) {
    if (restricted.has(ch.id))
      pools.set(ch.id, new Set(given.flatMap((g) => (g.channelId === ch.id && g.userId ? [g.userId] : []))));
    else if (ch.defaultTeamId)
      pools.set(
        ch.id,
        new Set(defaultMembers.filter((d) => d.teamId === ch.defaultTeamId).map((d) => d.userId)),
      );
    else pools.set(ch.id, 'everyone');
  }
  return pools;
}

/**
 * The agents who may get something now: active, available, connected (presence seen within the
 * timeout) and not absent; each with their load (open and pending conversations assigned to them).
 */
async function candidatesOf(tx: Tx, workspaceId: string, now: Date): Promise<Candidate[]> {
  const rows = await tx
    .select({
      userId: memberships.userId,
      capacity: memberships.capacity,
      lastAssignedAt: memberships.lastAssignedAt,
    })
    .from(memberships)
    .where(
      and(
        eq(memberships.workspaceId, workspaceId),
        eq(memberships.status, 'active'),
        eq(memberships.availability, 'available'),
        gt(memberships.presenceSeenAt, new Date(now.getTime() - PRESENCE_TIMEOUT_MS)),
        or(isNull(memberships.absentUntil), lt(memberships.absentUntil, now)),
      ),
    );
  // Everyone's load in one grouped scan (not one count per person).
  const loads =
    rows.length === 0
      ? []
      : await tx
          .select({ userId: conversations.assigneeId, n: sql<number>`count(*)::int` })
          .from(conversations)
          .where(
            and(
              eq(conversations.workspaceId, workspaceId),
              inArray(conversations.status, ['open', 'pending']),
              inArray(
                conversations.assigneeId,
                rows.map((r) => r.userId),
              ),
            ),
          )
          .groupBy(conversations.assigneeId);
  const loadOfUser = new Map(loads.map((l) => [l.userId, Number(l.n)]));
  return rows.map((r) => ({
    userId: r.userId,
    capacity: r.capacity,
    load: loadOfUser.get(r.userId) ?? 0,
    lastAssignedAt: r.lastAssignedAt?.getTime() ?? null,
  }));
}

/**
 * Hands out queued conversations, oldest first, to the agents with room (see chooseAgent). One run at a
 * time per workspace (a transaction-scoped advisory lock), so two runs never both count the same free
 * slot. Returns how many were assigned and whether some are left for the next run.
 */
export async function drainQueue(ctx: AppContext, workspaceId: string, now = new Date()) {
  const result = await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`auto-assign:${workspaceId}`}))`);
    // This run sees every conversation queued so far, so the workspace's other waiting requests are
    // answered by it (ingest asks once per batch: at 200 new conversations/s most runs found nothing).
    // A request committed after this statement stays and runs next.
    await tx
      .delete(jobs)
      .where(
        and(
          eq(jobs.name, autoAssignJobName),
          eq(jobs.status, 'queued'),
          eq(jobs.workspaceId, workspaceId),
          lte(jobs.runAt, sql`now()`),
        ),
      );
    const queued = await tx
      .select()
      .from(conversations)
      .where(
        and(
          eq(conversations.workspaceId, workspaceId),
          isNotNull(conversations.queuedAt),
          isNull(conversations.assigneeId),
        ),
      )
      .orderBy(asc(conversations.queuedAt), asc(conversations.id))
      .limit(BATCH + 1);
    if (queued.length === 0) return { assigned: 0, more: false };
    const chs = await tx
      .select({ id: channels.id, autoAssign: channels.autoAssign, defaultTeamId: channels.defaultTeamId })
      .from(channels)
      .where(
        and(
          eq(channels.workspaceId, workspaceId),
          inArray(channels.id, [...new Set(queued.map((q) => q.channelId))]),
        ),
      );
    const channelOf = new Map(chs.map((c) => [c.id, c]));
    const pools = await poolsOf(tx, workspaceId, chs);
    const candidates = await candidatesOf(tx, workspaceId, now);
    let tick = now.getTime();
    const picked = new Set<Candidate>();
    // First every decision, in memory (loads are counted up as they are handed out) …
    const decisions: Array<{ c: ConversationRow; userId: string; teamId: string | null }> = [];
    const leftScope: string[] = [];
    for (const c of queued.slice(0, BATCH)) {
      const ch = channelOf.get(c.channelId);
      if (!ch || ch.autoAssign === 'off' || (c.status !== 'open' && c.status !== 'pending')) {
        // Left the queue's scope (assignment turned off, resolved, snoozed): it waits no longer.
        leftScope.push(c.id);
        continue;
      }
      const pool = pools.get(ch.id);
      const pick = chooseAgent(
        ch.autoAssign,
        candidates.filter((a) => pool === 'everyone' || pool?.has(a.userId)),
      );
      if (!pick) continue;
      decisions.push({ c, userId: pick.userId, teamId: c.teamId ?? ch.defaultTeamId });
      pick.load++;
      // Strictly increasing, so round-robin order holds within one run.
      pick.lastAssignedAt = ++tick;
      picked.add(pick);
    }
    if (leftScope.length > 0)
      await tx.update(conversations).set({ queuedAt: null }).where(inArray(conversations.id, leftScope));
    // … then one conditional update for all of them (a conversation someone took meanwhile is skipped)
    // and the activity lines, notifications and events in one insert each.
    // The rows after the update are the rows read under the lock with the assignment applied (no re-read).
    const rows: Array<{ before: ConversationRow; after: ConversationRow }> = [];
    for (let i = 0; i < decisions.length; i += 500) {
      const chunk = decisions.slice(i, i + 500);
      const values = chunk.map((d) => sql`(${d.c.id}::uuid, ${d.userId}::uuid, ${d.teamId}::uuid)`);
      const result = await tx.execute(sql`
        update ${conversations} as c set assignee_id = v.assignee, team_id = v.team,
          assigned_at = ${now.toISOString()}::timestamptz, queued_at = null, updated_at = ${now.toISOString()}::timestamptz
        from (values ${sql.join(values, sql`, `)}) as v(id, assignee, team)
        where c.id = v.id and c.workspace_id = ${workspaceId} and c.assignee_id is null
        returning c.id`);
      const done = new Set(rowsOf<{ id: string }>(result).map((r) => r.id));
      for (const d of chunk)
        if (done.has(d.c.id))
          rows.push({
            before: d.c,
            after: {
              ...d.c,
              assigneeId: d.userId,
              teamId: d.teamId,
              assignedAt: now,
              queuedAt: null,
              updatedAt: now,
            },
          });
    }
    await afterAssignments(ctx, tx, rows, null, 'auto');
    const assigned = rows.length;
    // Everyone picked in this run gets their round-robin mark in one statement.
    if (picked.size > 0) {
      const marks = [...picked].map(
        (p) => sql`(${p.userId}::uuid, ${new Date(p.lastAssignedAt!).toISOString()}::timestamptz)`,
      );
      await tx.execute(sql`
        update ${memberships} as m set last_assigned_at = v.at
        from (values ${sql.join(marks, sql`, `)}) as v(user_id, at)
        where m.workspace_id = ${workspaceId} and m.user_id = v.user_id`);
    }
    return { assigned, more: queued.length > BATCH && assigned > 0 };
  });
  if (result.assigned > 0) await ctx.events.flush();
  return result;
}

const autoAssignJobName = 'assignment.auto-assign';

export const autoAssignJob = defineJob({
  name: autoAssignJobName,
  payload: z.object({ workspaceId: z.uuid() }),
  concurrency: 1,
  async run(ctx, { workspaceId }) {
    const { more } = await drainQueue(ctx, workspaceId);
    if (more) {
      await enqueueJob(ctx.db, autoAssignJob, { workspaceId }, { workspaceId });
      ctx.jobs.poke();
    }
  },
});
