/**
 * Inbound message → `message.created` at a connected Socket.IO client (an agent's browser), at a steady
 * rate of signed WhatsApp webhooks (one message each).
 *   npx tsx bench/realtime-latency.ts [rate=500] [seconds=10]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/realtime-latency.ts   (scratch database)
 *   BENCH_DRAIN_MS=120000   how long to wait for outstanding events after the last POST
 *   BENCH_PROFILE_SQL=1     (PostgreSQL) count and time every statement the server sends, per message
 *   BENCH_KEEP_DB=1         keep the scratch database / PGlite directory for inspection
 *
 * This process runs the real server (buildApp + listen on loopback, PGlite on disk or a scratch
 * PostgreSQL database) with a workspace, its owner signed in over the real route and a channel. A child
 * process plays Meta and the browser: it connects socket.io-client with the session cookie and our Origin,
 * POSTs signed webhooks open-loop at `rate`/s (unique wamid, current timestamp, 500 customers) and takes
 * the time from just before each POST to the event carrying that wamid. Sender and client share one clock
 * and event loop, and neither shares the server's. 100 warm-up messages at 50/s come first and are not
 * counted. Afterwards the stored rows split the latency into stages (stored, queue wait, processing,
 * fan-out); CPU (server process and whole machine), event-loop lag and pool waits are reported too.
 * Bounded: `rate × seconds` messages, 30 s per POST, BENCH_DRAIN_MS of waiting.
 */
import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

type ClientConfig = {
  url: string;
  endpoint: string;
  cookie: string;
  secret: string;
  phoneNumberId: string;
  rate: number;
  seconds: number;
  drainMs: number;
  runId: string;
};

type Sample = {
  wamid: string;
  /** Epoch ms (sub-ms) just before the POST. */
  postAt: number;
  ackMs: number | null;
  status: number | string;
  /** ms from postAt to the first `message.created` with this wamid. */
  eventMs: number | null;
  events: number;
};

type ClientResult = {
  samples: Sample[];
  sendSeconds: number;
  lastEventAfterLastPostMs: number | null;
  foreignEvents: number;
  disconnects: string[];
};

const pct = (xs: number[], p: number): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(1);
};
const summary = (xs: number[]) => ({
  p50: pct(xs, 50),
  p95: pct(xs, 95),
  p99: pct(xs, 99),
  max: xs.length ? +Math.max(...xs).toFixed(1) : null,
});

// ---------------------------------------------------------------------------------------------------
// Child: Meta (signed webhooks) and the browser (Socket.IO).
// ---------------------------------------------------------------------------------------------------
async function runClient(cfg: ClientConfig): Promise<ClientResult> {
  const { io } = await import('socket.io-client');
  const { signPayload } = await import('@parley/whatsapp');
  const now = () => performance.timeOrigin + performance.now();
  const total = Math.round(cfg.rate * cfg.seconds);
  const samples: Sample[] = [];
  const byWamid = new Map<string, Sample>();
  let foreignEvents = 0;
  let lastEventAt = 0;
  let pendingEvents = 0;
  let onProgress: (() => void) | null = null;
  const disconnects: string[] = [];

  const socket = io(cfg.url, {
    transports: ['websocket'],
    extraHeaders: { cookie: cfg.cookie, origin: cfg.url },
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('socket did not connect within 10 s')), 10_000);
    socket.once('connect', () => {
      clearTimeout(t);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(t);
      reject(err);
    });
  });
  socket.on('disconnect', (reason) => disconnects.push(reason));
  socket.on('message.created', (e: { message?: { providerMessageId?: string | null } }) => {
    const at = now();
    const s = byWamid.get(e.message?.providerMessageId ?? '');
    if (!s) {
      foreignEvents++;
      return;
    }
    s.events++;
    if (s.events === 1) {
      s.eventMs = at - s.postAt;
      lastEventAt = at;
      pendingEvents--;
      onProgress?.();
    }
  });

  const start0 = performance.now();
  function payload(i: number, wamid: string): string {
    const waId = `49152${String((i + 500) % 500).padStart(7, '0')}`;
    return JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550100001', phone_number_id: cfg.phoneNumberId },
                contacts: [{ profile: { name: `Kundin ${(i + 500) % 500}` }, wa_id: waId }],
                messages: [
                  {
                    from: waId,
                    id: wamid,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: `Hallo, ich habe eine Frage zu meiner Bestellung ${cfg.runId}-${i}` },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
  }

  async function post(i: number): Promise<void> {
    const wamid = `wamid.RT${cfg.runId}${i < 0 ? `W${-i}` : String(i).padStart(6, '0')}`;
    const body = payload(i, wamid);
    const headers = {
      'content-type': 'application/json',
      'x-hub-signature-256': signPayload(cfg.secret, body),
    };
    const s: Sample = { wamid, postAt: now(), ackMs: null, status: 'pending', eventMs: null, events: 0 };
    samples.push(s);
    byWamid.set(wamid, s);
    pendingEvents++;
    try {
      const r = await fetch(cfg.endpoint, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(30_000),
      });
      await r.arrayBuffer();
      s.ackMs = now() - s.postAt;
      s.status = r.status;
    } catch (err) {
      s.status = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    }
  }

  // Warm-up (not measured): 100 messages at 50/s, so the first measured ones do not pay for JIT
  // compilation, the channel cache and the first connections of the pool; then 1 s of quiet.
  const warm: Promise<void>[] = [];
  for (let i = 0; i < 100; i++) {
    warm.push(post(-1 - i));
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(warm);
  while (pendingEvents > 0 && performance.now() - start0 < 30_000)
    await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 1000));
  samples.length = 0;
  byWamid.clear();
  pendingEvents = 0;
  foreignEvents = 0;
  process.send?.({ type: 'start' });

  const inflight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / cfg.rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(post(i));
  }
  const lastPostAt = now();
  process.send?.({ type: 'sent' });
  const sendSeconds = (performance.now() - start) / 1000;
  await Promise.all(inflight);

  // Wait for every event (bounded), then a little longer to catch duplicates. A POST that failed at the
  // transport may still have been stored: its event is waited for only while events keep arriving.
  const deadline = performance.now() + cfg.drainMs;
  const ackedWithoutEvent = () => samples.some((s) => s.status === 200 && s.eventMs == null);
  while (
    pendingEvents > 0 &&
    performance.now() < deadline &&
    (ackedWithoutEvent() || now() - Math.max(lastEventAt, lastPostAt) < 10_000)
  ) {
    await new Promise<void>((resolve) => {
      onProgress = resolve;
      setTimeout(resolve, 250);
    });
    onProgress = null;
  }
  await new Promise((r) => setTimeout(r, 1000));
  socket.close();
  return {
    samples,
    sendSeconds,
    lastEventAfterLastPostMs: lastEventAt ? lastEventAt - lastPostAt : null,
    foreignEvents,
    disconnects,
  };
}

