import { expect } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';
import type { ConversationSummary, MessageSummary } from './whatsapp-testbed.js';

/**
 * A fresh install with the built-in sandbox number (PARLEY_SANDBOX=on): the real server on loopback,
 * set up through the setup route, its owner signed in. Everything goes over real HTTP with `cookie`.
 */
export type SandboxInstall = {
  server: TestServer;
  url: string;
  cookie: string;
  workspaceId: string;
  /** A customer writes to the sandbox number (`POST /_sandbox/_sim/inbound`, signed in). */
  inbound(body: Record<string, unknown>): Promise<Response>;
  /** The conversation of the contact called `name`, if listed. */
  conversationOf(name: string): Promise<ConversationSummary | undefined>;
  /** Newest-first message page of a conversation. */
  messagesOf(conversationId: string): Promise<MessageSummary[]>;
  close(): Promise<void>;
};

export async function startSandboxInstall(opts: {
  workspaceName: string;
  email: string;
}): Promise<SandboxInstall> {
  const server = await startTestServer({ PARLEY_SANDBOX: 'on' });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  const res = await fetch(`${url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      setupToken: 'test-setup-token-123',
      workspaceName: opts.workspaceName,
      name: 'Sandra Sand',
      email: opts.email,
      password: 'Sandburgen bauen 2026',
    }),
  });
  expect(res.status).toBe(201);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const workspaceId = ((await res.json()) as { workspaces: { workspaceId: string }[] }).workspaces[0]!
    .workspaceId;
  const getJson = async <T>(path: string) =>
    (await (await fetch(`${url}${path}`, { headers: { cookie } })).json()) as T;
  return {
    server,
    url,
    cookie,
    workspaceId,
    inbound: (body) =>
      fetch(`${url}/_sandbox/_sim/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      }),
    async conversationOf(name) {
      const list = await getJson<{ conversations: ConversationSummary[] }>(
        `/api/v1/workspaces/${workspaceId}/conversations`,
      );
      return list.conversations.find((c) => c.contact.name === name);
    },
    async messagesOf(conversationId) {
      const page = await getJson<{ messages: MessageSummary[] }>(
        `/api/v1/workspaces/${workspaceId}/conversations/${conversationId}/messages`,
      );
      return page.messages;
    },
    close: () => server.close(),
  };
}
