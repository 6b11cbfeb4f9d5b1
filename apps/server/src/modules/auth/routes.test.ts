import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  buildWorkspace,
  PASSWORD,
  signIn,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from '../../test/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '5', LOGIN_MAX_FAILURES_PER_IP: '20' });
});
afterAll(async () => server?.close());

describe('sign-in', () => {
  it('signs in, returns the person with workspaces and role, and sets an HttpOnly SameSite=Lax cookie', async () => {
    const { owner, workspace } = await buildWorkspace(server);
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: owner.email, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/parley_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Expires/); // not "stay signed in": a browser-session cookie
    const body = res.json();
    expect(body.user.email).toBe(owner.email);
    expect(body.workspaces).toEqual([
      { workspaceId: workspace.id, workspaceName: 'Acme GmbH', role: 'owner', twoFactorSetupRequired: false },
    ]);
  });

  it('gives "stay signed in" a persistent cookie', async () => {
    const { owner } = await buildWorkspace(server);
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: owner.email, password: PASSWORD, remember: true },
    });
    expect(String(res.headers['set-cookie'])).toMatch(/Expires=/);
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const { owner } = await buildWorkspace(server);
    const wrong = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: owner.email, password: 'not the password' },
    });
    const unknown = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: uniqueEmail('nobody'), password: 'not the password' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: { error: Record<string, unknown> }) => ({ ...b.error, requestId: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    expect(wrong.json().error.code).toBe('invalid_credentials');
  });

  it('locks an account with 429 and Retry-After after too many failures, even with the right password', async () => {
    const { owner } = await buildWorkspace(server);
    for (let i = 0; i < 5; i++) {
      const r = await server.app.inject({
        method: 'POST',
        url: '/api/v1/sessions',
        payload: { email: owner.email, password: 'wrong password!' },
      });
      expect(r.statusCode).toBe(401);
    }
    const locked = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: owner.email, password: PASSWORD },
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits failures per client IP across accounts (password spraying), ignoring X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const r = await server.app.inject({
        method: 'POST',
        url: '/api/v1/sessions',
        remoteAddress: '203.0.113.9',
        payload: { email: uniqueEmail('spray'), password: 'Summer2026!!' },
        headers: { 'x-forwarded-for': `198.51.100.${i}` }, // not trusted: TRUST_PROXY is off
      });
      statuses.push(r.statusCode);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    // Another client is not affected.
    const other = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      remoteAddress: '192.0.2.77',
      payload: { email: uniqueEmail('other'), password: 'Summer2026!!' },
    });
    expect(other.statusCode).toBe(401);
  });

  it('rejects bad input with 400 and every field issue', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: 'not-an-email', password: '', totpCode: 'abc' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('validation_failed');
    const paths = body.error.details.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['body.email', 'body.password', 'body.totpCode']);
  });

  it('rejects a body that is not JSON with 415, and broken JSON with 400', async () => {
    const form = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: 'email=a@b.c&password=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(415);
    expect(form.json().error.code).toBe('unsupported_media_type');
    const broken = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('bad_request');
  });

  it('refuses cross-site state changes (CSRF) by Origin and Sec-Fetch-Site', async () => {
    const { owner } = await buildWorkspace(server);
    const evil = await as(server, owner, {
      method: 'DELETE',
      url: '/api/v1/sessions/current',
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.statusCode).toBe(403);
    expect(evil.json().error.code).toBe('csrf_rejected');
    const crossSite = await as(server, owner, {
      method: 'POST',
      url: '/api/v1/me/2fa/setup',
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.statusCode).toBe(403);
    const me = await as(server, owner, { method: 'GET', url: '/api/v1/me' });
    expect(me.statusCode).toBe(200); // still signed in
    const sameOrigin = await as(server, owner, {
      method: 'DELETE',
      url: '/api/v1/sessions/current',
      headers: { origin: 'http://parley.test', 'sec-fetch-site': 'same-origin' },
    });
    expect(sameOrigin.statusCode).toBe(204);
  });

  it('signs out: the cookie no longer works', async () => {
    const { owner } = await buildWorkspace(server);
    expect((await as(server, owner, { method: 'DELETE', url: '/api/v1/sessions/current' })).statusCode).toBe(
      204,
    );
    const me = await as(server, owner, { method: 'GET', url: '/api/v1/me' });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('unauthenticated');
  });
});

