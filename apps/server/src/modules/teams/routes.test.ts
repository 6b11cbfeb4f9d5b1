import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildMember, buildWorkspace, startTestServer, type TestServer } from '../../test/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('teams', () => {
  it('creates, renames, sets members and deletes a team', async () => {
    const { workspace, owner } = await buildWorkspace(server);
    const agent = await buildMember(server, workspace.id, owner, 'agent');
    const base = `/api/v1/workspaces/${workspace.id}/teams`;
    const created = await as(server, owner, {
      method: 'POST',
      url: base,
      payload: { name: 'Support', description: 'Erste Hilfe' },
    });
    expect(created.statusCode).toBe(201);
    const team = created.json();
    const dup = await as(server, owner, { method: 'POST', url: base, payload: { name: 'support' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('team_name_taken');

    const set = await as(server, owner, {
      method: 'PUT',
      url: `${base}/${team.id}/members`,
      payload: { userIds: [agent.id, owner.id] },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json().memberIds.sort()).toEqual([agent.id, owner.id].sort());

    const members = (
      await as(server, agent, { method: 'GET', url: `/api/v1/workspaces/${workspace.id}/members` })
    ).json().members;
    expect(members.find((m: { userId: string }) => m.userId === agent.id).teamIds).toEqual([team.id]);

    const renamed = await as(server, owner, {
      method: 'PATCH',
      url: `${base}/${team.id}`,
      payload: { name: 'Kundenservice' },
    });
    expect(renamed.json().name).toBe('Kundenservice');
    expect((await as(server, owner, { method: 'DELETE', url: `${base}/${team.id}` })).statusCode).toBe(204);
    expect((await as(server, owner, { method: 'GET', url: base })).json().teams).toEqual([]);
  });

  it('refuses members from another workspace with the offending index', async () => {
    const a = await buildWorkspace(server);
    const b = await buildWorkspace(server);
    const team = (
      await as(server, a.owner, {
        method: 'POST',
        url: `/api/v1/workspaces/${a.workspace.id}/teams`,
        payload: { name: 'Sales' },
      })
    ).json();
    const res = await as(server, a.owner, {
      method: 'PUT',
      url: `/api/v1/workspaces/${a.workspace.id}/teams/${team.id}/members`,
      payload: { userIds: [a.owner.id, b.owner.id] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.issues).toEqual([
      { path: 'body.userIds.1', message: 'Not an active member of this workspace' },
    ]);
  });

  it("agents read teams but cannot change them; another workspace's team is 404", async () => {
    const { workspace, owner } = await buildWorkspace(server);
    const agent = await buildMember(server, workspace.id, owner, 'agent');
    const other = await buildWorkspace(server);
    const team = (
      await as(server, owner, {
        method: 'POST',
        url: `/api/v1/workspaces/${workspace.id}/teams`,
        payload: { name: 'Ops' },
      })
    ).json();
    expect(
      (await as(server, agent, { method: 'GET', url: `/api/v1/workspaces/${workspace.id}/teams` }))
        .statusCode,
    ).toBe(200);
    expect(
      (
        await as(server, agent, {
          method: 'DELETE',
          url: `/api/v1/workspaces/${workspace.id}/teams/${team.id}`,
        })
      ).statusCode,
    ).toBe(403);
    // The other workspace's owner uses their own workspace id with our team id: not found.
    const cross = await as(server, other.owner, {
      method: 'PATCH',
      url: `/api/v1/workspaces/${other.workspace.id}/teams/${team.id}`,
      payload: { name: 'Hijack' },
    });
    expect(cross.statusCode).toBe(404);
    const direct = await as(server, other.owner, {
      method: 'GET',
      url: `/api/v1/workspaces/${workspace.id}/teams`,
    });
    expect(direct.statusCode).toBe(404);
  });
});
