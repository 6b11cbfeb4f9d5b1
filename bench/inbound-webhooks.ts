import os from 'node:os';
import { signPayload } from '@parley/whatsapp';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../apps/server/src/db/client.js';
import { openBenchServer } from './lib/bench-server.js';

const total = Number(process.argv[2] ?? 5000);
const concurrency = Number(process.argv[3] ?? 32);
const PNID = '106540352242922';
const SECRET = 'bench-app-secret-123';

const bench = await openBenchServer({
  phoneNumberId: PNID,
  appSecret: SECRET,
  accessToken: 'bench-token-123',
});
const { ctx, database, url } = bench;

const { channel } = await bench.createWorkspaceWithChannel({
  ownerEmail: 'bench@example.test',
  ownerName: 'Bench',
  workspace: 'Bench',
  channel: 'Bench',
});
const endpoint = `${url}/webhooks/whatsapp/${channel.id}`;
console.error(`ready: ${database.kind}, posting ${total} webhooks`);

function payload(i: number): string {
  const waId = `49151${String(i % 1000).padStart(7, '0')}`;
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
              metadata: { display_phone_number: '15550100001', phone_number_id: PNID },
              contacts: [{ profile: { name: `Kunde ${i % 1000}` }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id: `wamid.BENCH${i}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: `Nachricht Nummer ${i}` },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

async function post(i: number): Promise<number> {
  const body = payload(i);
  const t = performance.now();
  const r = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(SECRET, body) },
    body,
  });
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`status ${r.status}`);
  return performance.now() - t;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
async function messagesStored(): Promise<number> {
  const r = await ctx.db.execute(sql`select count(*)::int as n from messages`);
  return Number(rowsOf<{ n: number }>(r)[0]!.n);
}

// 1. Throughput: `total` webhooks with `concurrency` in flight.
const latencies: number[] = [];
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) latencies.push(await post(next++));
  }),
);
const ackSeconds = (performance.now() - t0) / 1000;
const deadline = Date.now() + 300_000;
while ((await messagesStored()) < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
const processedSeconds = (performance.now() - t0) / 1000;
const processed = await messagesStored();
console.log(
  `phase 1: ${total} acknowledged in ${ackSeconds.toFixed(1)} s, processed in ${processedSeconds.toFixed(1)} s`,
);

// 2. Latency at a steady 500 messages/s for 5 s.
const paced: number[] = [];
let failures = 0;
const rate = 500;
const seconds = 5;
const start = performance.now();
const inflight: Promise<void>[] = [];
for (let i = 0; i < rate * seconds; i++) {
  const due = start + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  inflight.push(
    post(total + i).then(
      (ms) => void paced.push(ms),
      () => void failures++,
    ),
  );
}
await Promise.all(inflight);

console.log(
  JSON.stringify(
    {
      machine: `${os.cpus().length} cores, node ${process.version}`,
      database: database.kind,
      messages: total,
      concurrency,
      acknowledgedPerSecond: Math.round(total / ackSeconds),
      ackMs: { p50: +pct(latencies, 50).toFixed(1), p99: +pct(latencies, 99).toFixed(1) },
      processedPerSecond: Math.round(processed / processedSeconds),
      processed,
      at500PerSecond: {
        ackP50Ms: +pct(paced, 50).toFixed(1),
        ackP99Ms: +pct(paced, 99).toFixed(1),
        acknowledged: paced.length,
        connectionErrors: failures,
      },
    },
    null,
    2,
  ),
);
await bench.close();
process.exit(0);
