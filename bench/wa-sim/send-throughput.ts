// Benchmark: sends per second the WhatsApp simulator sustains with webhooks on, and webhook updates
// delivered per second. Loopback only, bounded in count and time.
//
//   npx tsx bench/wa-sim/send-throughput.ts            (defaults: 30,000 sends, concurrency 64)
//   BENCH_SENDS=10000 BENCH_CONCURRENCY=32 npx tsx bench/wa-sim/send-throughput.ts
//
// The simulator runs in a child process; this process is the load generator and the webhook
// receiver (which checks every signature with its own HMAC, like a real receiver would).
import { spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const SECRET = 'bench-secret';
const TOKEN = 'bench-token';
const PNID = '200000000000002';
const SENDS = Number(process.env.BENCH_SENDS ?? 30_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const CUSTOMERS = 500;
const TIME_LIMIT_MS = 120_000;

async function runSimulator(webhookUrl: string): Promise<void> {
  const { startSimulator } = await import('../../apps/wa-sim/src/index.js');
  const sim = await startSimulator({
    webhookUrl,
    appSecret: SECRET,
    accessToken: TOKEN,
    phoneNumberId: PNID,
    wabaId: '100000000000001',
    verifyToken: 'bench',
    rules: { throughput: false, pairRateLimit: false, messagingLimit: false },
    statusDelays: { sentMs: 10, deliveredMs: 20, readMs: 30 },
    webhook: { maxBatchSize: 500, concurrency: 4 },
  });
  process.stdout.write(`READY ${sim.url}\n`);
  process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
}

type Receiver = {
  url: string;
  updates: number;
  posts: number;
  badSignatures: number;
  byStatus: Record<string, number>;
  close(): void;
};

async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    updates: 0,
    posts: 0,
    badSignatures: 0,
    byStatus: {},
    close: () => server.close(),
  };
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (request.method === 'GET') {
      response.end(url.searchParams.get('hub.challenge') ?? '');
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const header = String(request.headers['x-hub-signature-256'] ?? '');
      const expected = createHmac('sha256', SECRET).update(raw).digest();
      const given = Buffer.from(header.slice(7), 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) receiver.badSignatures += 1;
      const body = JSON.parse(raw.toString('utf8'));
      for (const entry of body.entry) {
        for (const change of entry.changes) {
          receiver.updates += (change.value.statuses?.length ?? 0) + (change.value.messages?.length ?? 0);
          for (const status of change.value.statuses ?? []) {
            receiver.byStatus[status.status] = (receiver.byStatus[status.status] ?? 0) + 1;
          }
        }
      }
      receiver.posts += 1;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  return receiver;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(base: string, path: string, body: unknown, auth = true): Promise<number> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${base}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(payload.length),
          ...(auth ? { authorization: `Bearer ${TOKEN}` } : {}),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

async function waitUntil(check: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--role=sim') return runSimulator(process.argv[3]!);
  const receiver = await startReceiver();
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--role=sim', receiver.url],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /READY (\S+)/.exec(chunk.toString());
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  try {
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => `49170${String(i).padStart(7, '0')}`);
    for (const from of customers) {
      await post(
        base,
        '/_sim/inbound',
        { from, name: 'Bench', message: { type: 'text', text: { body: 'hi' } } },
        false,
      );
    }
    await waitUntil(() => receiver.updates >= CUSTOMERS, 30_000);
    const inboundUpdates = receiver.updates;

    let next = 0;
    let failed = 0;
    const started = performance.now();
    const deadline = Date.now() + TIME_LIMIT_MS;
    const worker = async () => {
      while (next < SENDS && Date.now() < deadline) {
        const i = next;
        next += 1;
        const status = await post(base, `/v25.0/${PNID}/messages`, {
          messaging_product: 'whatsapp',
          to: customers[i % CUSTOMERS],
          type: 'text',
          text: { body: `Benchmark message ${i}` },
        });
        if (status !== 200) failed += 1;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const sendSeconds = (performance.now() - started) / 1000;
    const expectedUpdates = inboundUpdates + next * 3;
    const allDelivered = await waitUntil(() => receiver.updates >= expectedUpdates, 60_000);
    const totalSeconds = (performance.now() - started) / 1000;
    const health = await new Promise<Record<string, unknown>>((resolve) => {
      http.get(`${base}/_sim/health`, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      });
    });
    const result = {
      simulatorWebhookStats: health.webhook,
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        load: os.loadavg().map((n) => n.toFixed(2)),
      },
      sends: next,
      failedSends: failed,
      concurrency: CONCURRENCY,
      sendsPerSecond: Math.round(next / sendSeconds),
      webhookUpdates: receiver.updates - inboundUpdates,
      webhookPosts: receiver.posts,
      statusesByKind: receiver.byStatus,
      webhookUpdatesPerSecond: Math.round((receiver.updates - inboundUpdates) / totalSeconds),
      allStatusesDelivered: allDelivered,
      badSignatures: receiver.badSignatures,
      seconds: { sending: Number(sendSeconds.toFixed(2)), untilLastWebhook: Number(totalSeconds.toFixed(2)) },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    child.kill('SIGTERM');
    receiver.close();
    agent.destroy();
  }
}

void main();
