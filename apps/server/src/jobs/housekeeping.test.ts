import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, sessions } from '../db/schema.js';
import { as, buildWorkspace, signIn, startTestServer, type TestServer } from '../test/harness.js';
import { runHousekeeping } from './housekeeping.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('housekeeping', () => {
  it('removes ended sessions after 30 days and old events, and keeps live ones', async () => {
    const { owner } = await buildWorkspace(server);
    await signIn(server.app, owner.email);
    const ended = (await as(server, owner, { method: 'GET', url: '/api/v1/me/sessions' }))
      .json()
      .sessions.find((s: { current: boolean }) => !s.current);
    await as(server, owner, { method: 'DELETE', url: `/api/v1/me/sessions/${ended.id}` });
    const { db } = server.ctx;
    const future = new Date(Date.now() + 31 * 86400_000);
    // Pretend the live session is still in use then.
    await db
      .update(sessions)
      .set({
        expiresAt: new Date(future.getTime() + 86400_000),
        idleExpiresAt: new Date(future.getTime() + 86400_000),
      })
      .where(eq(sessions.userId, owner.id));
    await db
      .update(sessions)
      .set({ revokedAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, ended.id));
    const before = await db.select().from(events);
    expect(before.length).toBeGreaterThan(0);
    await runHousekeeping(server.ctx, future);
    const left = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, owner.id));
    expect(left.map((s) => s.id)).not.toContain(ended.id);
    expect(left).toHaveLength(1);
    const count = await db.execute(sql`select count(*)::int as n from events`);
    expect((count as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
    expect((await as(server, owner, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  });
});
