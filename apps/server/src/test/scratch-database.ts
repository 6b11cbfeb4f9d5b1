import crypto from 'node:crypto';
import pg from 'pg';

/**
 * Creates an empty database on the PostgreSQL server of `serverUrl` (tests, browser tests and benchmarks
 * each get their own) and returns its URL and a function that drops it.
 */
export async function createScratchDatabase(
  serverUrl: string,
  prefix = 'parley_t',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}
