/**
 * Inbox queries on a big workspace: conversation list, message page and search latency with
 * 1,000,000 messages in 100,000 conversations (one workspace, one channel, 100,000 contacts).
 *   npx tsx bench/inbox-queries.ts [conversations=100000] [requests=300]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/inbox-queries.ts   (scratch database)
 *   BENCH_CANDIDATE_INDEXES=1  also measures again with the indexes proposed in bench/README.md
 *   BENCH_CASE_SECONDS=60      time limit per case (a case that needs more stops early and says n)
 *   BENCH_KEEP_DB=1            keeps the seeded scratch database (or PGlite directory) for EXPLAIN experiments
 *
 * Messages are 10 × conversations: 1 % of conversations have 200 messages, 9 % have 30, the rest 5–6.
 * Seeding is set-based SQL (`insert … select generate_series`, in arrival-time order like real data)
 * over a pool of 1,024 message texts encrypted once with the real keyring (AES-GCM ciphertexts are not
 * bound to a row, so a reused ciphertext decrypts like any other); contacts (name, number, blind index,
 * search tokens) are encrypted one by one. Search tokens come from the app's own search module when it
 * exists, so `?q=` is meaningful. Every request goes over real HTTP to the real server with a signed-in
 * owner, one at a time: the client time is fetch + body; the server time is Fastify's
 * `reply.elapsedTime` (onRequest → response sent), from an onResponse hook added here. The SQL time is
 * the route's main statement alone (same shape as in the services; for deep cursors also the proposed
 * row-comparison form); EXPLAIN (ANALYZE, BUFFERS) of each. A search request's statements are captured
 * from the driver while it runs and each is explained as it was sent (whatever the search module does).
 * With BENCH_CANDIDATE_INDEXES, proposed indexes whose exact column order no existing index has are
 * created and everything is measured again. Bounded: fixed sizes, request counts and time per case.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { and, desc, eq, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import {
  contacts,
  conversationLabels,
  conversations,
  labels,
  memberships,
  messages,
  teamMembers,
  teams,
  users,
} from '../apps/server/src/db/schema.js';
import { signIn } from '../apps/server/src/test/harness.js';
import { openBenchServer } from './lib/bench-server.js';

const N = Number(process.argv[2] ?? 100_000);
const REQUESTS = Number(process.argv[3] ?? 300);
const CASE_SECONDS = Number(process.env.BENCH_CASE_SECONDS ?? 60);
const POOL = 1024;
const AGENTS = 50;
const LABELS = 20;
const TEAMS = 5;
/** Only the cases whose name matches (a regular expression), e.g. `^list` to leave out search. */
const CASE_FILTER = process.env.BENCH_CASES ? new RegExp(process.env.BENCH_CASES) : null;
const PNID = '106540352242924';
const SECRET = 'bench-app-secret-789';

const log = (m: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
const pct = (xs: number[], p: number): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(2);
};
const summary = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99) });

