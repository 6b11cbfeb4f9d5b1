import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type RunningSimulator, type StatusDelays, startSimulator } from '@parley/wa-sim';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { keyId } from '../../crypto/master-key.js';
import { type Db, openDatabase, rowsOf } from '../../db/client.js';
import { contacts, labels, users } from '../../db/schema.js';
import { hashPassword, useFastHashing } from '../../modules/auth/passwords.js';
import { createChannel } from '../../modules/channels/service.js';
import { createWorkspace } from '../../modules/workspaces/service.js';
import { createScratchDatabase } from '../../test/scratch-database.js';

/**
 * The real server as its own process (`node scripts/start.mjs start`) on a database that outlives it
 * (a scratch PostgreSQL database when DATABASE_URL is set, else PGlite in a temporary data directory),
 * a WhatsApp simulator in this process that survives the server, and a workspace seeded set-based with
 * `recipients` contacts who all granted marketing consent and carry one label (the audience). Used by
 * broadcasts-crash.test.ts and bench/broadcast-throughput.ts.
 */
export type BroadcastRig = Awaited<ReturnType<typeof openBroadcastRig>>;

const root = path.resolve(import.meta.dirname, '../../../../..');
const PASSWORD = 'correct horse battery staple 42';
export const TEMPLATE = { name: 'summer_sale', language: 'en_US' };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** The wa_id of the i-th seeded customer (German mobile numbers: never a US marketing block). */
export const waIdOf = (i: number) => `49151${String(i).padStart(7, '0')}`;

