import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/harness.js';
import { prepareSetupToken } from './setup.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const body = {
  setupToken: 'test-setup-token-123',
  workspaceName: 'Bäckerei Müller',
  name: 'Maria Müller',
  email: 'maria@baeckerei.test',
  password: 'Brötchen sind lecker 2026',
};

// One fresh database; the tests run in order and walk the install from "not set up" to "set up".
describe('first-run setup', () => {
  it('validates every field and refuses common passwords', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { setupToken: '', workspaceName: '', name: '', email: 'nope', password: 'short' },
    });
    expect(res.statusCode).toBe(400);
    const paths = res
      .json()
      .error.details.issues.map((i: { path: string }) => i.path)
      .sort();
    expect(paths).toEqual([
      'body.email',
      'body.name',
      'body.password',
      'body.setupToken',
      'body.workspaceName',
    ]);
    const common = await server.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { ...body, password: '1234567890' },
    });
    expect(common.statusCode).toBe(400);
    expect(common.json().error.code).toBe('password_too_common');
  });

  it('refuses a wrong setup token and creates nothing', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { ...body, setupToken: 'guess-guess-guess' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('invalid_setup_token');
    expect((await server.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({
      setupRequired: true,
    });
  });

  it('prints a random one-time token in the log when none is preset, and it is accepted', async () => {
    const token = await prepareSetupToken(
      server.ctx.db,
      { ...server.config, setupToken: undefined },
      server.ctx.log,
    );
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(server.logs.join('')).toContain(token!);
    body.setupToken = token!;
  });

  it('creates the workspace and owner once, signs in, then closes', async () => {
    const res = await server.app.inject({ method: 'POST', url: '/api/v1/setup', payload: body });
    expect(res.statusCode).toBe(201);
    const me = res.json();
    expect(me.workspaces[0].workspaceName).toBe('Bäckerei Müller');
    expect(me.workspaces[0].role).toBe('owner');
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    expect(
      (await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode,
    ).toBe(200);

    expect((await server.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({
      setupRequired: false,
    });
    const again = await server.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { ...body, email: 'x@y.test' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('setup_completed');
  });
});