if (process.argv[2] === '--client') {
  process.once('message', (cfg: ClientConfig) => {
    runClient(cfg).then(
      (result) => process.send!(result, () => process.exit(0)),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
} else {
  await runServer();
}

// ---------------------------------------------------------------------------------------------------
// Parent: the real server.
// ---------------------------------------------------------------------------------------------------
async function runServer(): Promise<void> {
  const { sql } = await import('drizzle-orm');
  const { rowsOf } = await import('../apps/server/src/db/client.js');
  const { signIn } = await import('../apps/server/src/test/harness.js');

  const rate = Number(process.argv[2] ?? 500);
  const seconds = Number(process.argv[3] ?? 10);
  const drainMs = Number(process.env.BENCH_DRAIN_MS ?? 120_000);
  const PNID = '106540352242923';
  const SECRET = 'bench-app-secret-456';

  const { openBenchServer } = await import('./lib/bench-server.js');
  const bench = await openBenchServer({
    phoneNumberId: PNID,
    appSecret: SECRET,
    accessToken: 'bench-token-456',
    fastHash: true,
    ...(process.env.BENCH_PROFILE_SQL && process.env.DATABASE_URL ? { beforeOpen: profileSql } : {}),
  });
  const { app, ctx, database, url } = bench;
  const sqlProfile = (bench.before ?? null) as Awaited<ReturnType<typeof profileSql>> | null;

  const email = 'realtime.bench@example.test';
  const { workspace, channel } = await bench.createWorkspaceWithChannel({
    ownerEmail: email,
    ownerName: 'Bench Agent',
    workspace: 'Bench',
    channel: 'Bench',
  });
  const cookie = await signIn(app, email);
  const runId = crypto.randomBytes(3).toString('hex').toUpperCase();
  console.error(`ready: ${database.kind}; ${rate} messages/s for ${seconds} s`);

  const poolSamples: { waiting: number; busy: number; total: number }[] = [];
  const poolTimer = setInterval(() => {
    const p = database.pool;
    if (p)
      poolSamples.push({ waiting: p.waitingCount, busy: p.totalCount - p.idleCount, total: p.totalCount });
  }, 50);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  // Everything below is measured from the end of the client's warm-up ('start') on.
  let cpu0 = process.cpuUsage();
  let stat0 = procStat();
  const phases: { sent: { cpu: NodeJS.CpuUsage; wallMs: number; machine: number } | null } = { sent: null };
  let wall0 = performance.now();
  const child = fork(fileURLToPath(import.meta.url), ['--client'], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = await new Promise<ClientResult>((resolve, reject) => {
    child.on('message', (m) => {
      if ((m as { type?: string }).type === 'start') {
        sqlProfile?.reset();
        poolSamples.length = 0;
        loopDelay.reset();
        loopDelay.enable();
        cpu0 = process.cpuUsage();
        stat0 = procStat();
        wall0 = performance.now();
        return;
      }
      if ((m as { type?: string }).type === 'sent') {
        phases.sent = {
          cpu: process.cpuUsage(cpu0),
          wallMs: performance.now() - wall0,
          machine: machineBusy(stat0),
        };
        return;
      }
      resolve(m as ClientResult);
    });
    child.once('exit', (code) => reject(new Error(`client exited with ${code}`)));
    child.send({
      url,
      endpoint: `${url}/webhooks/whatsapp/${channel.id}`,
      cookie,
      secret: SECRET,
      phoneNumberId: PNID,
      rate,
      seconds,
      drainMs,
      runId,
    } satisfies ClientConfig);
  });

  const cpu = process.cpuUsage(cpu0);
  clearInterval(poolTimer);
  loopDelay.disable();
  const sqlStatements = sqlProfile?.top(15, result.samples.length);
  const serverCpuPercent = Math.round(((cpu.user + cpu.system) / 1000 / (performance.now() - wall0)) * 100);
  const machineBusyPercent = machineBusy(stat0);

  // Stage breakdown from what the server stored (same host clock for both processes).
  const ms = (v: unknown) => (v == null ? null : new Date(v as string).getTime());
  const deliveries = rowsOf<{ payload: string; received_at: string; processed_at: string | null }>(
    await ctx.db.execute(sql`select payload, received_at, processed_at from webhook_events`),
  );
  const stored = rowsOf<{ wamid: string; tx_start: string; event_at: string | null }>(
    await ctx.db.execute(sql`
      select m.provider_message_id as wamid, m.updated_at as tx_start, e.created_at as event_at
      from messages m
      left join events e on e.type = 'message.created' and e.payload->>'messageId' = m.id::text`),
  );
  const stages = new Map<string, { received?: number; processed?: number | null; txStart?: number }>();
  for (const d of deliveries) {
    const body = await ctx.keyring.decrypt(ctx.db, workspace.id, d.payload, 'webhook_events.payload');
    const wamid = JSON.parse(body).entry[0].changes[0].value.messages[0].id as string;
    stages.set(wamid, { received: ms(d.received_at)!, processed: ms(d.processed_at) });
  }
  for (const m of stored) {
    const s = stages.get(m.wamid) ?? {};
    s.txStart = ms(m.tx_start)!;
    stages.set(m.wamid, s);
  }
  const queueWait: number[] = [];
  const processing: number[] = [];
  const fanOut: number[] = [];
  const beforeStore: number[] = [];
  for (const s of result.samples) {
    const st = stages.get(s.wamid);
    if (!st?.received) continue;
    beforeStore.push(st.received - s.postAt);
    if (st.txStart) queueWait.push(st.txStart - st.received);
    if (st.txStart && st.processed) processing.push(st.processed - st.txStart);
    if (st.processed && s.eventMs != null) fanOut.push(s.postAt + s.eventMs - st.processed);
  }

  const samples = result.samples;
  const measured = new Set(samples.map((s) => s.wamid));
  const storedMeasured = stored.filter((m) => measured.has(m.wamid));
  // p50/p99 per second of sending (by POST time): shows warm-up effects or a growing backlog.
  const t0 = samples[0]?.postAt ?? 0;
  const perSecond: { second: number; sent: number; p50: number | null; p99: number | null }[] = [];
  for (let sec = 0; sec < Math.ceil(seconds); sec++) {
    const inSec = samples.filter((s) => Math.floor((s.postAt - t0) / 1000) === sec);
    const l = inSec.filter((s) => s.eventMs != null).map((s) => s.eventMs!);
    perSecond.push({ second: sec, sent: inSec.length, p50: pct(l, 50), p99: pct(l, 99) });
  }
  const acked = samples.filter((s) => s.status === 200);
  const failures: Record<string, number> = {};
  for (const s of samples)
    if (s.status !== 200) failures[String(s.status)] = (failures[String(s.status)] ?? 0) + 1;
  const withEvent = samples.filter((s) => s.eventMs != null);
  const latencies = withEvent.map((s) => s.eventMs!);
  const report = {
    machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, node ${process.version}`,
    database: database.kind,
    rate,
    seconds,
    sent: samples.length,
    achievedSendRate: Math.round(samples.length / result.sendSeconds),
    acknowledged: acked.length,
    postFailures: failures,
    eventsReceived: withEvent.length,
    lost: acked.filter((s) => s.eventMs == null).length,
    duplicates: samples.reduce((n, s) => n + Math.max(0, s.events - 1), 0),
    eventsForUnacknowledgedPosts: samples.filter((s) => s.status !== 200 && s.eventMs != null).length,
    foreignEvents: result.foreignEvents,
    socketDisconnects: result.disconnects,
    storedMessages: storedMeasured.length,
    storedWithoutOutboxEvent: storedMeasured.filter((m) => m.event_at == null).length,
    postToEventMs: summary(latencies),
    withinBudget100ms: latencies.filter((l) => l < 100).length,
    ackMs: summary(acked.map((s) => s.ackMs!)),
    lastEventAfterLastPostMs: result.lastEventAfterLastPostMs
      ? Math.round(result.lastEventAfterLastPostMs)
      : null,
    stagesMs: {
      postToStored: summary(beforeStore),
      queueWait: summary(queueWait),
      processing: summary(processing),
      fanOut: summary(fanOut),
    },
    cpu: {
      note: 'server process: % of one core; machine: % of all cores busy (everything on the host, incl. PostgreSQL and this client)',
      serverProcessWholeRun: serverCpuPercent,
      machineWholeRun: machineBusyPercent,
      ...(phases.sent
        ? {
            serverProcessWhileSending: Math.round(
              ((phases.sent.cpu.user + phases.sent.cpu.system) / 1000 / phases.sent.wallMs) * 100,
            ),
            machineWhileSending: phases.sent.machine,
          }
        : {}),
      loadAverageAtEnd: os.loadavg().map((l) => +l.toFixed(2)),
    },
    // monitorEventLoopDelay reports the timer interval (10 ms resolution) plus the lag: the lag is shown.
    serverEventLoopLagMs: {
      p50: +Math.max(0, loopDelay.percentile(50) / 1e6 - 10).toFixed(1),
      p99: +Math.max(0, loopDelay.percentile(99) / 1e6 - 10).toFixed(1),
      max: +Math.max(0, loopDelay.max / 1e6 - 10).toFixed(1),
    },
    ...(database.pool
      ? {
          pool: {
            max: (database.pool as unknown as { options: { max: number } }).options.max,
            totalMean: +(poolSamples.reduce((n, p) => n + p.total, 0) / (poolSamples.length || 1)).toFixed(1),
            busyMean: +(poolSamples.reduce((n, p) => n + p.busy, 0) / (poolSamples.length || 1)).toFixed(1),
            waitingMean: +(
              poolSamples.reduce((n, p) => n + p.waiting, 0) / (poolSamples.length || 1)
            ).toFixed(1),
            waitingMax: Math.max(0, ...poolSamples.map((p) => p.waiting)),
          },
        }
      : {}),
    ...(sqlStatements ? { sqlStatements } : {}),
    perSecond,
  };
  console.log(JSON.stringify(report, null, 2));

  await bench.close();
  process.exit(0);
}

/**
 * BENCH_PROFILE_SQL=1 (PostgreSQL only): counts and times every statement the server sends, per pg
 * client (time on the connection, not the wait for a pooled connection). Bench-side instrumentation.
 */
async function profileSql() {
  const pg = (await import('pg')).default;
  const stats = new Map<string, { n: number; ms: number }>();
  const record = (text: string, ms: number) => {
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
    const s = stats.get(key) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += ms;
    stats.set(key, s);
  };
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    const text = typeof first === 'string' ? first : (first?.text ?? '?');
    const t = performance.now();
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (...cb: unknown[]) => {
        record(text, performance.now() - t);
        return (last as (...a: unknown[]) => unknown)(...cb);
      };
      return original.apply(this, args);
    }
    const r = original.apply(this, args) as Promise<unknown> | undefined;
    if (r && typeof r.then === 'function')
      r.then(
        () => record(text, performance.now() - t),
        () => record(text, performance.now() - t),
      );
    return r;
  };
  return {
    reset: () => stats.clear(),
    top: (n: number, messages: number) =>
      [...stats.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, n)
        .map(([sql, s]) => ({
          sql,
          count: s.n,
          perMessage: +(s.n / messages).toFixed(2),
          totalMs: Math.round(s.ms),
          meanMs: +(s.ms / s.n).toFixed(2),
        })),
  };
}

/** Jiffies busy and total over all CPUs (/proc/stat). */
function procStat(): { busy: number; total: number } {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}
function machineBusy(from: { busy: number; total: number }): number {
  const now = procStat();
  return now.total > from.total ? Math.round(((now.busy - from.busy) / (now.total - from.total)) * 100) : 0;
}
