import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/harness.js';

/**
 * The built-in sandbox hands out media URLs under PUBLIC_URL (here http://parley.test, which does not
 * resolve): the server still downloads inbound media, from its own sandbox.
 */
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
      workspaceName: 'Sandbox Medien GmbH',
      name: 'Sandra Sand',
      email: 'sandra@sandbox-media.test',
      password: 'Sandburgen bauen 2026',
    }),
  });
  expect(res.status).toBe(201);
  cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  workspaceId = ((await res.json()) as { workspaces: { workspaceId: string }[] }).workspaces[0]!.workspaceId;
});
afterAll(async () => server?.close());

describe('media on the sandbox number', () => {
  it('downloads a customer photo although the public URL is not reachable from the server', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      crypto.randomBytes(4000),
    ]);
    const sent = await fetch(`${url}/_sandbox/_sim/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({
        from: '4915700000077',
        name: 'Foto Kundin',
        message: { type: 'image', image: { caption: 'Foto' } },
        media: { data_base64: bytes.toString('base64'), mime_type: 'image/png' },
      }),
    });
    expect(sent.status).toBe(200);
    const end = Date.now() + 20_000;
    let file: { status: string; url: string | null; error: string | null } | undefined;
    while (Date.now() < end) {
      const list = (await (
        await fetch(`${url}/api/v1/workspaces/${workspaceId}/conversations`, { headers: { cookie } })
      ).json()) as { conversations: { id: string; contact: { name: string } }[] };
      const conversation = list.conversations.find((c) => c.contact.name === 'Foto Kundin');
      if (conversation) {
        const page = (await (
          await fetch(`${url}/api/v1/workspaces/${workspaceId}/conversations/${conversation.id}/messages`, {
            headers: { cookie },
          })
        ).json()) as { messages: { media: typeof file | null }[] };
        file = page.messages.find((m) => m.media && m.media.status !== 'pending')?.media ?? undefined;
        if (file) break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(file).toMatchObject({ status: 'stored', error: null });
    const served = await fetch(`${url}${file!.url}`, { headers: { cookie } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
