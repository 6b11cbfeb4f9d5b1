/**
 * Automatic assignment under a steady stream of new conversations: queue latency and the cost of the
 * decision, on the real server context (buildApp: job runner, event bus) and a real database.
 *   npx tsx bench/auto-assign.ts [rate=200] [seconds=10] [history=100000]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/auto-assign.ts   (scratch database)
 *   BENCH_MODE=least_busy      the channel's mode (default round_robin)
 *   BENCH_DRAIN_MS=60000       how long to wait for the queue to empty after the last conversation
 *   BENCH_KEEP_DB=1            keep the scratch database / PGlite directory
 *
 * One workspace, one channel with `auto_assign` = round_robin, 50 agents (real users and memberships:
 * active, available, presence seen — refreshed every 20 s like a live connection — and capacities from 5
 * to 70), and `history` older conversations assigned across the agents (resolved apart from 3 open ones
 * each), so that counting an agent's load meets a realistic index. Then, open-loop at `rate`/s for
 * `seconds`, each new conversation is created as ingest does it: one transaction inserting the contact
 * and the open, unassigned conversation and calling requestAutoAssignFor (queues it, enqueues the job),
 * then `ctx.jobs.pokeJobs()` after the commit. The job runner drains the queue meanwhile.
 *
 * Measured: the `assignment.auto-assign` job's run is wrapped (same body as autoAssignJob.run — checked
 * against its source — with drainQueue timed around and its `now` recorded). A conversation's assigned_at
 * is that `now`, which says which run assigned it. Per conversation: queue latency = from its queued_at
 * (clock_timestamp() in the creating transaction) to the end of that run (committed, events flushed),
 * split into waiting for the run to start and the run; decision = the run's drainQueue time divided by
 * the conversations it assigned. Afterwards: nothing over capacity, nothing left queued while an agent
 * has room, every conversation assigned once, the spread of the new assignments, and EXPLAIN (ANALYZE,
 * BUFFERS) of the drain's reads. Bounded: rate × seconds conversations, BENCH_DRAIN_MS of waiting.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { and, eq, gt, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { channels, contacts, conversations, jobs, memberships, users } from '../apps/server/src/db/schema.js';
import { enqueueJob } from '../apps/server/src/jobs/queue.js';
import {
  autoAssignJob,
  drainQueue,
  loadOf,
  PRESENCE_TIMEOUT_MS,
  requestAutoAssignFor,
} from '../apps/server/src/modules/assignment/auto-assign.js';
import { openBenchServer } from './lib/bench-server.js';

const RATE = Number(process.argv[2] ?? 200);
const SECONDS = Number(process.argv[3] ?? 10);
const HISTORY = Number(process.argv[4] ?? 100_000);
const MODE = (process.env.BENCH_MODE ?? 'round_robin') as 'round_robin' | 'least_busy';
const DRAIN_MS = Number(process.env.BENCH_DRAIN_MS ?? 60_000);
const AGENTS = 50;
const OPEN_PER_AGENT = 3;
const TOTAL = Math.round(RATE * SECONDS);

const log = (m: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
const clock = () => performance.timeOrigin + performance.now();
const pct = (xs: number[], p: number): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(2);
};
const summary = (xs: number[]) => ({
  n: xs.length,
  p50: pct(xs, 50),
  p95: pct(xs, 95),
  p99: pct(xs, 99),
  max: xs.length ? +Math.max(...xs).toFixed(2) : null,
});
/** Capacity of agent i: five small ones (5) that fill up, the others 30–70. */
const capacityOf = (i: number) => (i % 10 === 0 ? 5 : 30 + ((i * 7) % 41));

// ---------------------------------------------------------------------------------------------------
const bench = await openBenchServer({
  phoneNumberId: '106540352242977',
  appSecret: 'bench-app-secret-977',
  accessToken: 'bench-token-977',
  fastHash: true,
});
const { ctx, database } = bench;
async function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await database.pool.query(text, params)).rows as T[];
}

const { workspace, channel } = await bench.createWorkspaceWithChannel({
  ownerEmail: 'assign.bench@example.test',
  ownerName: 'Olivia Owner',
  workspace: 'Busy Shop',
  channel: 'Shop',
});
const ws = workspace.id;
// The owner is away (owners and admins are candidates too when available).
await ctx.db.update(memberships).set({ availability: 'away' }).where(eq(memberships.workspaceId, ws));
await ctx.db.update(channels).set({ autoAssign: MODE }).where(eq(channels.id, channel.id));
ctx.channelCache.invalidate(channel.id);

