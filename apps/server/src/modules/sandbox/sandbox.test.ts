import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/harness.js';

let server: TestServer;
let url: string;
let cookie: string;
let workspaceId: string;

beforeAll(async () => {
  server = await startTestServer({ PARLEY_SANDBOX: 'on' });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  const res = await fetch(`${url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      setupToken: 'test-setup-token-123',
      workspaceName: 'Sandbox GmbH',
      name: 'Sandra Sand',
      email: 'sandra@sandbox.test',
      password: 'Sandburgen bauen 2026',
    }),
  });
  expect(res.status).toBe(201);
  cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  workspaceId = ((await res.json()) as { workspaces: { workspaceId: string }[] }).workspaces[0]!.workspaceId;
});
afterAll(async () => server?.close());

describe('the sandbox number', () => {
  it('is connected on a fresh install', async () => {
    const res = await fetch(`${url}/api/v1/workspaces/${workspaceId}/channels`, { headers: { cookie } });
    const { channels } = (await res.json()) as {
      channels: { name: string; isSandbox: boolean; displayPhoneNumber: string }[];
    };
    expect(channels).toHaveLength(1);
    expect(channels[0]).toMatchObject({ name: 'Sandbox', isSandbox: true });
  });

  it('lets a signed-in person play a customer whose message reaches the inbox', async () => {
    const sent = await fetch(`${url}/_sandbox/_sim/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({
        from: '4915700000042',
        name: 'Testkundin',
        message: { type: 'text', text: { body: 'Hallo Sandbox' } },
      }),
    });
    expect(sent.status).toBe(200);
    const end = Date.now() + 15_000;
    let found: { lastMessagePreview: string } | undefined;
    while (!found && Date.now() < end) {
      const list = (await (
        await fetch(`${url}/api/v1/workspaces/${workspaceId}/conversations`, { headers: { cookie } })
      ).json()) as {
        conversations: { contact: { name: string }; lastMessagePreview: string }[];
      };
      found = list.conversations.find((c) => c.contact.name === 'Testkundin');
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found?.lastMessagePreview).toBe('Hallo Sandbox');
  });

  it('keeps the control API and the phone page behind sign-in', async () => {
    const api = await fetch(`${url}/_sandbox/_sim/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '1', message: { type: 'text', text: { body: 'x' } } }),
    });
    expect(api.status).toBe(401);
    const page = await fetch(`${url}/_sandbox/_sim/phone/`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toMatch(/^\/signin\?next=/);
    const withCookie = await fetch(`${url}/_sandbox/_sim/phone/`, { headers: { cookie } });
    expect(withCookie.status).toBe(200);
    expect(await withCookie.text()).toMatch(/<html/i);
  });

  it('refuses Graph API calls without the sandbox token', async () => {
    const res = await fetch(`${url}/_sandbox/v24.0/100000000000001`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(190);
  });
});
