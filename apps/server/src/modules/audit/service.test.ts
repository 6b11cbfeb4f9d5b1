import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildMember, buildWorkspace, startTestServer, type TestServer } from '../../test/harness.js';
import { recordAudit, verifyChain } from './service.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('audit log', () => {
  it('records sign-ins, invites and role changes in a verifiable chain shown to admins', async () => {
    const { workspace, owner } = await buildWorkspace(server);
    const agent = await buildMember(server, workspace.id, owner, 'agent');
    await as(server, owner, {
      method: 'PATCH',
      url: `/api/v1/workspaces/${workspace.id}/members/${agent.id}`,
      payload: { role: 'admin' },
    });
    await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: agent.email, password: 'wrong password' },
    });
    const res = await as(server, owner, {
      method: 'GET',
      url: `/api/v1/workspaces/${workspace.id}/audit-events?limit=100`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.chainValid).toBe(true);
    const types = body.events.map((e: { type: string }) => e.type);
    for (const t of [
      'workspace.created',
      'auth.signed_in',
      'invite.created',
      'invite.accepted',
      'member.role_changed',
      'auth.sign_in_failed',
    ]) {
      expect(types).toContain(t);
    }
    const change = body.events.find((e: { type: string }) => e.type === 'member.role_changed');
    expect(change).toMatchObject({
      actorName: owner.name,
      subjectId: agent.id,
      data: { from: 'agent', to: 'admin' },
    });
    // The promoted admin may read it; an agent may not.
    expect(
      (await as(server, agent, { method: 'GET', url: `/api/v1/workspaces/${workspace.id}/audit-events` }))
        .statusCode,
    ).toBe(200);
    const plainAgent = await buildMember(server, workspace.id, owner, 'agent');
    expect(
      (
        await as(server, plainAgent, {
          method: 'GET',
          url: `/api/v1/workspaces/${workspace.id}/audit-events`,
        })
      ).statusCode,
    ).toBe(403);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the audit table', async () => {
    const { workspace } = await buildWorkspace(server);
    const { db } = server.ctx;
    await expect(
      db.execute(sql`update audit_events set type = 'x' where workspace_id = ${workspace.id}`),
    ).rejects.toThrow();
    await expect(
      db.execute(sql`delete from audit_events where workspace_id = ${workspace.id}`),
    ).rejects.toThrow();
    await expect(db.execute(sql`truncate audit_events`)).rejects.toThrow();
  });

  it('detects a tampered row even when the trigger was bypassed', async () => {
    const { workspace } = await buildWorkspace(server);
    const { db } = server.ctx;
    await db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++)
        await recordAudit(server.ctx, tx, { type: 'test.event', workspaceId: workspace.id, data: { i } });
    });
    expect(await verifyChain(server.ctx, db, workspace.id, true)).toBe(true);
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger audit_events_no_update`);
      await tx.execute(
        sql`update audit_events set data = '{"i":99}' where workspace_id = ${workspace.id} and type = 'test.event' and data->>'i' = '1'`,
      );
      await tx.execute(sql`alter table audit_events enable trigger audit_events_no_update`);
    });
    expect(await verifyChain(server.ctx, db, workspace.id, true)).toBe(false);
  });

  it('keeps one unbroken chain under concurrent writers', async () => {
    const { workspace } = await buildWorkspace(server);
    const { db } = server.ctx;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.transaction((tx) =>
          recordAudit(server.ctx, tx, { type: 'test.parallel', workspaceId: workspace.id, data: { i } }),
        ),
      ),
    );
    expect(await verifyChain(server.ctx, db, workspace.id, true)).toBe(true);
  });
});