const agentRows = await ctx.db
  .insert(users)
  .values(
    Array.from({ length: AGENTS }, (_, i) => ({
      email: `agent${i}.assign.bench@example.test`,
      name: `Agent ${i}`,
      passwordHash: 'x',
    })),
  )
  .returning({ id: users.id });
const agentIndex = new Map(agentRows.map((a, i) => [a.id, i]));
await ctx.db.insert(memberships).values(
  agentRows.map((a, i) => ({
    workspaceId: ws,
    userId: a.id,
    role: 'agent' as const,
    availability: 'available' as const,
    presenceSeenAt: new Date(),
    capacity: capacityOf(i),
  })),
);
// A live connection refreshes presence every 30 s (realtime/gateway); every 20 s here.
const presence = setInterval(() => {
  void ctx.db
    .update(memberships)
    .set({ presenceSeenAt: new Date() })
    .where(and(eq(memberships.workspaceId, ws), eq(memberships.role, 'agent')))
    .catch(() => undefined);
}, 20_000);

// History, set-based: HISTORY conversations of as many contacts, assigned round the agents; resolved
// apart from the first OPEN_PER_AGENT × AGENTS (open, i.e. the agents' current load).
const seedStart = performance.now();
const waIdCipher = await ctx.keyring.encrypt(ctx.db, ws, '4915100000000', 'contacts.wa_id');
await query(`create temporary table bench_agents (n int primary key, id uuid not null)`);
await query(
  `insert into bench_agents select n - 1, id::uuid from unnest($1::text[]) with ordinality as t(id, n)`,
  [agentRows.map((a) => a.id)],
);
await query(
  `insert into contacts (id, workspace_id, wa_id_hash, wa_id, created_at, updated_at)
   select md5('hc-' || c)::uuid, $1, 'history-' || c, $2, now() - c * interval '1 minute', now()
   from generate_series(0, ${HISTORY - 1}) c`,
  [ws, waIdCipher],
);
await query(
  `insert into conversations (workspace_id, channel_id, contact_id, status, assignee_id, assigned_at,
     last_message_at, created_at, updated_at)
   select $1, $2, md5('hc-' || c)::uuid,
     case when c < ${OPEN_PER_AGENT * AGENTS} then 'open' else 'resolved' end, a.id,
     now() - c * interval '1 minute', now() - c * interval '1 minute', now() - c * interval '1 minute', now()
   from generate_series(0, ${HISTORY - 1}) c join bench_agents a on a.n = c % ${AGENTS}`,
  [ws, channel.id],
);
await query('drop table bench_agents');
await query('vacuum analyze contacts');
await query('vacuum analyze conversations');
await query('analyze memberships');
const seedSeconds = +((performance.now() - seedStart) / 1000).toFixed(1);
log(`history: ${HISTORY} conversations in ${seedSeconds} s`);
const room = agentRows.reduce((s, _, i) => s + Math.max(0, capacityOf(i) - OPEN_PER_AGENT), 0);
log(`room for ${room} new conversations (${TOTAL} will arrive)`);

// Wait until background jobs (template sync, search backfill) are idle.
for (let i = 0; i < 600; i++) {
  const [r] = await query<{ n: number }>(
    `select count(*)::int as n from jobs where status in ('queued', 'running') and run_at <= now()`,
  );
  if (!r?.n) break;
  await new Promise((res) => setTimeout(res, 100));
}

// The job's run, timed: the same body as autoAssignJob.run (checked against its source).
const source = autoAssignJob.run.toString().replace(/\s+/g, '');
for (const part of ['drainQueue(ctx, workspaceId)', 'if (more)', 'enqueueJob(ctx.db, autoAssignJob']) {
  if (!source.includes(part.replace(/\s+/g, '')))
    throw new Error(`autoAssignJob.run changed (no "${part}"): update the wrapper in bench/auto-assign.ts`);
}
type Run = { nowMs: number; start: number; end: number; drainMs: number; assigned: number; more: boolean };
const runs: Run[] = [];
autoAssignJob.run = async (jobCtx, { workspaceId }) => {
  const now = new Date();
  const start = clock();
  const { assigned, more } = await drainQueue(jobCtx, workspaceId, now);
  const end = clock();
  runs.push({ nowMs: now.getTime(), start, end, drainMs: end - start, assigned, more });
  if (more) {
    await enqueueJob(jobCtx.db, autoAssignJob, { workspaceId }, { workspaceId });
    jobCtx.jobs.poke();
  }
};

