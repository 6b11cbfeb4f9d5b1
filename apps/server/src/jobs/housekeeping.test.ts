import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, events, jobs, sessions } from '../db/schema.js';
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

  it('syncs each active channel’s templates once per 6-hour slot and prunes finished jobs after a week', async () => {
    const { workspace } = await buildWorkspace(server);
    const { db } = server.ctx;
    const row = (name: string, phoneNumberId: string, status: 'active' | 'disabled') => ({
      workspaceId: workspace.id,
      type: 'whatsapp' as const,
      name,
      phoneNumberId,
      wabaId: '1',
      graphBaseUrl: 'http://127.0.0.1:9',
      graphApiVersion: 'v24.0',
      accessToken: 'x',
      appSecret: 'x',
      verifyToken: 'x',
      status,
    });
    const [active, disabled] = await db
      .insert(channels)
      .values([row('Aktiv', '900000000000001', 'active'), row('Aus', '900000000000002', 'disabled')])
      .returning({ id: channels.id });
    const syncJobs = async (channelId: string) =>
      (await db.select().from(jobs).where(eq(jobs.name, 'whatsapp.sync-templates'))).filter(
        (j) => (j.payload as { channelId?: string }).channelId === channelId,
      );
    // Keep the runner from picking the jobs up: they point at nowhere.
    await server.ctx.jobs.stop();
    const slotStart = new Date(Math.floor(Date.now() / (6 * 3600_000)) * 6 * 3600_000 + 1000);
    await runHousekeeping(server.ctx, slotStart);
    expect(await syncJobs(active!.id)).toHaveLength(1);
    expect(await syncJobs(disabled!.id)).toHaveLength(0);
    // The first sync finished; housekeeping runs again (every 10 minutes) in the same slot.
    await db
      .update(jobs)
      .set({ status: 'done', finishedAt: slotStart })
      .where(eq(jobs.id, (await syncJobs(active!.id))[0]!.id));
    await runHousekeeping(server.ctx, new Date(slotStart.getTime() + 10 * 60_000));
    expect(await syncJobs(active!.id)).toHaveLength(1);
    // The next slot gets its own run; a week later the finished one is gone.
    await runHousekeeping(server.ctx, new Date(slotStart.getTime() + 6 * 3600_000));
    expect(await syncJobs(active!.id)).toHaveLength(2);
    await runHousekeeping(server.ctx, new Date(slotStart.getTime() + 8 * 86400_000));
    expect((await syncJobs(active!.id)).filter((j) => j.status === 'done')).toHaveLength(0);
  });
});