describe('sessions and password', () => {
  it('lists every device and ends one of them', async () => {
    const { owner } = await buildWorkspace(server);
    const phone = await signIn(server.app, owner.email);
    const list = await as(server, owner, { method: 'GET', url: '/api/v1/me/sessions' });
    expect(list.statusCode).toBe(200);
    const sessions = list.json().sessions as { id: string; current: boolean }[];
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current)!;
    expect(
      (await as(server, owner, { method: 'DELETE', url: `/api/v1/me/sessions/${other.id}` })).statusCode,
    ).toBe(204);
    expect(
      (await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: phone } })).statusCode,
    ).toBe(401);
    expect((await as(server, owner, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  });

  it("cannot end another person's session (404)", async () => {
    const a = await buildWorkspace(server);
    const b = await buildWorkspace(server);
    const bSessions = (await as(server, b.owner, { method: 'GET', url: '/api/v1/me/sessions' })).json()
      .sessions;
    const res = await as(server, a.owner, {
      method: 'DELETE',
      url: `/api/v1/me/sessions/${bSessions[0].id}`,
    });
    expect(res.statusCode).toBe(404);
    expect((await as(server, b.owner, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  });

  it('changing the password ends every other session and refuses common passwords', async () => {
    const { owner } = await buildWorkspace(server);
    const laptop = await signIn(server.app, owner.email);
    const common = await as(server, owner, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: PASSWORD, newPassword: 'qwertyuiop' },
    });
    expect(common.statusCode).toBe(400);
    expect(common.json().error.code).toBe('password_too_common');
    const wrong = await as(server, owner, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: 'nope nope nope', newPassword: 'a much better passphrase 77' },
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await as(server, owner, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: PASSWORD, newPassword: 'a much better passphrase 77' },
    });
    expect(ok.statusCode).toBe(204);
    expect(
      (await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: laptop } })).statusCode,
    ).toBe(401);
    expect((await as(server, owner, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    await signIn(server.app, owner.email, 'a much better passphrase 77');
  });
});

describe('two-factor sign-in', () => {
  it('enrolls with a code, then requires it at sign-in; recovery codes work once', async () => {
    const { owner } = await buildWorkspace(server);
    const setup = await as(server, owner, { method: 'POST', url: '/api/v1/me/2fa/setup' });
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl, qrSvg } = setup.json();
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Parley:/);
    expect(qrSvg).toMatch(/^<svg/);
    const bad = await as(server, owner, {
      method: 'POST',
      url: '/api/v1/me/2fa/enable',
      payload: { code: '000000' },
    });
    expect(bad.statusCode).toBe(400);
    const enable = await as(server, owner, {
      method: 'POST',
      url: '/api/v1/me/2fa/enable',
      payload: { code: generateSync({ secret }) },
    });
    expect(enable.statusCode).toBe(200);
    const codes: string[] = enable.json().recoveryCodes;
    expect(codes).toHaveLength(10);

    const noCode = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: owner.email, password: PASSWORD },
    });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error.code).toBe('two_factor_required');

    // The code that enabled 2FA cannot be replayed within its time step.
    const withRecovery = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: owner.email, password: PASSWORD, recoveryCode: codes[0] },
    });
    expect(withRecovery.statusCode).toBe(200);
    const reused = await server.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { email: owner.email, password: PASSWORD, recoveryCode: codes[0] },
    });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error.code).toBe('invalid_totp_code');

    const me = await as(server, owner, { method: 'GET', url: '/api/v1/me' });
    expect(me.json().user.twoFactorEnabled).toBe(true);

    const off = await as(server, owner, {
      method: 'POST',
      url: '/api/v1/me/2fa/disable',
      payload: { password: PASSWORD },
    });
    expect(off.statusCode).toBe(204);
    await signIn(server.app, owner.email);
  });

  it('stores the TOTP secret encrypted', async () => {
    const { owner } = await buildWorkspace(server);
    const { secret } = (await as(server, owner, { method: 'POST', url: '/api/v1/me/2fa/setup' })).json();
    const res = await server.ctx.database.db.execute(
      (await import('drizzle-orm')).sql`select totp_pending_secret from users where email = ${owner.email}`,
    );
    const stored = (res as unknown as { rows: { totp_pending_secret: string }[] }).rows[0]!
      .totp_pending_secret;
    expect(stored).toMatch(/^pe1\.i\.1\./);
    expect(stored).not.toContain(secret);
  });
});