/** A valid v4 UUID derived from a string: the same in JS and in SQL (bench_uuid). */
function benchUuid(s: string): string {
  const h = crypto.createHash('md5').update(s).digest('hex');
  const v = `${h.slice(0, 12)}4${h.slice(13, 16)}8${h.slice(17)}`;
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20)}`;
}
const convId = (c: number) => benchUuid(`conv-${c}`);
const contactId = (c: number) => benchUuid(`contact-${c}`);
/** Messages of conversation c (same expression as in SQL below). */
const countOf = (c: number) => (c % 100 === 0 ? 200 : c % 10 === 0 ? 30 : c % 9 === 8 ? 5 : 6);
const COUNT_SQL = (c: string) =>
  `(case when ${c} % 100 = 0 then 200 when ${c} % 10 = 0 then 30 when ${c} % 9 = 8 then 5 else 6 end)`;

// Deterministic texts: realistic lengths (a few words to a long paragraph), German and English.
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(42);
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const FIRST =
  'Anna Ben Clara David Emma Felix Greta Hannah Ismail Jonas Katharina Lukas Mia Noah Olga Paul Quentin Rosa Sofia Tobias Ursula Viktor Wiebke Xenia Yusuf Zeynep Mehmet Fatma Jan Lea Marie Leon Elias Lina Finn Ida Moritz Nele Oskar Pia'.split(
    ' ',
  );
const LAST =
  'Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf Schröder Neumann Schwarz Braun Zimmermann Krüger Hartmann Lange Werner Krause Lehmann Köhler Maier Yılmaz Kaya Demir Nowak Kowalski'.split(
    ' ',
  );
const OPENERS = ['Hallo', 'Hi', 'Guten Tag', 'Moin', 'Hello', 'Servus', 'Hey', 'Good morning', ''];
const TOPICS = [
  'ich habe eine Frage zu meiner Bestellung',
  'wann kommt meine Lieferung',
  'das Paket ist leider beschädigt angekommen',
  'können Sie mir die Rechnung noch einmal schicken',
  'ich möchte meinen Termin verschieben',
  'my order has not arrived yet',
  'can I change the delivery address',
  'the invoice shows the wrong amount',
  'ist der Artikel wieder verfügbar',
  'ich möchte das Abo kündigen',
  'vielen Dank für die schnelle Hilfe',
  'die Größe passt leider nicht, kann ich umtauschen',
  'wo finde ich die Sendungsverfolgung',
  'is there a discount for students',
  'der Gutschein funktioniert nicht',
];
const DETAILS = [
  'Bestellnummer',
  'Kundennummer',
  'order number',
  'Rechnung',
  'Ticket',
  'Vertragsnummer',
  'Sendungsnummer',
];
const FILLER = [
  'Ich habe es gestern schon telefonisch versucht, aber niemand hat abgenommen.',
  'Es wäre super, wenn Sie sich heute noch melden könnten.',
  'Please let me know as soon as possible, thank you.',
  'Meine Frau hat auch schon eine E-Mail geschrieben, bisher ohne Antwort.',
  'Im Anhang finden Sie ein Foto vom Karton.',
  'Ich bin bis 18 Uhr erreichbar.',
  'Das ist jetzt schon das dritte Mal, dass das passiert.',
  'Thanks a lot for your patience.',
];
function messageText(i: number): string {
  const shape = i % 8;
  if (shape === 0) return pick(['Danke!', 'Ok 👍', 'Alles klar', 'Super, danke', 'Thanks!', 'Ja', 'Perfekt']);
  const opener = pick(OPENERS);
  let t = `${opener ? `${opener}, ` : ''}${pick(TOPICS)}. ${pick(DETAILS)} ${100000 + Math.floor(rnd() * 900000)}.`;
  const extra = shape >= 6 ? 3 + Math.floor(rnd() * 4) : shape >= 3 ? 1 : 0;
  for (let k = 0; k < extra; k++) t += ` ${pick(FILLER)}`;
  return t;
}

// ---------------------------------------------------------------------------------------------------
const serverMs = new Map<string, number[]>();
const bench = await openBenchServer({
  phoneNumberId: PNID,
  appSecret: SECRET,
  accessToken: 'bench-token-789',
  fastHash: true,
  beforeListen: (app) =>
    app.addHook('onResponse', async (request, reply) => {
      const name = request.headers['x-bench-case'];
      if (typeof name !== 'string') return;
      const xs = serverMs.get(name) ?? [];
      xs.push(reply.elapsedTime);
      serverMs.set(name, xs);
    }),
});
const { app, ctx, database, url } = bench;

/** Raw SQL with parameters (node-postgres on both databases). */
async function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await database.pool.query(text, params)).rows as T[];
}
const run = (statement: string) => database.pool.query(statement);

// 1. Workspace, owner (signed in over the real route), agents, channel.
const email = 'inbox.bench@example.test';
const { workspace, channel } = await bench.createWorkspaceWithChannel({
  ownerEmail: email,
  ownerName: 'Olivia Owner',
  workspace: 'Big Shop',
  channel: 'Shop',
});
const ws = workspace.id;
const agentRows = await ctx.db
  .insert(users)
  .values(
    Array.from({ length: AGENTS }, (_, i) => ({
      email: `agent${i}.inbox.bench@example.test`,
      name: `Agent ${i}`,
      passwordHash: 'x',
    })),
  )
  .returning({ id: users.id });
await ctx.db.insert(memberships).values(
  agentRows.map((a, i) => ({
    workspaceId: ws,
    userId: a.id,
    role: 'agent' as const,
    availability: 'available' as const,
    presenceSeenAt: new Date(),
    capacity: 20 + (i % 5) * 5,
  })),
);
// Teams: agent i is in team i % TEAMS; an assigned conversation belongs to its assignee's team.
const teamRows = await ctx.db
  .insert(teams)
  .values(Array.from({ length: TEAMS }, (_, i) => ({ workspaceId: ws, name: `Team ${i}` })))
  .returning({ id: teams.id });
await ctx.db
  .insert(teamMembers)
  .values(agentRows.map((a, i) => ({ teamId: teamRows[i % TEAMS]!.id, userId: a.id, workspaceId: ws })));
// Labels with a skewed (Zipf, s = 1.2) share of the labelled conversations: label 0 the most common.
const labelRows = await ctx.db
  .insert(labels)
  .values(
    Array.from({ length: LABELS }, (_, i) => ({ workspaceId: ws, name: `Label ${i}`, color: '#228be6' })),
  )
  .returning({ id: labels.id });
const zipf = Array.from({ length: LABELS }, (_, i) => 1 / (i + 1) ** 1.2);
const zipfSum = zipf.reduce((a, b) => a + b, 0);
const cookie = await signIn(app, email);

// The search module (being built at the time of writing): used for tokens when it is there.
type SearchModule = {
  messageSearchTokens(k: unknown, db: unknown, ws: string, text: string | null): Promise<string[]>;
  contactSearchTokens(
    k: unknown,
    db: unknown,
    ws: string,
    name: string | null,
    waId: string | null,
  ): Promise<string[]>;
};
const searchPath = '../apps/server/src/modules/search/index.js';
const search = (await import(searchPath).catch(() => null)) as SearchModule | null;
const hasTokens =
  typeof search?.messageSearchTokens === 'function' && typeof search?.contactSearchTokens === 'function';

// 2. Seed.
const timings: Record<string, number> = {};
const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
  const t = performance.now();
  const r = await f();
  timings[name] = +((performance.now() - t) / 1000).toFixed(1);
  log(`${name}: ${timings[name]} s`);
  return r;
};
const seedStart = performance.now();
const texts = Array.from({ length: POOL }, (_, i) => messageText(i));
await timed('pool of ciphertexts', async () => {
  await run(`create table bench_pool (n int primary key, text_in text, content_in text, text_out text,
    content_out text, preview text, tokens text[] not null)`);
  await run(`create table bench_agents (n int primary key, id uuid not null, team uuid not null)`);
  await run(
    `create table bench_labels (n int primary key, id uuid not null, lo float8 not null, hi float8 not null)`,
  );
  await run(`create function bench_uuid(text) returns uuid language sql immutable as
    $$ select overlay(overlay(md5($1) placing '4' from 13) placing '8' from 17)::uuid $$`);
  const enc = (v: string, context: string) => ctx.keyring.encrypt(ctx.db, ws, v, context);
  for (let i = 0; i < POOL; i += 128) {
    const rows = await Promise.all(
      texts.slice(i, i + 128).map(async (t, j) => [
        i + j,
        await enc(t, 'messages.text'),
        await enc(JSON.stringify({ text: { body: t } }), 'messages.content'),
        await enc(t, 'messages.text'),
        await enc(JSON.stringify({ preview_url: false }), 'messages.content'),
        await enc(t.slice(0, 140), 'conversations.preview'),
        // A text[] literal (tokens are base64url: no quoting needed).
        `{${(hasTokens ? await search!.messageSearchTokens(ctx.keyring, ctx.db, ws, t) : []).join(',')}}`,
      ]),
    );
    await ctx.db.execute(
      sql`insert into bench_pool values ${sql.join(
        rows.map((r) => sql`(${r[0]}, ${r[1]}, ${r[2]}, ${r[3]}, ${r[4]}, ${r[5]}, ${r[6]}::text[])`),
        sql`, `,
      )}`,
    );
  }
  await ctx.db.execute(
    sql`insert into bench_agents values ${sql.join(
      agentRows.map((a, i) => sql`(${i}, ${a.id}, ${teamRows[i % TEAMS]!.id})`),
      sql`, `,
    )}`,
  );
  let cumulative = 0;
  await ctx.db.execute(
    sql`insert into bench_labels values ${sql.join(
      labelRows.map((l, i) => {
        const lo = cumulative / zipfSum;
        cumulative += zipf[i]!;
        return sql`(${i}, ${l.id}, ${lo}, ${i === LABELS - 1 ? 2 : cumulative / zipfSum})`;
      }),
      sql`, `,
    )}`,
  );
});

const waIdOf = (c: number) => `49151${String(10_000_000 + c * 7)}`;
const nameOf = (c: number) =>
  `${FIRST[c % FIRST.length]} ${LAST[Math.floor(c / FIRST.length) % LAST.length]}`;
await timed('contacts (encrypted one by one)', async () => {
  const hash = await ctx.keyring.blindIndexer(ctx.db, ws, 'contacts.wa_id');
  for (let c0 = 0; c0 < N; c0 += 2000) {
    const batch = [];
    for (let c = c0; c < Math.min(N, c0 + 2000); c++) {
      const name = nameOf(c);
      const waId = waIdOf(c);
      batch.push({
        id: contactId(c),
        workspaceId: ws,
        waIdHash: hash(waId),
        waId: await ctx.keyring.encrypt(ctx.db, ws, waId, 'contacts.wa_id'),
        name: await ctx.keyring.encrypt(ctx.db, ws, name, 'contacts.name'),
        nameTokens: hasTokens ? await search!.contactSearchTokens(ctx.keyring, ctx.db, ws, name, waId) : [],
      });
    }
    await ctx.db.insert(contacts).values(batch);
  }
});

// Conversation c: its newest message at base − perm(c) × step (spread over 90 days, all distinct),
// messages `gap` apart before that. Status: 30 % open, 10 % pending, 5 % snoozed, 55 % resolved;
// 40 % unassigned, the rest spread evenly over the agents at random, independent of status (team = the
// assignee's team); priority urgent 1 %,
// high 5 %, low 10 %, else none (independent of status). Labels: 30 % of conversations carry one (a
// quarter of those a second one), label n with a Zipf share (see zipf above).
const step = Math.max(1, Math.floor((90 * 86400) / N));
const BASE = new Date(Math.floor(Date.now() / 1000) * 1000);
const lastAtSql = (c: string) =>
  `('${BASE.toISOString()}'::timestamptz - (((${c}::bigint * 7919) % ${N}) * ${step}) * interval '1 second')`;
/** created_at of the message k places before the newest of conversation c (same arithmetic as the seed). */
const beforeOf = (c: number, k: number) =>
  new Date(BASE.getTime() - ((c * 7919) % N) * step * 1000 - k * (60 + (c % 600)) * 1000);
const gapSql = (c: string) => `((60 + ${c} % 600) * interval '1 second')`;
/** A deterministic value in [0, 1) per (salt, c), independent of c's residues (md5). */
const UNIT_SQL = (salt: string, c: string) =>
  `(('x' || substr(md5('${salt}-' || ${c}), 1, 8))::bit(32)::bigint / 4294967296.0)`;
await timed('conversations (set-based)', async () => {
  await run(`
    insert into conversations (id, workspace_id, channel_id, contact_id, status, assignee_id, team_id, priority,
      last_message_at, last_inbound_at, last_message_preview, unread_count, created_at, updated_at)
    select bench_uuid('conv-' || c), '${ws}', '${channel.id}', bench_uuid('contact-' || c),
      case when c % 20 < 6 then 'open' when c % 20 < 8 then 'pending' when c % 20 = 8 then 'snoozed' else 'resolved' end,
      case when c % 5 < 2 then null else a.id end,
      case when c % 5 < 2 then null else a.team end,
      case when ${UNIT_SQL('p', 'c')} < 0.01 then 'urgent' when ${UNIT_SQL('p', 'c')} < 0.06 then 'high'
        when ${UNIT_SQL('p', 'c')} < 0.16 then 'low' else 'none' end,
      ${lastAtSql('c')}, ${lastAtSql('c')} - ${gapSql('c')}, p.preview,
      case when c % 20 < 6 then c % 4 else 0 end,
      ${lastAtSql('c')} - (${COUNT_SQL('c')} - 1) * ${gapSql('c')}, ${lastAtSql('c')}
    from generate_series(0, ${N - 1}) c
    join bench_pool p on p.n = (c * 31 + ${COUNT_SQL('c')}) % ${POOL}
    join bench_agents a on a.n = floor(${UNIT_SQL('agent', 'c')} * ${AGENTS})::int`);
});
await timed('conversation labels (set-based)', async () => {
  for (const [k, share] of [
    ['l1', 0.3],
    ['l2', 0.075],
  ] as const)
    await run(`
      insert into conversation_labels (conversation_id, label_id, workspace_id, created_at)
      select bench_uuid('conv-' || c), l.id, '${ws}', ${lastAtSql('c')}
      from generate_series(0, ${N - 1}) c
      join bench_labels l on ${UNIT_SQL(`${k}pick`, 'c')} >= l.lo and ${UNIT_SQL(`${k}pick`, 'c')} < l.hi
      where ${UNIT_SQL('labelled', 'c')} < ${share}
      on conflict do nothing`);
});

const CHUNKS = 10;
await timed(`messages (set-based, ${CHUNKS} chunks in arrival order)`, async () => {
  const span = 90 * 86400 + 200 * 660;
  for (let k = 0; k < CHUNKS; k++) {
    // Chunk k holds the messages whose time is in the k-th slice of the whole span (oldest first), so the
    // table's physical order is arrival order as in production; `seq` follows it.
    const from = span - Math.floor((span * k) / CHUNKS);
    const to = span - Math.floor((span * (k + 1)) / CHUNKS);
    await run(`
      insert into messages (workspace_id, conversation_id, channel_id, direction, type, text, content,
        search_tokens, provider_message_id, status, sender_user_id, sent_at, delivered_at, read_at, created_at, updated_at)
      select '${ws}', bench_uuid('conv-' || m.c), '${channel.id}', m.dir, 'text',
        case when m.dir = 'inbound' then p.text_in else p.text_out end,
        case when m.dir = 'inbound' then p.content_in else p.content_out end,
        p.tokens, 'wamid.SEED.' || m.c || '.' || m.k,
        case when m.dir = 'inbound' then 'received' else 'read' end,
        case when m.dir = 'outbound' then a.id end,
        case when m.dir = 'outbound' then m.at end,
        case when m.dir = 'outbound' then m.at + interval '2 second' end,
        case when m.dir = 'outbound' then m.at + interval '30 second' end,
        m.at, m.at
      from (
        select c, k, case when (c + k) % 5 < 3 or k = ${COUNT_SQL('c')} then 'inbound' else 'outbound' end as dir,
          ${lastAtSql('c')} - (${COUNT_SQL('c')} - k) * ${gapSql('c')} as at
        from generate_series(0, ${N - 1}) c
        cross join lateral generate_series(1, ${COUNT_SQL('c')}) k
      ) m
      join bench_pool p on p.n = (m.c * 31 + m.k) % ${POOL}
      join bench_agents a on a.n = (m.c / 5) % ${AGENTS}
      where m.at <= '${BASE.toISOString()}'::timestamptz - ${to} * interval '1 second'
        and m.at > '${BASE.toISOString()}'::timestamptz - ${from} * interval '1 second'
      order by m.at`);
    log(`  messages chunk ${k + 1}/${CHUNKS}`);
  }
});
await timed('cleanup + vacuum analyze', async () => {
  await run('drop table bench_pool');
  await run('drop table bench_agents');
  await run('drop table bench_labels');
  await run('drop function bench_uuid(text)');
  await run('vacuum analyze');
  await run('checkpoint');
});
const seedSeconds = +((performance.now() - seedStart) / 1000).toFixed(1);
const [counts] = await query<{ messages: number; conversations: number; contacts: number; bytes: string }>(
  `select (select count(*)::int from messages) as messages, (select count(*)::int from conversations) as conversations,
     (select count(*)::int from contacts) as contacts, pg_database_size(current_database())::text as bytes`,
);
log(`seeded ${JSON.stringify(counts)} in ${seedSeconds} s`);
let expectedMessages = 0;
for (let c = 0; c < N; c++) expectedMessages += countOf(c);
if (counts?.messages !== expectedMessages || counts.conversations !== N)
  throw new Error(
    `seeded ${counts?.messages} messages / ${counts?.conversations} conversations, expected ${expectedMessages} / ${N}`,
  );

// How often each label is used (label 0 the most common), and how many conversations carry any.
const labelCounts = await query<{ id: string; n: number }>(
  `select l.id, count(cl.conversation_id)::int as n from labels l
     left join conversation_labels cl on cl.label_id = l.id where l.workspace_id = $1 group by l.id`,
  [ws],
);
const labelUse = labelRows.map((l) => labelCounts.find((r) => r.id === l.id)?.n ?? 0);
const [labelled] = await query<{ n: number; links: number }>(
  `select count(distinct conversation_id)::int as n, count(*)::int as links from conversation_labels`,
);
log(
  `labels: ${labelled?.n} conversations labelled (${labelled?.links} links); per label ${labelUse.join(' ')}`,
);

// Wait until background jobs (template sync, search backfill) are idle.
for (let i = 0; i < 600; i++) {
  const [r] = await query<{ n: number }>(
    `select count(*)::int as n from jobs where status in ('queued', 'running') and run_at <= now()`,
  );
  if (!r?.n) break;
  await new Promise((res) => setTimeout(res, 100));
}

// 3. Cases.
const ordered = await query<{ last_message_at: Date | string; id: string }>(
  `select last_message_at, id from conversations where workspace_id = $1 order by last_message_at desc, id desc`,
  [ws],
);
const iso = (v: Date | string) => new Date(v).toISOString();
const deepCursor = () => {
  const r = ordered[Math.floor(N / 10 + rnd() * ((8 * N) / 10))]!;
  return { at: new Date(r.last_message_at), id: r.id, cursor: `${iso(r.last_message_at)}|${r.id}` };
};
const longConvs = Array.from({ length: Math.floor(N / 100) }, (_, i) => i * 100);

type Case = {
  name: string;
  budget: 'list' | 'messages' | 'search';
  next: () => {
    url: string;
    sql?: () => { sql: string; params: unknown[] };
    /** A proposed replacement of the statement (measured and explained in the candidates phase). */
    proposedSql?: () => { sql: string; params: unknown[] };
  };
};
const W = `/api/v1/workspaces/${ws}`;

// The statements of listConversations / listMessages (apps/server/src/modules/conversations/service.ts).
function listSql(o: {
  status?: 'open';
  unassigned?: boolean;
  assigneeId?: string;
  labelId?: string;
  teamId?: string;
  priority?: 'urgent';
  before?: { at: Date; id: string };
  /** The proposed cursor condition `(last_message_at, id) < (at, id)` instead of the OR. */
  rowCompare?: boolean;
}) {
  const conditions: SQL[] = [eq(conversations.workspaceId, ws)];
  if (o.status) conditions.push(eq(conversations.status, o.status));
  if (o.unassigned) conditions.push(isNull(conversations.assigneeId));
  if (o.assigneeId) conditions.push(eq(conversations.assigneeId, o.assigneeId));
  if (o.teamId) conditions.push(eq(conversations.teamId, o.teamId));
  if (o.priority) conditions.push(eq(conversations.priority, o.priority));
  if (o.labelId)
    conditions.push(
      sql`exists (select 1 from ${conversationLabels} where ${conversationLabels.conversationId} = ${conversations.id} and ${conversationLabels.labelId} = ${o.labelId})`,
    );
  if (o.before && o.rowCompare)
    conditions.push(
      sql`(${conversations.lastMessageAt}, ${conversations.id}) < (${o.before.at.toISOString()}::timestamptz, ${o.before.id}::uuid)`,
    );
  else if (o.before)
    conditions.push(
      or(
        lt(conversations.lastMessageAt, o.before.at),
        and(eq(conversations.lastMessageAt, o.before.at), lt(conversations.id, o.before.id)),
      )!,
    );
  return ctx.db
    .select({ c: conversations, contact: contacts })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(...conditions))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(51)
    .toSQL();
}
function messagesSql(conversationId: string, before?: Date) {
  const conditions: SQL[] = [eq(messages.conversationId, conversationId), eq(messages.workspaceId, ws)];
  if (before) conditions.push(lt(messages.createdAt, before));
  return ctx.db
    .select()
    .from(messages)
    .where(and(...conditions))
    .orderBy(desc(messages.createdAt), desc(messages.seq))
    .limit(51)
    .toSQL();
}
/**
 * Statement capture: records every statement the server sends (text and parameters) while on, so a
 * search request's statements can be explained as they are, whatever shape the search module has.
 */
const captured: { sql: string; params: unknown[] }[] = [];
let capturing = false;
{
  const record = (text: unknown, params: unknown) => {
    if (!capturing) return;
    const t = typeof text === 'string' ? text : ((text as { text?: string })?.text ?? '');
    const p = Array.isArray(params) ? params : ((text as { values?: unknown[] })?.values ?? []);
    captured.push({ sql: t, params: p });
  };
  const pg = (await import('pg')).default;
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...a: unknown[]) {
    record(a[0], a[1]);
    return original.apply(this, a);
  };
}
/** The statements of one request (in order), for EXPLAIN. */
async function statementsOf(path: string) {
  captured.length = 0;
  capturing = true;
  try {
    await get(path);
  } finally {
    capturing = false;
  }
  return captured.splice(0);
}

const cases: Case[] = [
  {
    name: 'list',
    budget: 'list',
    next: () => ({ url: `${W}/conversations?limit=50`, sql: () => listSql({}) }),
  },
  {
    name: 'list status=open',
    budget: 'list',
    next: () => ({ url: `${W}/conversations?limit=50&status=open`, sql: () => listSql({ status: 'open' }) }),
  },
  {
    name: 'list assignee=unassigned',
    budget: 'list',
    next: () => ({
      url: `${W}/conversations?limit=50&assignee=unassigned`,
      sql: () => listSql({ unassigned: true }),
    }),
  },
  {
    name: 'list status=open&assignee=unassigned',
    budget: 'list',
    next: () => ({
      url: `${W}/conversations?limit=50&status=open&assignee=unassigned`,
      sql: () => listSql({ status: 'open', unassigned: true }),
    }),
  },
  // Team inbox filters (50 agents, 20 labels; see the seed).
  ...((): Case[] => {
    const common = labelRows[0]!.id;
    const mid = labelRows[Math.floor(LABELS / 2)]!.id;
    const rare = labelRows[LABELS - 1]!.id;
    const anyLabel = () => pick(labelRows).id;
    const anyAgent = () => pick(agentRows).id;
    const list = (name: string, o: Parameters<typeof listSql>[0]): Case => ({
      name,
      budget: 'list',
      next: () => {
        const f = { ...o };
        if (f.labelId === 'any') f.labelId = anyLabel();
        if (f.assigneeId === 'any') f.assigneeId = anyAgent();
        if (f.teamId === 'any') f.teamId = pick(teamRows).id;
        const qs = [
          'limit=50',
          f.status ? `status=${f.status}` : '',
          f.labelId ? `labelId=${f.labelId}` : '',
          f.assigneeId ? `assigneeId=${f.assigneeId}` : '',
          f.teamId ? `teamId=${f.teamId}` : '',
          f.priority ? `priority=${f.priority}` : '',
        ].filter(Boolean);
        return { url: `${W}/conversations?${qs.join('&')}`, sql: () => listSql(f) };
      },
    });
    const share = (i: number) => `${((100 * labelUse[i]!) / N).toFixed(1)} %`;
    return [
      list(`list labelId=most common label (${share(0)})`, { labelId: common }),
      list(`list labelId=median label (${share(Math.floor(LABELS / 2))})`, { labelId: mid }),
      list(`list labelId=rarest label (${share(LABELS - 1)})`, { labelId: rare }),
      list('list labelId=any of the 20', { labelId: 'any' }),
      list('list assigneeId=any of the 50 agents', { assigneeId: 'any' }),
      list('list status=open&assigneeId=any', { status: 'open', assigneeId: 'any' }),
      list('list status=open&labelId=any', { status: 'open', labelId: 'any' }),
      list('list assigneeId=any&labelId=any', { assigneeId: 'any', labelId: 'any' }),
      list('list status=open&assigneeId=any&labelId=most common', {
        status: 'open',
        assigneeId: 'any',
        labelId: common,
      }),
      list('list status=open&assigneeId=any&labelId=any', {
        status: 'open',
        assigneeId: 'any',
        labelId: 'any',
      }),
      list('list status=open&assigneeId=any&labelId=rarest', {
        status: 'open',
        assigneeId: 'any',
        labelId: rare,
      }),
      list('list teamId=any of the 5', { teamId: 'any' }),
      list('list status=open&priority=urgent', { status: 'open', priority: 'urgent' }),
    ];
  })(),
  {
    name: 'list deep cursor (10–90 %)',
    budget: 'list',
    next: () => {
      const d = deepCursor();
      return {
        url: `${W}/conversations?limit=50&before=${encodeURIComponent(d.cursor)}`,
        sql: () => listSql({ before: d }),
        proposedSql: () => listSql({ before: d, rowCompare: true }),
      };
    },
  },
  {
    name: 'list status=open deep cursor',
    budget: 'list',
    next: () => {
      const d = deepCursor();
      return {
        url: `${W}/conversations?limit=50&status=open&before=${encodeURIComponent(d.cursor)}`,
        sql: () => listSql({ status: 'open', before: d }),
        proposedSql: () => listSql({ status: 'open', before: d, rowCompare: true }),
      };
    },
  },
  {
    name: 'messages random conversation',
    budget: 'messages',
    next: () => {
      const id = convId(Math.floor(rnd() * N));
      return { url: `${W}/conversations/${id}/messages?limit=50`, sql: () => messagesSql(id) };
    },
  },
  {
    name: 'messages 200-message conversation',
    budget: 'messages',
    next: () => {
      const id = convId(pick(longConvs));
      return { url: `${W}/conversations/${id}/messages?limit=50`, sql: () => messagesSql(id) };
    },
  },
  {
    name: 'messages before cursor (page 2–3)',
    budget: 'messages',
    next: () => {
      const c = pick(longConvs);
      const before = beforeOf(c, 50 + Math.floor(rnd() * 100));
      return {
        url: `${W}/conversations/${convId(c)}/messages?limit=50&before=${encodeURIComponent(before.toISOString())}`,
        sql: () => messagesSql(convId(c), before),
      };
    },
  },
];

async function get(path: string, name?: string) {
  const t = performance.now();
  const r = await fetch(`${url}${path}`, { headers: { cookie, ...(name ? { 'x-bench-case': name } : {}) } });
  const body = await r.text();
  return { ms: performance.now() - t, status: r.status, body };
}

// Sanity: the seeded data reads back through the real routes.
{
  const first = await get(`${W}/conversations?limit=50`);
  const list = JSON.parse(first.body) as {
    conversations: { id: string; contact: { name: string }; lastMessagePreview: string }[];
  };
  if (first.status !== 200 || list.conversations.length !== 50)
    throw new Error(`list failed: ${first.status} ${first.body.slice(0, 300)}`);
  const page = await get(`${W}/conversations/${convId(0)}/messages?limit=50`);
  const msgs = JSON.parse(page.body) as { messages: { text: string }[]; hasMore: boolean };
  if (
    page.status !== 200 ||
    msgs.messages.length !== 50 ||
    !msgs.hasMore ||
    !texts.includes(msgs.messages[0]!.text)
  )
    throw new Error(`message page failed: ${page.status} ${page.body.slice(0, 300)}`);
  const before = await get(
    `${W}/conversations/${convId(0)}/messages?limit=50&before=${encodeURIComponent(beforeOf(0, 60).toISOString())}`,
  );
  if (JSON.parse(before.body).messages.length !== 50)
    throw new Error('before cursor page is not full: the seed arithmetic is off');
  log(
    `sanity ok: "${list.conversations[0]!.contact.name}": "${list.conversations[0]!.lastMessagePreview.slice(0, 40)}…"`,
  );
}

// Search (only when `q` is implemented: a nonsense word must find nothing, a seeded word something).
const wordCounts = new Map<string, number>();
for (const t of texts) {
  const words = new Set(
    t
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .match(/[\p{L}\p{N}]+/gu) ?? [],
  );
  for (const w of words) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
}
const byFreq = [...wordCounts.entries()]
  .filter(([w]) => w.length >= 5 && !/^\d+$/.test(w))
  .sort((a, b) => b[1] - a[1]);
const commonWord = byFreq[0]![0];
const midWord =
  byFreq.find(([, n]) => n <= POOL / 20 && n >= POOL / 200)?.[0] ?? byFreq[Math.floor(byFreq.length / 2)]![0];
const rareNumber = [...wordCounts.entries()].find(([w, n]) => /^\d{6}$/.test(w) && n === 1)![0];
let searchStatus = 'not measured';
{
  const probe = await get(`${W}/conversations?limit=50&q=zqxjvkw`);
  const hit = await get(`${W}/conversations?limit=50&q=${encodeURIComponent(midWord)}`);
  const probeN = probe.status === 200 ? JSON.parse(probe.body).conversations.length : -1;
  const hitN = hit.status === 200 ? JSON.parse(hit.body).conversations.length : -1;
  if (probe.status === 400) searchStatus = 'skipped: q answers 400 (not implemented)';
  else if (probeN !== 0) searchStatus = `skipped: q does not filter (a nonsense word found ${probeN})`;
  else if (!hasTokens)
    searchStatus = 'skipped: q works but the search module could not be loaded to seed tokens';
  else if (hitN <= 0) searchStatus = `skipped: a seeded word found nothing (${hit.status})`;
  else {
    searchStatus = 'measured';
    // The app's own query plan (modules/search/query.ts): which hashed tokens the statement looks for,
    // and whether candidates are decrypted to check a prefix.
    const { planSearch } = (await import('../apps/server/src/modules/search/query.js' as string)) as {
      planSearch(q: string): { tokens: string[]; lastWordPrefix: string | null };
    };
    const searchCase = (name: string, q: string): Case => {
      const plan = planSearch(q);
      const how = plan.lastWordPrefix ? ', prefix token + decrypt check' : '';
      return {
        name: `search ${name} "${q}"${how}`,
        budget: 'search',
        next: () => ({ url: `${W}/conversations?limit=50&q=${encodeURIComponent(q)}` }),
      };
    };
    const firstName = FIRST[3]!;
    const short =
      [...wordCounts.entries()]
        .filter(([w]) => w.length === 4 && !/^\d+$/.test(w))
        .sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'frage';
    cases.push(
      searchCase(`common word (in ${wordCounts.get(commonWord)}/${POOL} texts)`, commonWord),
      searchCase(
        `4-letter word, all words starting with it (in ${wordCounts.get(short)}/${POOL} texts)`,
        short,
      ),
      searchCase(`less common word (in ${wordCounts.get(midWord)}/${POOL} texts)`, midWord),
      searchCase('rare number (1 text)', rareNumber),
      searchCase('two words', `${byFreq[1]![0]} ${commonWord}`),
      searchCase('as-you-type prefix', midWord.slice(0, 5)),
      searchCase('contact first name', firstName),
      searchCase('phone number end', waIdOf(4242).slice(-6)),
      searchCase('nothing matches', 'zqxjvkw'),
    );
  }
  log(`search: ${searchStatus}`);
}

type Result = {
  case: string;
  budget: string;
  clientMs: ReturnType<typeof summary>;
  serverMs: ReturnType<typeof summary>;
  sqlMs?: ReturnType<typeof summary>;
  proposedSqlMs?: ReturnType<typeof summary>;
  statementsPerRequest?: number;
  rows?: number;
};
const plans: Record<string, string[]> = {};

async function explain(name: string, s: { sql: string; params: unknown[] }) {
  const rows = await query<Record<string, string>>(`explain (analyze, buffers) ${s.sql}`, s.params);
  plans[name] = rows.map((r) => Object.values(r)[0]!);
}

async function measureAll(label: string): Promise<Result[]> {
  const results: Result[] = [];
  for (const [index, c] of cases.entries()) {
    const tag = `${label}-${index}`;
    serverMs.delete(tag);
    const warmUntil = performance.now() + 10_000;
    for (let i = 0; i < 20 && performance.now() < warmUntil; i++) await get(c.next().url); // warm-up
    const client: number[] = [];
    let rowsSeen = 0;
    // REQUESTS per case, but at most CASE_SECONDS (a case far over its budget is not run 300 times).
    const until = performance.now() + CASE_SECONDS * 1000;
    for (let i = 0; i < REQUESTS && performance.now() < until; i++) {
      const r = await get(c.next().url, tag);
      if (r.status !== 200) throw new Error(`${c.name}: ${r.status} ${r.body.slice(0, 300)}`);
      client.push(r.ms);
      const j = JSON.parse(r.body) as { conversations?: unknown[]; messages?: unknown[] };
      rowsSeen += (j.conversations ?? j.messages ?? []).length;
    }
    const result: Result = {
      case: c.name,
      budget: c.budget,
      clientMs: summary(client),
      serverMs: summary(serverMs.get(tag) ?? []),
      rows: +(rowsSeen / client.length).toFixed(1),
    };
    // The main statement alone, and its plan.
    const example = c.next().sql?.();
    if (c.budget !== 'search' && example) {
      const sqlTimes: number[] = [];
      const sqlUntil = performance.now() + CASE_SECONDS * 1000;
      for (let i = 0; i < Math.min(REQUESTS, 200) && performance.now() < sqlUntil; i++) {
        const s = c.next().sql!();
        const t = performance.now();
        await query(s.sql, s.params);
        sqlTimes.push(performance.now() - t);
      }
      result.sqlMs = summary(sqlTimes);
      await explain(`${label}:${c.name}`, example);
      if (label === 'candidates' && c.next().proposedSql) {
        const proposed: number[] = [];
        for (let i = 0; i < Math.min(REQUESTS, 200); i++) {
          const s = c.next().proposedSql!();
          const t = performance.now();
          await query(s.sql, s.params);
          proposed.push(performance.now() - t);
        }
        result.proposedSqlMs = summary(proposed);
        await explain(`${label}:${c.name} (row comparison)`, c.next().proposedSql!());
      }
    }
    if (c.budget === 'search') {
      // Every statement the search request sent, explained as sent (auth and session statements aside).
      const statements = await statementsOf(c.next().url);
      result.statementsPerRequest = statements.length;
      let k = 0;
      for (const st of statements) {
        if (!/^\s*(select|with)/i.test(st.sql) || !/"(messages|contacts|conversations)"/.test(st.sql))
          continue;
        if (/"sessions"|"memberships"/.test(st.sql)) continue;
        await explain(`${label}:${c.name} #${++k}`, st);
        plans[`${label}:${c.name} #${k}`]!.unshift(`-- ${st.sql.replace(/\s+/g, ' ').slice(0, 400)}`);
      }
    }
    results.push(result);
    log(
      `${label} ${c.name}: server p50 ${result.serverMs.p50} p95 ${result.serverMs.p95} p99 ${result.serverMs.p99} ms` +
        (result.sqlMs ? `; sql p95 ${result.sqlMs.p95} ms` : '') +
        (result.proposedSqlMs ? `; row-comparison sql p95 ${result.proposedSqlMs.p95} ms` : '') +
        `; ${result.rows} rows`,
    );
  }
  return results;
}

