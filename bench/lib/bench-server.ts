/**
 * The real server for a benchmark: a scratch PostgreSQL database when DATABASE_URL is set (created
 * and dropped here), PGlite in a temporary directory otherwise; migrations, buildApp with a random
 * master key, listening on loopback; and the WhatsApp simulator. `close()` undoes all of it
 * (BENCH_KEEP_DB=1 keeps the database or directory). A crash drops the scratch database too.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator } from '@parley/wa-sim';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../apps/server/src/app.js';
import { loadConfig } from '../../apps/server/src/config.js';
import { keyId } from '../../apps/server/src/crypto/master-key.js';
import { openDatabase } from '../../apps/server/src/db/client.js';
import { users } from '../../apps/server/src/db/schema.js';
import { hashPassword } from '../../apps/server/src/modules/auth/passwords.js';
import { createChannel } from '../../apps/server/src/modules/channels/service.js';
import { createWorkspace } from '../../apps/server/src/modules/workspaces/service.js';
import { PASSWORD } from '../../apps/server/src/test/harness.js';
import { createScratchDatabase } from '../../apps/server/src/test/scratch-database.js';

export type BenchServer = Awaited<ReturnType<typeof openBenchServer>>;

export async function openBenchServer(opts: {
  /** The simulator's number and secrets (each bench its own). */
  phoneNumberId: string;
  appSecret: string;
  accessToken: string;
  /** PARLEY_FAST_HASH: fast password hashing for the benchmark's sign-ins. */
  fastHash?: boolean;
  /** Runs before the database is opened (e.g. to instrument the driver). */
  beforeOpen?: () => Promise<unknown>;
  /** Runs after buildApp, before listen (e.g. to add hooks). */
  beforeListen?: (app: FastifyInstance) => void;
}) {
  let dropDb: (() => Promise<void>) | null = null;
  let databaseUrl: string | undefined;
  if (process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL, 'parley_bench');
    databaseUrl = scratch.url;
    dropDb = scratch.drop;
  }
  // A failed run does not leave a scratch database behind.
  process.once('uncaughtException', (err) => {
    console.error(err);
    void Promise.resolve(process.env.BENCH_KEEP_DB ? undefined : dropDb?.()).finally(() => process.exit(1));
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  const config = loadConfig({
    PARLEY_DATA_DIR: dataDir,
    PARLEY_SANDBOX: 'off',
    ...(opts.fastHash ? { PARLEY_FAST_HASH: 'true' } : {}),
    LOG_LEVEL: 'error',
    PARLEY_WEB_DIR: '/nonexistent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const before = opts.beforeOpen ? await opts.beforeOpen() : undefined;
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir });
  await database.migrate();
  const raw = crypto.randomBytes(32);
  const { app, ctx } = await buildApp({
    config,
    database,
    masterKey: { key: raw, id: keyId(raw), source: 'env' },
    logger: false,
  });
  opts.beforeListen?.(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const sim = await startSimulator({
    appSecret: opts.appSecret,
    accessToken: opts.accessToken,
    phoneNumberId: opts.phoneNumberId,
    wabaId: '1',
  });
  /**
   * A workspace with its owner (password PASSWORD, so the bench can sign in over the real route) and
   * the simulator's number connected as a channel.
   */
  async function createWorkspaceWithChannel(names: {
    ownerEmail: string;
    ownerName: string;
    workspace: string;
    channel: string;
  }) {
    const workspace = await ctx.db.transaction(async (tx) => {
      const [u] = await tx
        .insert(users)
        .values({
          email: names.ownerEmail,
          name: names.ownerName,
          passwordHash: await hashPassword(PASSWORD),
        })
        .returning();
      return createWorkspace(ctx, tx, { name: names.workspace, ownerId: u!.id, ipPrefix: null });
    });
    const { channel } = await createChannel(
      ctx,
      { workspaceId: workspace.id, user: { id: workspace.id } },
      {
        type: 'whatsapp',
        name: names.channel,
        phoneNumberId: opts.phoneNumberId,
        wabaId: '1',
        accessToken: opts.accessToken,
        appSecret: opts.appSecret,
        graphBaseUrl: sim.url,
      },
      null,
    );
    return { workspace, channel };
  }

  return {
    app,
    ctx,
    createWorkspaceWithChannel,
    config,
    database,
    dataDir,
    url,
    sim,
    /** What `beforeOpen` returned. */
    before,
    async close(): Promise<void> {
      await sim.close();
      await app.close();
      await database.close();
      // Give closed pool connections a moment to go away before the scratch database is dropped.
      await new Promise((r) => setTimeout(r, 500));
      if (process.env.BENCH_KEEP_DB) {
        console.error(`kept database ${databaseUrl ?? dataDir}`);
        return;
      }
      await dropDb?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
