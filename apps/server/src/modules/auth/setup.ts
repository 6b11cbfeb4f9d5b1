import { count, eq, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { randomToken, safeEqual, sha256Hex } from '../../crypto/cipher.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { instanceSettings, users } from '../../db/schema.js';

/** True until the first person (the owner) exists. */
export async function isSetupRequired(db: DbOrTx): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users);
  return Number(row?.n ?? 0) === 0;
}

/**
 * On a fresh install, stores the hash of the one-time setup token (PARLEY_SETUP_TOKEN or random) and
 * prints the token to the log, so only someone with access to the server can claim the install.
 */
export async function prepareSetupToken(
  db: Db,
  config: Config,
  log: FastifyBaseLogger,
): Promise<string | null> {
  if (!(await isSetupRequired(db))) return null;
  const token = config.setupToken ?? randomToken(18);
  // Every token printed stays valid until setup is done (several nodes or restarts each print one).
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(724113002)`);
    const [row] = await tx.select().from(instanceSettings).where(eq(instanceSettings.key, 'setup_token'));
    const previous = (row?.value as { hashes?: string[] } | undefined)?.hashes ?? [];
    const hashes = [...previous, sha256Hex(token)].slice(-10);
    await tx
      .insert(instanceSettings)
      .values({ key: 'setup_token', value: { hashes } })
      .onConflictDoUpdate({
        target: instanceSettings.key,
        set: { value: { hashes }, updatedAt: new Date() },
      });
  });
  const url = new URL('/setup', config.publicUrl).toString();
  log.warn(
    `\n\n  Parley is not set up yet. Open ${url} and enter this one-time setup token:\n\n      ${config.setupToken ? '(the value of PARLEY_SETUP_TOKEN)' : token}\n\n`,
  );
  return token;
}

export async function checkSetupToken(tx: DbOrTx, token: string): Promise<boolean> {
  await tx.execute(sql`select pg_advisory_xact_lock(724113002)`);
  const [row] = await tx.select().from(instanceSettings).where(eq(instanceSettings.key, 'setup_token'));
  const hashes = (row?.value as { hashes?: string[] } | undefined)?.hashes ?? [];
  const given = sha256Hex(token);
  return hashes.some((h) => safeEqual(h, given));
}

export async function consumeSetupToken(tx: DbOrTx): Promise<void> {
  await tx.delete(instanceSettings).where(eq(instanceSettings.key, 'setup_token'));
}
