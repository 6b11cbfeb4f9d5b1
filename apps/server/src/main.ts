import pino from 'pino';
import { buildApp, loggerOptions } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { Keyring } from './crypto/keyring.js';
import { loadMasterKey } from './crypto/master-key.js';
import { type Database, openDatabase } from './db/client.js';
import { replayDeadJobs } from './jobs/runner.js';

const usage = `Usage: parley <command>

Commands:
  start         run the server (default)
  migrate       apply database migrations and exit
  keys rotate   re-wrap every data key under a new master key (PARLEY_NEW_MASTER_KEY)
  jobs dead     list dead-lettered jobs (name, attempts, last error)
  jobs replay [<name> | <id>]
                put dead-lettered jobs back in the queue (all, all of one name, or one)
  webhooks failed
                list WhatsApp webhook deliveries that could not be processed (id, attempts, error)
  webhooks replay [<id>]
                process failed webhook deliveries again (all, or one)
  help          show this text
`;

/** A CLI command on the migrated database, which is closed afterwards; exit code 0. */
async function withDatabase(config: Config, run: (database: Database) => Promise<void>): Promise<number> {
  const database = await openDatabase(config);
  try {
    await database.migrate();
    await run(database);
  } finally {
    await database.close();
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command = 'start', sub] = argv;
  if (command === 'help' || command === '--help') {
    process.stdout.write(usage);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n\nSee the configuration table in README.md.\n`);
      return 2;
    }
    throw err;
  }
  const log = pino(loggerOptions(config.logLevel));

  if (command === 'migrate') {
    return withDatabase(config, async (database) => {
      log.info({ database: database.kind }, 'migrations applied');
    });
  }

  if (command === 'keys' && sub === 'rotate') {
    const next = process.env.PARLEY_NEW_MASTER_KEY;
    if (!next) {
      process.stderr.write('Set PARLEY_NEW_MASTER_KEY to the new 32-byte key (base64 or hex).\n');
      return 2;
    }
    return withDatabase(config, async (database) => {
      const keyring = new Keyring(loadMasterKey(config));
      await keyring.init(database.db);
      const nextKey = loadMasterKey({ masterKey: next, dataDir: config.dataDir });
      const n = await database.db.transaction((tx) => keyring.rewrapAll(tx, nextKey));
      log.warn(
        { workspaces: n },
        'data keys re-wrapped: set PARLEY_MASTER_KEY to the new key before the next start',
      );
    });
  }

  if (command === 'jobs' && (sub === 'dead' || sub === 'replay')) {
    return withDatabase(config, async (database) => {
      const { jobs } = await import('./db/schema.js');
      const { eq } = await import('drizzle-orm');
      if (sub === 'dead') {
        const rows = await database.db
          .select({
            id: jobs.id,
            name: jobs.name,
            attempts: jobs.attempts,
            lastError: jobs.lastError,
            at: jobs.finishedAt,
          })
          .from(jobs)
          .where(eq(jobs.status, 'dead'))
          .orderBy(jobs.id);
        for (const r of rows)
          process.stdout.write(
            `${r.id}\t${r.name}\t${r.attempts}\t${r.at?.toISOString() ?? ''}\t${r.lastError ?? ''}\n`,
          );
        process.stdout.write(`${rows.length} dead job(s)\n`);
      } else {
        const target = argv[2];
        const filter =
          target && /^\d+$/.test(target) ? { id: Number(target) } : target ? { name: target } : {};
        const n = await replayDeadJobs(database.db, filter);
        log.info({ replayed: n, ...filter }, 'dead jobs queued again');
      }
    });
  }

  if (command === 'webhooks' && (sub === 'failed' || sub === 'replay')) {
    const target = argv[2];
    if (sub === 'replay' && target !== undefined && !/^\d+$/.test(target)) {
      process.stderr.write('Usage: parley webhooks replay [<id>]\n');
      return 2;
    }
    return withDatabase(config, async (database) => {
      const { webhookEvents } = await import('./db/schema.js');
      const { eq } = await import('drizzle-orm');
      const { replayFailedDeliveries } = await import('./modules/whatsapp/process-webhooks.js');
      if (sub === 'failed') {
        // The payloads stay encrypted: only ids, times, counts and the error text are shown.
        const rows = await database.db
          .select({
            id: webhookEvents.id,
            attempts: webhookEvents.attempts,
            receivedAt: webhookEvents.receivedAt,
            error: webhookEvents.error,
          })
          .from(webhookEvents)
          .where(eq(webhookEvents.status, 'failed'))
          .orderBy(webhookEvents.id);
        for (const r of rows)
          process.stdout.write(`${r.id}\t${r.attempts}\t${r.receivedAt.toISOString()}\t${r.error ?? ''}\n`);
        process.stdout.write(`${rows.length} failed webhook deliver${rows.length === 1 ? 'y' : 'ies'}\n`);
      } else {
        const n = await replayFailedDeliveries(database.db, target ? { id: Number(target) } : {});
        log.info({ replayed: n }, 'failed webhook deliveries queued again; a running server processes them');
      }
    });
  }

  if (command !== 'start') {
    process.stderr.write(usage);
    return 2;
  }

  const started = performance.now();
  const masterKey = loadMasterKey(config);
  if (masterKey.source === 'generated') {
    log.warn(
      `A new master key was written to ${config.dataDir}/master.key. BACK IT UP somewhere safe and separate from the database: without it the encrypted data cannot be read.`,
    );
  }
  const database = await openDatabase(config);
  await database.migrate();
  const { app, ctx } = await buildApp({ config, database, masterKey });
  await app.listen({ port: config.port, host: config.host });
  await ctx.sandbox
    ?.connect()
    .catch((err) => app.log.warn({ err }, 'the sandbox number could not be connected'));
  app.log.info(
    { database: database.kind, readyMs: Math.round(performance.now() - started) },
    `Parley is ready at ${config.publicUrl.origin}`,
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    process.stderr.write(`Parley failed to start: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