// Samples of the queue and the job backlog while it runs (10 per second).
const samples: { at: number; queued: number; jobsWaiting: number }[] = [];
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    const [r] = await query<{ queued: number; jobs: number }>(
      `select (select count(*)::int from conversations where workspace_id = $1 and queued_at is not null
                 and assignee_id is null) as queued,
              (select count(*)::int from jobs where name = 'assignment.auto-assign' and status = 'queued') as jobs`,
      [ws],
    );
    samples.push({ at: clock(), queued: r!.queued, jobsWaiting: r!.jobs });
    await new Promise((res) => setTimeout(res, 100));
  }
})();

// New conversations, open-loop at RATE/s, each as ingest creates one.
type Created = { id: string; queuedAt: number; txMs: number; committedAt: number };
const created: Created[] = [];
const failures: string[] = [];
async function createOne(i: number) {
  const t = clock();
  const row = await ctx.db.transaction(async (tx) => {
    const [contact] = await tx
      .insert(contacts)
      .values({ workspaceId: ws, waIdHash: `new-${i}-${crypto.randomUUID()}`, waId: waIdCipher })
      .returning({ id: contacts.id });
    const at = new Date();
    const [c] = await tx
      .insert(conversations)
      .values({
        workspaceId: ws,
        channelId: channel.id,
        contactId: contact!.id,
        status: 'open',
        lastMessageAt: at,
        lastInboundAt: at,
        unreadCount: 1,
      })
      .returning({ id: conversations.id });
    await requestAutoAssignFor(tx, ws, [c!.id]);
    const [q] = await tx
      .select({ queuedAt: conversations.queuedAt })
      .from(conversations)
      .where(eq(conversations.id, c!.id));
    return { id: c!.id, queuedAt: q?.queuedAt };
  });
  const committedAt = clock();
  ctx.jobs.pokeJobs();
  if (!row.queuedAt) throw new Error(`conversation ${row.id} was not queued`);
  created.push({ id: row.id, queuedAt: row.queuedAt.getTime(), txMs: committedAt - t, committedAt });
}
const cpuBefore = process.cpuUsage();
const cpuTimes = () => os.cpus().reduce((s, c) => s + c.times.user + c.times.nice + c.times.sys, 0);
const idleTimes = () => os.cpus().reduce((s, c) => s + c.times.idle, 0);
const busy0 = cpuTimes();
const idle0 = idleTimes();
const loadAtStart = os.loadavg().map((l) => +l.toFixed(2));
log(`sending ${TOTAL} conversations at ${RATE}/s (${MODE})`);
const sendStart = clock();
const inFlight: Promise<void>[] = [];
for (let i = 0; i < TOTAL; i++) {
  const due = sendStart + (i * 1000) / RATE;
  const wait = due - clock();
  if (wait > 1) await new Promise((res) => setTimeout(res, wait));
  inFlight.push(createOne(i).catch((err: Error) => void failures.push(err.message)));
}
await Promise.all(inFlight);
const sendSeconds = (clock() - sendStart) / 1000;
const busy1 = cpuTimes();
const idle1 = idleTimes();
const cpuServer = process.cpuUsage(cpuBefore);
log(`sent in ${sendSeconds.toFixed(2)} s; waiting for the queue to empty`);

// Until the queue is empty (or stays where it is: nobody has room) and no auto-assign job is left.
const drainUntil = Date.now() + DRAIN_MS;
let lastEmpty = clock();
for (;;) {
  const [r] = await query<{ queued: number; jobs: number }>(
    `select (select count(*)::int from conversations where workspace_id = $1 and queued_at is not null) as queued,
            (select count(*)::int from jobs where name = 'assignment.auto-assign' and status in ('queued', 'running')) as jobs`,
    [ws],
  );
  if (r!.jobs === 0) break;
  if (r!.queued > 0) lastEmpty = clock();
  if (Date.now() > drainUntil) {
    log(`still ${r!.queued} queued and ${r!.jobs} jobs after ${DRAIN_MS} ms`);
    break;
  }
  await new Promise((res) => setTimeout(res, 50));
}
const lastJobAfterLastCreateMs = +(clock() - sendStart - sendSeconds * 1000).toFixed(0);
sampling = false;
await sampler;
clearInterval(presence);

