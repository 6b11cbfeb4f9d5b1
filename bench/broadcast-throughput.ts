/**
 * A newsletter against the simulator with every status webhook (sent, delivered, read) flowing back.
 *   npx tsx bench/broadcast-throughput.ts                       10,000 recipients at 80/s, embedded PGlite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/broadcast-throughput.ts
 *                                                               100,000 recipients at 1,000/s, scratch database
 *   --recipients N   another audience size     --mps 80|1000   the number's throughput (STANDARD | HIGH)
 *   --cpu-prof       the server process writes a CPU profile into $TMPDIR/parley-profiles/ at its end
 *   BENCH_GIVE_UP_S=N    stop waiting for the broadcast after N s (default 3× the expected time + 120 s)
 *   BENCH_NO_STATUSES=1  no status webhooks during the run (to tell the sending path from their processing)
 *
 * The real server runs as its own process (`node scripts/start.mjs start`, see
 * apps/server/src/modules/broadcasts/broadcast-rig.ts): PGlite in a temporary data directory, or a
 * scratch PostgreSQL database. This process runs the simulator (statuses: sent at once, delivered after
 * 300 ms, read after 1.5 s) and an agent's browser: socket.io-client signed in as the owner. The
 * broadcast is created and started over the real routes; while it sends, a customer who is not in the
 * audience writes every 200 ms through the simulator and the time from just before that control call to
 * the `message.created` event with its wamid is taken. Measured: the send rate the simulator saw (first to
 * last accepted send) against the configured throughput, the most sends the simulator accepted in any
 * one-second window, sends per customer (duplicates), 130429 answers, the server's RSS and V8 heap
 * (/proc and /metrics) before the start, at half of the sends and at the end, and the state counts once
 * every status webhook was applied. Bounded: see BENCH_GIVE_UP_S.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBroadcastRig, TEMPLATE } from '../apps/server/src/modules/broadcasts/broadcast-rig.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const postgres = Boolean(process.env.DATABASE_URL);
const recipients = Number(flag('--recipients') ?? (postgres ? 100_000 : 10_000));
const mps = Number(flag('--mps') ?? (postgres ? 1000 : 80));
const cpuProf = args.includes('--cpu-prof');
const profileDir = path.join(os.tmpdir(), 'parley-profiles');

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(1);
};

/** Most timestamps (ms) in any window [t, t + 1000). */
function maxInOneSecond(times: number[]): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < s.length; hi++) {
    while (s[hi]! - s[lo]! >= 1000) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

const t0 = performance.now();
const rig = await openBroadcastRig({
  recipients,
  mps,
  // BENCH_NO_STATUSES=1 (diagnosis): no status webhook comes back during the run.
  statusDelays: process.env.BENCH_NO_STATUSES
    ? { sentMs: 3_600_000, deliveredMs: 3_600_000, readMs: null }
    : { sentMs: 0, deliveredMs: 300, readMs: 1500 },
  ...(cpuProf ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
});
const seedMs = performance.now() - t0;
// Sends the simulator refused for the number's throughput (130429): the server's pacing went too fast.
let refused = 0;
const limiter = rig.sim.core.throughput;
const take = limiter.take.bind(limiter);
limiter.take = (phoneNumberId: string, now: number) => {
  const ok = take(phoneNumberId, now);
  if (!ok) refused++;
  return ok;
};
let finished = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void rig.close().finally(() => process.exit(1)));
try {
  const { pid, readyMs } = await rig.start();
  const cookie = await rig.signIn();
  console.error(
    `ready: ${rig.kind}, ${recipients} recipients at ${mps}/s (seeded in ${(seedMs / 1000).toFixed(1)} s, server ready in ${(readyMs / 1000).toFixed(1)} s)`,
  );

  async function memory() {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    const metrics = await (await fetch(`${rig.url}/metrics`)).text();
    const heap = Number(/^parley_nodejs_heap_size_used_bytes (\S+)$/m.exec(metrics)?.[1] ?? Number.NaN);
    return { rssMb: Math.round(rssMb), heapUsedMb: Math.round(heap / 2 ** 20) };
  }
  let cpuTicks0 = 0;
  let benchCpu0 = process.cpuUsage();
  const cpuSeconds = () => {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 10 ms
  };

  // The agent's browser.
  const { io } = await import('socket.io-client');
  const socket = io(rig.url, {
    transports: ['websocket'],
    extraHeaders: { cookie, origin: rig.url },
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const waiting = new Map<string, number>();
  const latencies: number[] = [];
  socket.on('message.created', (e: { message?: { providerMessageId?: string | null } }) => {
    const at = waiting.get(e.message?.providerMessageId ?? '');
    if (at === undefined) return;
    waiting.delete(e.message!.providerMessageId!);
    latencies.push(performance.now() - at);
  });
  let inboundSent = 0;
  let inboundFailed = 0;
  const inbound = setInterval(() => {
    const n = inboundSent++;
    const at = performance.now();
    void fetch(`${rig.sim.url}/_sim/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        from: `49152${String(n % 20).padStart(7, '0')}`,
        name: `Kundin ${n % 20}`,
        message: { type: 'text', text: { body: `Frage ${n}` } },
      }),
    })
      .then(async (r) => {
        const { id } = (await r.json()) as { id: string };
        waiting.set(id, at);
      })
      .catch(() => {
        inboundFailed++;
      });
  }, 200);

  const sync = await rig.api('POST', `/channels/${rig.channelId}/templates/sync`);
  if (sync.status !== 200) throw new Error(`template sync: ${sync.status}`);
  const created = await rig.api<{ id: string }>('POST', '/broadcasts', {
    channelId: rig.channelId,
    templateName: TEMPLATE.name,
    language: TEMPLATE.language,
    audience: { labelIds: [rig.labelId] },
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  const memStart = await memory();
  cpuTicks0 = cpuSeconds();
  benchCpu0 = process.cpuUsage();
  const startedAt = performance.now();
  const started = await rig.api<{ counts: { total: number } }>('POST', `/broadcasts/${id}/start`);
  if (started.status !== 200) throw new Error(`start: ${started.status}`);
  const startMs = performance.now() - startedAt;

  type Broadcast = { state: string; counts: Record<string, number> };
  let memMiddle: Awaited<ReturnType<typeof memory>> | null = null;
  const samples: { s: number; sends: number; rssMb: number; heapUsedMb: number }[] = [];
  const giveUpAt = Date.now() + (Number(process.env.BENCH_GIVE_UP_S) || 3 * (recipients / mps) + 120) * 1000;
  let done: Broadcast | null = null;
  let lastSample = 0;
  while (Date.now() < giveUpAt) {
    await new Promise((r) => setTimeout(r, 500));
    const sends = rig.sim.state.outbound.size;
    if (!memMiddle && sends >= recipients / 2) memMiddle = await memory();
    if (Date.now() - lastSample >= 10_000) {
      lastSample = Date.now();
      const m = await memory();
      samples.push({ s: Math.round((performance.now() - startedAt) / 1000), sends, ...m });
      console.error(`${samples.at(-1)!.s} s: ${sends} sends, RSS ${m.rssMb} MB, heap ${m.heapUsedMb} MB`);
    }
    const b = (await rig.api<Broadcast>('GET', `/broadcasts/${id}`)).body;
    if (b.state === 'completed' || b.state === 'paused' || b.state === 'cancelled') {
      done = b;
      break;
    }
  }
  const completedMs = performance.now() - startedAt;
  const cpuSendingS = cpuSeconds() - cpuTicks0;
  const benchCpu = process.cpuUsage(benchCpu0);
  clearInterval(inbound);
  const memEnd = await memory();
  // Every status webhook applied (read comes 1.5 s after delivered).
  const drainUntil = Date.now() + (process.env.BENCH_NO_STATUSES ? 0 : 60_000);
  let counts: Record<string, number> = done?.counts ?? {};
  while (Date.now() < drainUntil) {
    await new Promise((r) => setTimeout(r, 1000));
    counts = (await rig.api<Broadcast>('GET', `/broadcasts/${id}`)).body.counts;
    if (
      rig.sim.core.deliverer.pending === 0 &&
      (counts.read ?? 0) + (counts.failed ?? 0) >= (counts.total ?? 0)
    )
      break;
  }
  const drainedMs = performance.now() - startedAt;
  socket.close();

  const sends = rig.simSends();
  const times = [...sends.times].sort((a, b) => a - b);
  const sendingS = times.length > 1 ? (times.at(-1)! - times[0]!) / 1000 : 0;
  // n sends over n − 1 gaps: the rate the pacing achieved between the first and the last send.
  const achieved = sendingS > 0 ? (times.length - 1) / sendingS : 0;
  const duplicates = [...sends.byWaId.values()].filter((n) => n > 1).length;
  // Pauses between consecutive sends of ≥ 100 ms: time the sending path spent not sending (claims, waits).
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++)
    if (times[i]! - times[i - 1]! >= 100) gaps.push(times[i]! - times[i - 1]!);
  const result = {
    machine: {
      nproc: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      node: process.version,
      loadavgAtEnd: os.loadavg().map((x) => +x.toFixed(2)),
    },
    database: rig.kind,
    recipients,
    configuredMps: mps,
    finalState: done?.state ?? 'timed out',
    startRequestMs: Math.round(startMs),
    sends: sends.total,
    sendingSeconds: +sendingS.toFixed(1),
    achievedMps: +achieved.toFixed(1),
    achievedShare: +(achieved / mps).toFixed(4),
    startToCompletedSeconds: +(completedMs / 1000).toFixed(1),
    startToAllStatusesSeconds: +(drainedMs / 1000).toFixed(1),
    maxSendsInAnySecond: maxInOneSecond(times),
    pausesOver100ms: {
      count: gaps.length,
      totalSeconds: +(gaps.reduce((a, b) => a + b, 0) / 1000).toFixed(1),
      p50Ms: pct(gaps, 50),
      maxMs: gaps.length ? Math.max(...gaps) : null,
    },
    throughputRefusals130429: refused,
    duplicates,
    counts,
    webhooks: rig.sim.core.deliverer.stats,
    serverCpuSecondsWhileSending: +cpuSendingS.toFixed(1),
    /** This process: the simulator (sends, status webhooks), the agent's socket, the customer. */
    simulatorCpuSecondsWhileSending: +((benchCpu.user + benchCpu.system) / 1e6).toFixed(1),
    memory: { start: memStart, middle: memMiddle, end: memEnd, every10s: samples },
    inboundToSocket: {
      sent: inboundSent,
      received: latencies.length,
      failedPosts: inboundFailed,
      p50: pct(latencies, 50),
      p95: pct(latencies, 95),
      p99: pct(latencies, 99),
      max: latencies.length ? +Math.max(...latencies).toFixed(1) : null,
    },
  };
  console.log(JSON.stringify(result, null, 2));
  finished = true;
} finally {
  if (!finished) console.error(rig.output().slice(-5000));
  await rig.stop('SIGTERM');
  await rig.close();
}
process.exit(finished ? 0 : 1);