if (CASE_FILTER) {
  const kept = cases.filter((c) => CASE_FILTER.test(c.name));
  cases.length = 0;
  cases.push(...kept);
  log(`BENCH_CASES: ${cases.length} cases`);
}
const baseline = await measureAll('baseline');
let withCandidates: Result[] | null = null;
/** Indexes proposed in bench/README.md; one whose columns an existing index already has is skipped. */
const proposed: { table: string; columns: string; name: string }[] = [
  // conversation list: the order (last_message_at desc, id desc) straight from an index, with or without status
  {
    table: 'conversations',
    columns: 'workspace_id, last_message_at DESC, id DESC',
    name: 'bench_conv_recent_idx',
  },
  {
    table: 'conversations',
    columns: 'workspace_id, status, last_message_at DESC, id DESC',
    name: 'bench_conv_status_recent_idx',
  },
  { table: 'conversations', columns: 'contact_id', name: 'bench_conv_contact_idx' },
  // search: newest messages of a workspace in order
  {
    table: 'messages',
    columns: 'workspace_id, created_at DESC, seq DESC',
    name: 'bench_messages_recent_idx',
  },
];
// Exact column lists: `DESC NULLS LAST` is another order than `DESC` (= NULLS FIRST, what ORDER BY … DESC needs).
const norm = (v: string) => v.toLowerCase().replace(/\s+/g, ' ');
const existing = await query<{ tablename: string; indexdef: string }>(
  `select tablename, indexdef from pg_indexes where schemaname = 'public'`,
);
const candidateIndexes = proposed
  .filter(
    (c) =>
      !existing.some((e) => e.tablename === c.table && norm(e.indexdef).includes(`(${norm(c.columns)})`)),
  )
  .map((c) => `create index ${c.name} on ${c.table} (${c.columns})`);