// Per conversation: which run assigned it (assigned_at = that run's `now`).
const rows = await query<{ id: string; assignee_id: string | null; assigned_at: Date | null }>(
  `select id, assignee_id, assigned_at from conversations where id = any($1::uuid[])`,
  [created.map((c) => c.id)],
);
const runsByNow = new Map<number, Run[]>();
for (const r of runs) runsByNow.set(r.nowMs, [...(runsByNow.get(r.nowMs) ?? []), r]);
const byId = new Map(rows.map((r) => [r.id, r]));
const queueMs: number[] = [];
const waitMs: number[] = [];
const runMsPerConversation: number[] = [];
const decisionMs: number[] = [];
let unmatched = 0;
let unassigned = 0;
for (const c of created) {
  const r = byId.get(c.id);
  if (!r?.assigned_at) {
    unassigned++;
    continue;
  }
  const run = runsByNow.get(new Date(r.assigned_at).getTime())?.find((x) => x.assigned > 0);
  if (!run) {
    unmatched++;
    continue;
  }
  queueMs.push(run.end - c.queuedAt);
  waitMs.push(run.start - c.queuedAt);
  runMsPerConversation.push(run.drainMs);
  decisionMs.push(run.drainMs / run.assigned);
}
const nonEmpty = runs.filter((r) => r.assigned > 0);

// Correctness.
const loads = await ctx.db
  .select({ userId: memberships.userId, capacity: memberships.capacity, load: loadOf(ws) })
  .from(memberships)
  .where(eq(memberships.workspaceId, ws));
const overCapacity = loads.filter((l) => Number(l.load) > l.capacity);
const withRoom = loads.filter((l) => agentIndex.has(l.userId) && Number(l.load) < l.capacity);
const [left] = await query<{ n: number }>(
  `select count(*)::int as n from conversations where workspace_id = $1 and queued_at is not null and assignee_id is null`,
  [ws],
);
const newPerAgent = new Map<string, number>();
for (const r of rows)
  if (r.assignee_id) newPerAgent.set(r.assignee_id, (newPerAgent.get(r.assignee_id) ?? 0) + 1);
// Round-robin: agents who never reached their capacity got the same number, ± 1.
const notFull = loads.filter(
  (l) => agentIndex.has(l.userId) && Number(l.load) < l.capacity && newPerAgent.has(l.userId),
);
const notFullCounts = notFull.map((l) => newPerAgent.get(l.userId) ?? 0);
const [writes] = await query<{ activity: number; notified: number }>(
  `select (select count(*)::int from messages where workspace_id = $1 and kind = 'activity') as activity,
          (select count(*)::int from notifications where workspace_id = $1 and type = 'assignment') as notified`,
  [ws],
);
const correctness = {
  created: created.length,
  failures: failures.length,
  firstFailures: failures.slice(0, 3),
  assigned: created.length - unassigned,
  unassigned,
  unmatchedToARun: unmatched,
  overCapacity: overCapacity.length,
  leftQueued: left!.n,
  agentsWithRoom: withRoom.length,
  leftQueuedWhileSomeoneHasRoom: left!.n > 0 && withRoom.length > 0,
  agentsAtCapacity: loads.filter((l) => agentIndex.has(l.userId) && Number(l.load) >= l.capacity).length,
  newAssignmentsPerAgent: {
    min: Math.min(...newPerAgent.values()),
    max: Math.max(...newPerAgent.values()),
  },
  roundRobinSpreadOfAgentsBelowCapacity:
    notFullCounts.length > 0 ? Math.max(...notFullCounts) - Math.min(...notFullCounts) : null,
  activityMessages: writes!.activity,
  assignmentNotifications: writes!.notified,
};
const ok =
  correctness.failures === 0 &&
  correctness.overCapacity === 0 &&
  !correctness.leftQueuedWhileSomeoneHasRoom &&
  correctness.activityMessages === correctness.assigned &&
  correctness.assignmentNotifications === correctness.assigned &&
  (MODE !== 'round_robin' || (correctness.roundRobinSpreadOfAgentsBelowCapacity ?? 0) <= 1);

