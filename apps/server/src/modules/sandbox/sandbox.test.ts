import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxInstall, startSandboxInstall } from '../../test/sandbox-install.js';
import { until } from '../../test/whatsapp-testbed.js';

let sandbox: SandboxInstall;

beforeAll(async () => {
  sandbox = await startSandboxInstall({ workspaceName: 'Sandbox GmbH', email: 'sandra@sandbox.test' });
});
afterAll(async () => sandbox?.close());

describe('the sandbox number', () => {
  it('is connected on a fresh install', async () => {
    const res = await fetch(`${sandbox.url}/api/v1/workspaces/${sandbox.workspaceId}/channels`, {
      headers: { cookie: sandbox.cookie },
    });
    const { channels } = (await res.json()) as {
      channels: { name: string; isSandbox: boolean; displayPhoneNumber: string }[];
    };
    expect(channels).toHaveLength(1);
    expect(channels[0]).toMatchObject({ name: 'Sandbox', isSandbox: true });
  });

  it('lets a signed-in person play a customer whose message reaches the inbox', async () => {
    const sent = await sandbox.inbound({
      from: '4915700000042',
      name: 'Testkundin',
      message: { type: 'text', text: { body: 'Hallo Sandbox' } },
    });
    expect(sent.status).toBe(200);
    const found = await until('the conversation', () => sandbox.conversationOf('Testkundin'), 15_000);
    expect(found?.lastMessagePreview).toBe('Hallo Sandbox');
  });

  it('keeps the control API and the phone page behind sign-in', async () => {
    const api = await fetch(`${sandbox.url}/_sandbox/_sim/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '1', message: { type: 'text', text: { body: 'x' } } }),
    });
    expect(api.status).toBe(401);
    const page = await fetch(`${sandbox.url}/_sandbox/_sim/phone/`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toMatch(/^\/signin\?next=/);
    const withCookie = await fetch(`${sandbox.url}/_sandbox/_sim/phone/`, {
      headers: { cookie: sandbox.cookie },
    });
    expect(withCookie.status).toBe(200);
    expect(await withCookie.text()).toMatch(/<html/i);
  });

  it('refuses Graph API calls without the sandbox token', async () => {
    const res = await fetch(`${sandbox.url}/_sandbox/v24.0/100000000000001`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(190);
  });
});
