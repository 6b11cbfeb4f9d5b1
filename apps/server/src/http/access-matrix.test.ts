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
