import crypto from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, type WorkspaceAction } from '../modules/workspaces/policy.js';
import {
  as,
  buildMember,
  buildWorkspace,
  type Person,
  startTestServer,
  type TestServer,
} from '../test/harness.js';

/**
 * Generated from the router: every /api/v1 route × (anonymous, outsider, agent, admin, owner).
 * A new route without an access declaration stops the app from starting, so it cannot slip past this.
 */
let server: TestServer;
let workspaceId: string;
let people: Record<'owner' | 'admin' | 'agent' | 'outsider', Person>;

beforeAll(async () => {
  server = await startTestServer();
  const { workspace, owner } = await buildWorkspace(server);
  workspaceId = workspace.id;
  const admin = await buildMember(server, workspace.id, owner, 'admin');
  const agent = await buildMember(server, workspace.id, owner, 'agent');
  const outsider = (await buildWorkspace(server)).owner;
  people = { owner, admin, agent, outsider };
});
afterAll(async () => server?.close());

function request(method: string, url: string): InjectOptions {
  const path = url
    .replace(':workspaceId', workspaceId)
    .replace(':token', crypto.randomBytes(24).toString('base64url'))
    .replace(/:[a-zA-Z]+/g, () => crypto.randomUUID());
  const withBody = ['POST', 'PATCH', 'PUT'].includes(method);
  return { method: method as InjectOptions['method'], url: path, ...(withBody ? { payload: {} } : {}) };
}

describe('route × role matrix', () => {
  it('knows the routes', () => {
    expect(server.app.parleyRoutes.length).toBeGreaterThan(25);
  });

  it('answers 401 to anonymous callers on every non-public route', async () => {
    for (const r of server.app.parleyRoutes.filter((x) => x.access !== 'public')) {
      const res = await server.app.inject(request(r.method, r.url));
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
    }
  });

  it('answers 404 to members of another workspace on every workspace route (existence not revealed)', async () => {
    for (const r of server.app.parleyRoutes.filter((x) => x.url.includes(':workspaceId'))) {
      const res = await as(server, people.outsider, request(r.method, r.url));
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });

  it('answers 403 exactly where the policy denies the role', async () => {
    for (const role of ['agent', 'admin'] as const) {
      for (const r of server.app.parleyRoutes.filter((x) => x.url.includes(':workspaceId'))) {
        const res = await as(server, people[role], request(r.method, r.url));
        const allowed = can(role, r.access as WorkspaceAction);
        if (allowed) expect(res.statusCode, `${role} ${r.method} ${r.url}`).not.toBe(403);
        else expect(res.statusCode, `${role} ${r.method} ${r.url}`).toBe(403);
      }
    }
  });

  it('never answers 500 to well-formed but empty requests from an owner', async () => {
    for (const r of server.app.parleyRoutes.filter((x) => x.url.includes(':workspaceId'))) {
      const res = await as(server, people.owner, request(r.method, r.url));
      expect(res.statusCode, `${r.method} ${r.url}: ${res.body}`).toBeLessThan(500);
    }
  });
});

describe('hostile input on every route', () => {
  const bodies: unknown[] = [
    [],
    'just a string',
    42,
    null,
    { email: ['a@b.c'], password: { $ne: '' }, name: 123 },
    JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'),
    { name: 'x'.repeat(100_000), description: "'; select pg_sleep(5); --" },
  ];

  it('answers 4xx (never 5xx) to wrong types, injection strings and prototype keys, and pollutes nothing', async () => {
    const routes = server.app.parleyRoutes.filter((r) => ['POST', 'PATCH', 'PUT'].includes(r.method));
    for (const r of routes) {
      for (const body of bodies) {
        const base = request(r.method, r.url);
        const res = await as(server, people.owner, {
          ...base,
          payload: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });
        expect(
          res.statusCode,
          `${r.method} ${r.url} ${JSON.stringify(body).slice(0, 60)}: ${res.body.slice(0, 200)}`,
        ).toBeLessThan(500);
        expect(res.json().error?.code ?? 'ok', `${r.method} ${r.url}`).not.toBe('internal');
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers 404 for malformed ids in the path, never 500', async () => {
    for (const url of [
      '/api/v1/workspaces/not-a-uuid/teams',
      `/api/v1/workspaces/${workspaceId}/teams/not-a-uuid`,
      `/api/v1/workspaces/${workspaceId}/members/%00/deactivate`,
      '/api/v1/invites/..%2F..%2Fetc%2Fpasswd',
    ]) {
      const res = await as(server, people.owner, {
        method: url.endsWith('deactivate') ? 'POST' : 'GET',
        url,
      });
      expect([400, 404], `${url}: ${res.statusCode} ${res.body}`).toContain(res.statusCode);
    }
  });
});