export async function openBroadcastRig(opts: {
  recipients: number;
  /** The simulator's throughput (above 80 the number reports HIGH, which Parley sends at 1,000/s). */
  mps: number;
  statusDelays?: Partial<StatusDelays>;
  /** The server's LOG_LEVEL (default warn). */
  logLevel?: string;
  /** Extra arguments for node before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-broadcast-'));
  const scratch = process.env.DATABASE_URL
    ? await createScratchDatabase(process.env.DATABASE_URL, 'parley_bcast')
    : null;
  const databaseUrl = scratch?.url;
  const masterKey = crypto.randomBytes(32);
  const phoneNumberId = `10654035${String(process.pid % 10_000).padStart(4, '0')}`;
  const appSecret = 'app-secret-for-tests-123';
  const accessToken = 'sim-access-token-123';
  const wabaId = '102290129340398';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;

  const sim: RunningSimulator = await startSimulator({
    appSecret,
    accessToken,
    phoneNumberId,
    wabaId,
    rules: {
      throughputMps: opts.mps,
      messagingLimitTier: 'TIER_UNLIMITED',
      perUserMarketingLimit: null,
    },
    statusDelays: { sentMs: 0, deliveredMs: 20, readMs: null, ...opts.statusDelays },
    // The server is down for seconds at a time: keep retrying (Meta retries for days).
    webhook: { retryInitialDelayMs: 100, retryMaxDelayMs: 1000, retryMaxAttempts: 100_000 },
    maxMessages: opts.recipients * 4 + 10_000,
    maxCustomers: opts.recipients + 10_000,
  });
  sim.core.templates.add({
    id: '990000000000001',
    name: TEMPLATE.name,
    language: TEMPLATE.language,
    category: 'MARKETING',
    status: 'APPROVED',
    parameterFormat: 'POSITIONAL',
    components: [{ type: 'BODY', text: 'Our summer sale starts today: 20 % off everything.' }],
    createdAt: Date.now(),
    paced: false,
  });

  const ownerEmail = `owner.${process.pid}.${crypto.randomBytes(3).toString('hex')}@example.test`;
  const config = loadConfig({
    PARLEY_DATA_DIR: dataDir,
    PARLEY_SANDBOX: 'off',
    PARLEY_FAST_HASH: 'true',
    LOG_LEVEL: 'error',
    PARLEY_WEB_DIR: '/nonexistent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });

  /** Opens the database in this process (PGlite: only while no server process runs). */
  async function withDatabase<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (!databaseUrl && child) throw new Error('PGlite: stop the server before opening its database');
    const database = await openDatabase({ databaseUrl, dataDir });
    try {
      return await fn(database.db);
    } finally {
      await database.close();
    }
  }

  // Seeding: the workspace, its owner and the number through the service code, the contacts set-based.
  const seeded = await (async () => {
    const database = await openDatabase({ databaseUrl, dataDir });
    await database.migrate();
    const { app, ctx } = await buildApp({
      config,
      database,
      masterKey: { key: masterKey, id: keyId(masterKey), source: 'env' },
      logger: false,
    });
    try {
      useFastHashing(true);
      const workspace = await ctx.db.transaction(async (tx) => {
        const [u] = await tx
          .insert(users)
          .values({ email: ownerEmail, name: 'Olivia Owner', passwordHash: await hashPassword(PASSWORD) })
          .returning();
        return createWorkspace(ctx, tx, { name: 'Crash GmbH', ownerId: u!.id, ipPrefix: null });
      });
      const ws = workspace.id;
      const { channel, verifyToken } = await createChannel(
        ctx,
        { workspaceId: ws, user: { id: ws } },
        {
          type: 'whatsapp',
          name: 'Hauptnummer',
          phoneNumberId,
          wabaId,
          accessToken,
          appSecret,
          graphBaseUrl: sim.url,
          graphApiVersion: 'v24.0',
        },
        null,
      );
      const hash = await ctx.keyring.blindIndexer(ctx.db, ws, 'contacts.wa_id');
      for (let i = 0; i < opts.recipients; i += 1000) {
        const rows: (typeof contacts.$inferInsert)[] = [];
        for (let j = i; j < Math.min(opts.recipients, i + 1000); j++)
          rows.push({
            workspaceId: ws,
            waIdHash: hash(waIdOf(j)),
            waId: await ctx.keyring.encrypt(ctx.db, ws, waIdOf(j), 'contacts.wa_id'),
            source: 'import',
          });
        await ctx.db.insert(contacts).values(rows);
      }
      const [label] = await ctx.db
        .insert(labels)
        .values({ workspaceId: ws, name: 'Newsletter', color: '#64748b' })
        .returning();
      await ctx.db.execute(sql`
        insert into contact_labels (contact_id, label_id, workspace_id)
        select id, ${label!.id}, workspace_id from contacts where workspace_id = ${ws}`);
      await ctx.db.execute(sql`
        insert into consents (workspace_id, contact_id, purpose, action, source, wording)
        select workspace_id, id, 'marketing', 'granted', 'import', 'Newsletter sign-up form v1'
        from contacts where workspace_id = ${ws}`);
      return { workspaceId: ws, channelId: channel.id, verifyToken, labelId: label!.id };
    } finally {
      await app.close();
      await database.close();
    }
  })();

  await fetch(`${sim.url}/_sim/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      webhookUrl: `${url}/webhooks/whatsapp/${seeded.channelId}`,
      verifyToken: seeded.verifyToken,
    }),
  }).then((r) => {
    if (r.status !== 200) throw new Error(`simulator config: ${r.status}`);
  });

  let child: ChildProcess | null = null;
  let output = '';
  let cookie = '';
  const { DATABASE_URL: _serverUrl, ...env } = process.env;

  /** Starts the server process and waits until /readyz answers 200 (at most 90 s). */
  async function start(): Promise<{ pid: number; readyMs: number }> {
    if (child) throw new Error('the server is already running');
    const t0 = performance.now();
    const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), 'scripts/start.mjs', 'start'], {
      cwd: root,
      env: {
        ...env,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: url,
        PARLEY_DATA_DIR: dataDir,
        PARLEY_MASTER_KEY: masterKey.toString('hex'),
        PARLEY_SANDBOX: 'off',
        PARLEY_FAST_HASH: 'true',
        PARLEY_WEB_DIR: '/nonexistent',
        PARLEY_SKIP_WEB_BUILD: '1',
        LOG_LEVEL: opts.logLevel ?? 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const collect = (d: Buffer) => {
      output = (output + String(d)).slice(-200_000);
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(`server exited early (${proc.exitCode ?? proc.signalCode}):\n${output.slice(-5000)}`);
      try {
        const r = await fetch(`${url}/readyz`);
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`server not ready within 90 s:\n${output.slice(-5000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { pid: proc.pid!, readyMs: performance.now() - t0 };
  }

  /** Stops the server process with `signal` and waits for it to be gone. */
  async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = child;
    if (!proc) return;
    child = null;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  }

  /** A request to the running server as the signed-in owner (JSON in, parsed JSON out). */
  async function api<T = unknown>(
    method: string,
    rest: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const r = await fetch(`${url}/api/v1/workspaces/${seeded.workspaceId}${rest}`, {
      method,
      headers: {
        cookie,
        origin: url,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : null) as T };
  }

  /** Signs the owner in over the real route (the cookie is kept for `api`). */
  async function signIn(): Promise<string> {
    const r = await fetch(`${url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url },
      body: JSON.stringify({ email: ownerEmail, password: PASSWORD }),
    });
    if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${await r.text()}`);
    cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
    return cookie;
  }

  /** Sends per customer (wa_id) and per recipient id (`b:<id>` callback data) as the simulator saw them. */
  function simSends() {
    const byWaId = new Map<string, number>();
    const byRecipient = new Map<string, number>();
    const times: number[] = [];
    for (const m of sim.state.outbound.values()) {
      byWaId.set(m.customerKey, (byWaId.get(m.customerKey) ?? 0) + 1);
      const opaque = (m.request as { biz_opaque_callback_data?: string }).biz_opaque_callback_data;
      if (opaque?.startsWith('b:'))
        byRecipient.set(opaque.slice(2), (byRecipient.get(opaque.slice(2)) ?? 0) + 1);
      times.push(m.createdAt);
    }
    return { total: sim.state.outbound.size, byWaId, byRecipient, times };
  }

  return {
    ...seeded,
    sim,
    url,
    dataDir,
    databaseUrl,
    kind: databaseUrl ? ('postgres' as const) : ('pglite' as const),
    start,
    stop,
    api,
    signIn,
    simSends,
    withDatabase,
    /** What the server process printed (the last 200 kB). */
    output: () => output,
    get pid() {
      return child?.pid ?? null;
    },
    async close(): Promise<void> {
      await stop('SIGKILL');
      await sim.close();
      await new Promise((r) => setTimeout(r, 200));
      await scratch?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Rows of one statement on the rig's database. */
export async function queryRows<T>(db: Db, statement: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.execute(statement));
}