if (process.env.BENCH_CANDIDATE_INDEXES && candidateIndexes.length > 0) {
  await timed('candidate indexes', async () => {
    for (const s of candidateIndexes) await run(s);
    await run('analyze');
  });
  withCandidates = await measureAll('candidates');
}

const budgets = { list: 20, messages: 10, search: 100 };
const verdict = (rs: Result[]) =>
  rs.map((r) => ({
    case: r.case,
    serverP95: r.serverMs.p95,
    budget: budgets[r.budget as keyof typeof budgets],
    ok: (r.serverMs.p95 ?? Infinity) < budgets[r.budget as keyof typeof budgets],
  }));

console.log(
  JSON.stringify(
    {
      machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, node ${process.version}`,
      loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
      database: database.kind,
      size: { ...counts, databaseMB: Math.round(Number(counts?.bytes ?? 0) / 1e6), bytes: undefined },
      teamInbox: {
        agents: AGENTS,
        teams: TEAMS,
        labels: LABELS,
        labelledConversations: labelled?.n,
        labelLinks: labelled?.links,
        conversationsPerLabel: labelUse,
      },
      seedSeconds,
      seedTimings: timings,
      requestsPerCase: REQUESTS,
      search: searchStatus,
      baseline,
      baselineVerdict: verdict(baseline),
      ...(withCandidates
        ? { candidateIndexes, withCandidates, candidatesVerdict: verdict(withCandidates) }
        : {}),
      plans,
    },
    null,
    2,
  ),
);

await bench.close();
process.exit(0);
