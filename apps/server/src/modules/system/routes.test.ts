import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildWorkspace, PASSWORD, startTestServer, type TestServer } from '../../test/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ METRICS_TOKEN: 'metrics-token-0123456789' });
});
afterAll(async () => server?.close());

describe('operator endpoints', () => {
  it('GET /healthz and /readyz answer JSON', async () => {
    const h = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(h.json()).toEqual({ status: 'ok' });
    const r = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ready', migrations: 'applied' });
  });

  it('/metrics needs the token and serves Prometheus text with request and event-loop figures', async () => {
    expect((await server.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect(
      (
        await server.app.inject({
          method: 'GET',
          url: '/metrics',
          headers: { authorization: 'Bearer wrong' },
        })
      ).statusCode,
    ).toBe(401);
    await server.app.inject({ method: 'GET', url: '/healthz' });
    const m = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer metrics-token-0123456789' },
    });
    expect(m.statusCode).toBe(200);
    expect(m.headers['content-type']).toMatch(/text\/plain/);
    expect(m.body).toMatch(/parley_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(m.body).toMatch(/parley_nodejs_eventloop_lag_seconds/);
    expect(m.body).toMatch(/parley_http_request_duration_seconds_bucket/);
  });

  it('serves the OpenAPI 3.1 document with every /api/v1 route, and the docs page', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.paths);
    for (const r of server.app.parleyRoutes) {
      const openapiPath = r.url.replace(/:([a-zA-Z]+)/g, '{$1}');
      expect(paths, r.url).toContain(openapiPath);
    }
    expect(doc.paths['/api/v1/sessions'].post.requestBody).toBeDefined();
    const ui = await server.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toMatch(/swagger/i);
  });

  it('sends security headers and a strict CSP', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/v1/setup' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('answers unknown API paths with the error envelope, never HTML', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'not_found' });
    expect(res.json().error.requestId).toBeTruthy();
  });

  it('keeps passwords, tokens, cookies, emails and full IPs out of the logs', async () => {
    const { owner, workspace } = await buildWorkspace(server);
    const invite = (
      await as(server, owner, {
        method: 'POST',
        url: `/api/v1/workspaces/${workspace.id}/invites`,
        payload: { role: 'agent' },
      })
    ).json();
    await server.app.inject({ method: 'GET', url: `/api/v1/invites/${invite.token}` });
    await server.app.inject({ method: 'GET', url: `/invite/${invite.token}` });
    await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      remoteAddress: '203.0.113.77',
      payload: { email: owner.email, password: PASSWORD },
    });
    await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: owner.email, password: 'wrong-but-secret-pw' },
    });
    const logs = server.logs.join('\n');
    expect(logs.length).toBeGreaterThan(100);
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain('wrong-but-secret-pw');
    expect(logs).not.toContain(invite.token);
    expect(logs).not.toContain(owner.cookie.split('=')[1]);
    expect(logs).not.toContain(owner.email);
    expect(logs).not.toContain('203.0.113.77');
    expect(logs).toContain('203.0.113.0/24');
  });
});
