import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  buildMember,
  buildWorkspace,
  PASSWORD,
  signIn,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from '../../test/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('invites', () => {
  it('an admin invites by single-use link; the new person creates an account and joins with that role', async () => {
    const { workspace, owner } = await buildWorkspace(server);
    const created = await as(server, owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${workspace.id}/invites`,
      payload: { role: 'agent' },
    });
    expect(created.statusCode).toBe(201);
    const invite = created.json();
    expect(invite.url).toBe(`http://parley.test/invite/${invite.token}`);
    const days = (new Date(invite.expiresAt).getTime() - Date.now()) / 86400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);

    const preview = await server.app.inject({ method: 'GET', url: `/api/v1/invites/${invite.token}` });
    expect(preview.json()).toMatchObject({
      workspaceName: 'Acme GmbH',
      role: 'agent',
      invitedBy: owner.name,
    });

    const email = uniqueEmail('new');
    const accepted = await server.app.inject({
      method: 'POST',
      url: `/api/v1/invites/${invite.token}/accept`,
      payload: { name: 'Nina Neu', email, password: PASSWORD },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ workspaceId: workspace.id });

    const again = await server.app.inject({
      method: 'POST',
      url: `/api/v1/invites/${invite.token}/accept`,
      payload: { name: 'Someone Else', email: uniqueEmail('late'), password: PASSWORD },
    });
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('invite_expired');

    const members = (
      await as(server, owner, { method: 'GET', url: `/api/v1/workspaces/${workspace.id}/members` })
    ).json().members;
    expect(members.find((m: { email: string }) => m.email === email)).toMatchObject({
      role: 'agent',
      status: 'active',
    });
  });

  it('a signed-in person joins a second workspace and sees both', async () => {
    const a = await buildWorkspace(server, { name: 'First' });
    const b = await buildWorkspace(server, { name: 'Second' });
    const invite = (
      await as(server, b.owner, {
        method: 'POST',
        url: `/api/v1/workspaces/${b.workspace.id}/invites`,
        payload: { role: 'admin' },
      })
    ).json();
    const res = await as(server, a.owner, {
      method: 'POST',
      url: `/api/v1/invites/${invite.token}/accept`,
      payload: {},
    });
    expect(res.statusCode).toBe(200);
    const me = (await as(server, a.owner, { method: 'GET', url: '/api/v1/me' })).json();
    expect(
      me.workspaces.map((w: { workspaceName: string; role: string }) => [w.workspaceName, w.role]),
    ).toEqual([
      ['First', 'owner'],
      ['Second', 'admin'],
    ]);
  });

  it('tells a person whose email has an account to sign in first (409), and validates fields', async () => {
    const { workspace, owner } = await buildWorkspace(server);
    const invite = (
      await as(server, owner, {
        method: 'POST',
        url: `/api/v1/workspaces/${workspace.id}/invites`,
        payload: { role: 'agent' },
      })
    ).json();
    const taken = await server.app.inject({
      method: 'POST',
      url: `/api/v1/invites/${invite.token}/accept`,
      payload: { name: 'X', email: owner.email, password: 'some other passphrase' },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('email_taken');
    const empty = await server.app.inject({
      method: 'POST',
      url: `/api/v1/invites/${invite.token}/accept`,
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual([
      'body.name',
      'body.email',
      'body.password',
    ]);
    // The invite is still usable after failed attempts.
    expect(
      (await server.app.inject({ method: 'GET', url: `/api/v1/invites/${invite.token}` })).statusCode,
    ).toBe(200);
  });

  it('unknown tokens answer 404; revoked invites 410', async () => {
    const { workspace, owner } = await buildWorkspace(server);
    expect(
      (await server.app.inject({ method: 'GET', url: `/api/v1/invites/${'x'.repeat(32)}` })).statusCode,
    ).toBe(404);
    const invite = (
      await as(server, owner, {
        method: 'POST',
        url: `/api/v1/workspaces/${workspace.id}/invites`,
        payload: { role: 'agent' },
      })
    ).json();
    const list = (
      await as(server, owner, { method: 'GET', url: `/api/v1/workspaces/${workspace.id}/invites` })
    ).json();
    expect(list.invites.map((i: { id: string }) => i.id)).toContain(invite.id);
    expect(list.invites[0]).not.toHaveProperty('token');
    expect(
      (
        await as(server, owner, {
          method: 'DELETE',
          url: `/api/v1/workspaces/${workspace.id}/invites/${invite.id}`,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await server.app.inject({ method: 'GET', url: `/api/v1/invites/${invite.token}` })).statusCode,
    ).toBe(410);
  });

  it('an admin cannot create an owner invite; an agent cannot invite at all', async () => {
    const { workspace, owner } = await buildWorkspace(server);
    const admin = await buildMember(server, workspace.id, owner, 'admin');
    const agent = await buildMember(server, workspace.id, owner, 'agent');
    const r1 = await as(server, admin, {
      method: 'POST',
      url: `/api/v1/workspaces/${workspace.id}/invites`,
      payload: { role: 'owner' },
    });
    expect(r1.statusCode).toBe(403);
    const r2 = await as(server, agent, {
      method: 'POST',
      url: `/api/v1/workspaces/${workspace.id}/invites`,
      payload: { role: 'agent' },
    });
    expect(r2.statusCode).toBe(403);
    expect(r2.json().error.code).toBe('forbidden');
  });
});

describe('roles and deactivation', () => {
  it('changes roles; the last owner cannot be demoted or deactivated', async () => {
    const { workspace, owner } = await buildWorkspace(server);
    const agent = await buildMember(server, workspace.id, owner, 'agent');
    const promote = await as(server, owner, {
      method: 'PATCH',
      url: `/api/v1/workspaces/${workspace.id}/members/${agent.id}`,
      payload: { role: 'admin' },
    });
    expect(promote.statusCode).toBe(204);
    const me = (await as(server, agent, { method: 'GET', url: '/api/v1/me' })).json();
    expect(me.workspaces[0].role).toBe('admin');

    const demoteSelf = await as(server, owner, {
      method: 'PATCH',
      url: `/api/v1/workspaces/${workspace.id}/members/${owner.id}`,
      payload: { role: 'agent' },
    });
    expect(demoteSelf.statusCode).toBe(409);
    expect(demoteSelf.json().error.code).toBe('last_owner');
    // The admin cannot touch the owner.
    const adminOnOwner = await as(server, agent, {
      method: 'POST',
      url: `/api/v1/workspaces/${workspace.id}/members/${owner.id}/deactivate`,
    });
    expect(adminOnOwner.statusCode).toBe(403);
    const bad = await as(server, owner, {
      method: 'PATCH',
      url: `/api/v1/workspaces/${workspace.id}/members/${agent.id}`,
      payload: { role: 'king' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('deactivating keeps the person listed, ends their sessions and locks them out of the workspace', async () => {
    const { workspace, owner } = await buildWorkspace(server);
    const agent = await buildMember(server, workspace.id, owner, 'agent');
    const res = await as(server, owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${workspace.id}/members/${agent.id}/deactivate`,
    });
    expect(res.statusCode).toBe(204);
    expect((await as(server, agent, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    const cookie = await signIn(server.app, agent.email);
    const me = (await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json();
    expect(me.workspaces).toEqual([]);
    const teams = await server.app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${workspace.id}/teams`,
      headers: { cookie },
    });
    expect(teams.statusCode).toBe(404);
    const members = (
      await as(server, owner, { method: 'GET', url: `/api/v1/workspaces/${workspace.id}/members` })
    ).json().members;
    expect(members.find((m: { userId: string }) => m.userId === agent.id).status).toBe('deactivated');
    const back = await as(server, owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${workspace.id}/members/${agent.id}/reactivate`,
    });
    expect(back.statusCode).toBe(204);
    const me2 = (await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json();
    expect(me2.workspaces).toHaveLength(1);
  });

  it("an admin ends all of a member's sessions", async () => {
    const { workspace, owner } = await buildWorkspace(server);
    const agent = await buildMember(server, workspace.id, owner, 'agent');
    const second = await signIn(server.app, agent.email);
    const res = await as(server, owner, {
      method: 'DELETE',
      url: `/api/v1/workspaces/${workspace.id}/members/${agent.id}/sessions`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().ended).toBe(2);
    expect((await as(server, agent, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect(
      (await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: second } })).statusCode,
    ).toBe(401);
  });
});

describe('workspace settings', () => {
  it('owners require 2FA; members without it are sent to set it up (403 two_factor_setup_required)', async () => {
    const { workspace, owner } = await buildWorkspace(server);
    const admin = await buildMember(server, workspace.id, owner, 'admin');
    const byAdmin = await as(server, admin, {
      method: 'PATCH',
      url: `/api/v1/workspaces/${workspace.id}`,
      payload: { require2fa: true },
    });
    expect(byAdmin.statusCode).toBe(403);
    const byOwner = await as(server, owner, {
      method: 'PATCH',
      url: `/api/v1/workspaces/${workspace.id}`,
      payload: { require2fa: true },
    });
    expect(byOwner.statusCode).toBe(200);
    expect(byOwner.json().require2fa).toBe(true);
    const me = (await as(server, admin, { method: 'GET', url: '/api/v1/me' })).json();
    expect(me.workspaces[0].twoFactorSetupRequired).toBe(true);
    const blocked = await as(server, admin, {
      method: 'GET',
      url: `/api/v1/workspaces/${workspace.id}/teams`,
    });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('two_factor_setup_required');
    // The account-level security routes stay reachable so the person can enrol.
    expect((await as(server, admin, { method: 'POST', url: '/api/v1/me/2fa/setup' })).statusCode).toBe(200);
  });

  it('creates another workspace and renames it', async () => {
    const { owner } = await buildWorkspace(server);
    const res = await as(server, owner, {
      method: 'POST',
      url: '/api/v1/workspaces',
      payload: { name: 'Filiale Nord' },
    });
    expect(res.statusCode).toBe(201);
    const id = res.json().id;
    const renamed = await as(server, owner, {
      method: 'PATCH',
      url: `/api/v1/workspaces/${id}`,
      payload: { name: 'Filiale Süd' },
    });
    expect(renamed.json().name).toBe('Filiale Süd');
    const empty = await as(server, owner, {
      method: 'PATCH',
      url: `/api/v1/workspaces/${id}`,
      payload: { name: '   ' },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details.issues[0].path).toBe('body.name');
  });
});
