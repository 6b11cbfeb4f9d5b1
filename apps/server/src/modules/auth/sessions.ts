import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import type { Config } from '../../config.js';
import { randomToken, sha256Hex } from '../../crypto/cipher.js';
import type { DbOrTx } from '../../db/client.js';
import { sessions, users } from '../../db/schema.js';
import { recordEvent } from '../../realtime/event-bus.js';

export type SessionRow = typeof sessions.$inferSelect;
export type UserRow = typeof users.$inferSelect;

/** Creates a session and returns the opaque token for the cookie (only its hash is stored). */
export async function createSession(
  tx: DbOrTx,
  config: Config,
  input: { userId: string; remember: boolean; userAgent: string | null; ipPrefix: string | null },
): Promise<{ token: string; session: SessionRow }> {
  const token = randomToken(32);
  const now = Date.now();
  const expiresAt = new Date(now + (input.remember ? config.sessionRememberMs : config.sessionAbsoluteMs));
  const idleMs = input.remember ? config.sessionRememberMs : config.sessionIdleMs;
  const [session] = await tx
    .insert(sessions)
    .values({
      userId: input.userId,
      tokenHash: sha256Hex(token),
      remember: input.remember,
      userAgent: input.userAgent?.slice(0, 400) ?? null,
      ipPrefix: input.ipPrefix,
      idleExpiresAt: new Date(Math.min(now + idleMs, expiresAt.getTime())),
      expiresAt,
    })
    .returning();
  return { token, session: session! };
}

/** Finds the live session of a cookie token, sliding its idle expiry at most once a minute. */
export async function findSessionByToken(
  db: DbOrTx,
  config: Config,
  token: string,
): Promise<{ session: SessionRow; user: UserRow } | null> {
  if (token.length < 20 || token.length > 100) return null;
  const now = new Date();
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, sha256Hex(token)),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        gt(sessions.idleExpiresAt, now),
      ),
    );
  if (!row) return null;
  if (now.getTime() - row.session.lastSeenAt.getTime() > 60_000) {
    const idleMs = row.session.remember ? config.sessionRememberMs : config.sessionIdleMs;
    const idleExpiresAt = new Date(Math.min(now.getTime() + idleMs, row.session.expiresAt.getTime()));
    await db.update(sessions).set({ lastSeenAt: now, idleExpiresAt }).where(eq(sessions.id, row.session.id));
    row.session.lastSeenAt = now;
    row.session.idleExpiresAt = idleExpiresAt;
  }
  return row;
}

/** Live sessions of a person, newest first. */
export async function listLiveSessions(db: DbOrTx, userId: string): Promise<SessionRow[]> {
  const now = new Date();
  const rows = await db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        gt(sessions.idleExpiresAt, now),
      ),
    );
  return rows.sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
}

/**
 * Revokes sessions of a person (all, all but one, or one) and records a `session.ended` event for
 * each, which signs the browser out and closes its sockets after commit. Returns the ended ids.
 */
export async function revokeSessions(
  tx: DbOrTx,
  userId: string,
  opts: { sessionId?: string; exceptSessionId?: string; reason: string },
): Promise<string[]> {
  const conditions = [eq(sessions.userId, userId), isNull(sessions.revokedAt)];
  if (opts.sessionId) conditions.push(eq(sessions.id, opts.sessionId));
  if (opts.exceptSessionId) conditions.push(ne(sessions.id, opts.exceptSessionId));
  const ended = await tx
    .update(sessions)
    .set({ revokedAt: new Date(), revokeReason: opts.reason })
    .where(and(...conditions))
    .returning({ id: sessions.id });
  for (const s of ended) {
    await recordEvent(tx, {
      type: 'session.ended',
      workspaceId: null,
      rooms: [`session:${s.id}`],
      payload: { sessionId: s.id, reason: opts.reason },
    });
  }
  return ended.map((s) => s.id);
}