// The drain's reads, explained on this data (the candidates' load is a count per agent).
const plans: Record<string, string[]> = {};
async function explain(name: string, s: { sql: string; params: unknown[] }) {
  const out = await query<Record<string, string>>(`explain (analyze, buffers) ${s.sql}`, s.params);
  plans[name] = [`-- ${s.sql.replace(/\s+/g, ' ').slice(0, 500)}`, ...out.map((r) => Object.values(r)[0]!)];
}
const now = new Date();
await explain(
  'candidates (drainQueue → candidatesOf)',
  ctx.db
    .select({
      userId: memberships.userId,
      capacity: memberships.capacity,
      lastAssignedAt: memberships.lastAssignedAt,
      load: loadOf(ws),
    })
    .from(memberships)
    .where(
      and(
        eq(memberships.workspaceId, ws),
        eq(memberships.status, 'active'),
        eq(memberships.availability, 'available'),
        gt(memberships.presenceSeenAt, new Date(now.getTime() - PRESENCE_TIMEOUT_MS)),
        or(isNull(memberships.absentUntil), lt(memberships.absentUntil, now)),
      ),
    )
    .toSQL(),
);
await explain(
  'queue head (drainQueue)',
  ctx.db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, ws),
        isNotNull(conversations.queuedAt),
        isNull(conversations.assigneeId),
      ),
    )
    .orderBy(conversations.queuedAt, conversations.id)
    .limit(201)
    .toSQL(),
);
const [jobCount] = await ctx.db
  .select({ n: sql<number>`count(*)::int` })
  .from(jobs)
  .where(eq(jobs.name, autoAssignJob.name));

const elapsed = sendSeconds;
console.log(
  JSON.stringify(
    {
      machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, node ${process.version}`,
      loadAverageAtStart: loadAtStart,
      database: database.kind,
      mode: MODE,
      agents: AGENTS,
      capacities: (() => {
        const cs = agentRows.map((_, i) => capacityOf(i));
        return {
          min: Math.min(...cs),
          max: Math.max(...cs),
          total: cs.reduce((a, b) => a + b, 0),
          roomForNew: room,
        };
      })(),
      history: HISTORY,
      seedSeconds,
      offered: { rate: RATE, seconds: SECONDS, conversations: TOTAL },
      achievedRate: +(created.length / elapsed).toFixed(1),
      createTransactionMs: summary(created.map((c) => c.txMs)),
      queueLatencyMs: summary(queueMs),
      waitForRunMs: summary(waitMs),
      decisionMsPerConversation: summary(decisionMs),
      runs: {
        total: runs.length,
        jobRowsEnqueued: jobCount?.n,
        assigning: nonEmpty.length,
        empty: runs.length - nonEmpty.length,
        drainMsAll: summary(runs.map((r) => r.drainMs)),
        drainMsAssigning: summary(nonEmpty.map((r) => r.drainMs)),
        drainMsEmpty: summary(runs.filter((r) => r.assigned === 0).map((r) => r.drainMs)),
        assignedPerRun: summary(nonEmpty.map((r) => r.assigned)),
        drainMsPerConversationWeightedByConversation: summary(runMsPerConversation),
      },
      peakQueue: Math.max(0, ...samples.map((s) => s.queued)),
      peakJobsWaiting: Math.max(0, ...samples.map((s) => s.jobsWaiting)),
      lastJobAfterLastCreateMs,
      queueEmptySinceMs: +(clock() - lastEmpty).toFixed(0),
      cpu: {
        serverProcessPercentOfOneCore: +(
          ((cpuServer.user + cpuServer.system) / 1000 / (elapsed * 1000)) *
          100
        ).toFixed(0),
        machineBusyPercent: +((100 * (busy1 - busy0)) / (busy1 - busy0 + idle1 - idle0)).toFixed(0),
      },
      correctness,
      ok,
      plans,
    },
    null,
    2,
  ),
);

await bench.close();
process.exit(ok ? 0 : 1);
