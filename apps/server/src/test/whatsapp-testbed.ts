import { type RunningSimulator, type StartSimulatorOptions, startSimulator } from '@parley/wa-sim';
import { expect } from 'vitest';
import { as, buildWorkspace, type Person, startTestServer, type TestServer } from './harness.js';

/**
 * The real server listening on loopback with the WhatsApp simulator over real HTTP: a workspace, its
 * owner, and a channel connected to the simulator whose webhooks point back at the server.
 */
export type WhatsAppTestbed = {
  server: TestServer;
  sim: RunningSimulator;
  serverUrl: string;
  workspaceId: string;
  owner: Person;
  channel: { id: string; verifyToken: string; webhookUrl: string };
  appSecret: string;
  /** A customer writes (through the simulator's control API); resolves with the wamid. */
  inbound(from: string, name: string, message: Record<string, unknown>): Promise<{ id: string }>;
  /** The conversation of the contact called `name`, if listed. */
  conversationOf(person: Person, name: string): Promise<ConversationSummary | undefined>;
  /** Newest-first message page of a conversation, as `person` sees it. */
  messagesOf(person: Person, conversationId: string): Promise<MessageSummary[]>;
  /** What the simulator received for a customer, oldest first. */
  sentTo(waId: string): Promise<SimSent[]>;
  /** Changes simulator settings (`POST /_sim/config`). */
  simConfig(body: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
};

export type ConversationSummary = {
  id: string;
  contact: { id: string; name: string; waId: string };
  unreadCount: number;
  lastMessagePreview: string;
  lastInboundAt: string | null;
};
export type MessageSummary = {
  id: string;
  type: string;
  direction: string;
  text: string | null;
  status: string;
  errorCode: number | null;
  retryable: boolean;
  providerMessageId: string | null;
  content: Record<string, unknown> | null;
  media: Record<string, unknown> | null;
};
export type SimSent = {
  id: string;
  wamid: string;
  type: string;
  body: Record<string, unknown>;
  status: string;
};

/** Polls `fn` until it returns something truthy (every 50 ms, at most `ms`). */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let phoneCounter = 0;

export async function startWhatsAppTestbed(
  opts: { sim?: Partial<StartSimulatorOptions>; env?: Record<string, string> } = {},
): Promise<WhatsAppTestbed> {
  const appSecret = 'app-secret-for-tests-123';
  const accessToken = 'sim-access-token-123';
  const phoneNumberId = `1065403522${String(process.pid % 1000).padStart(3, '0')}${phoneCounter++}`;
  const wabaId = '102290129340398';
  const server = await startTestServer(opts.env);
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const serverUrl = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  const sim = await startSimulator({
    appSecret,
    accessToken,
    phoneNumberId,
    wabaId,
    displayPhoneNumber: '+49 30 1234567',
    statusDelays: { sentMs: 0, deliveredMs: 20, readMs: null },
    webhook: { retryInitialDelayMs: 20, retryMaxDelayMs: 200 },
    ...opts.sim,
  } as StartSimulatorOptions);
  const { workspace, owner } = await buildWorkspace(server);
  const res = await as(server, owner, {
    method: 'POST',
    url: `/api/v1/workspaces/${workspace.id}/channels`,
    payload: {
      type: 'whatsapp',
      name: 'Hauptnummer',
      phoneNumberId,
      wabaId,
      accessToken,
      appSecret,
      graphBaseUrl: sim.url,
      graphApiVersion: 'v24.0',
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const channel = res.json() as WhatsAppTestbed['channel'];
  const simConfig = async (body: Record<string, unknown>) => {
    const r = await fetch(`${sim.url}/_sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status, await r.clone().text()).toBe(200);
  };
  await simConfig({
    webhookUrl: `${serverUrl}/webhooks/whatsapp/${channel.id}`,
    verifyToken: channel.verifyToken,
  });
  const workspaceId = workspace.id;
  return {
    server,
    sim,
    serverUrl,
    workspaceId,
    owner,
    channel,
    appSecret,
    simConfig,
    async inbound(from, name, message) {
      const r = await fetch(`${sim.url}/_sim/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from, name, message }),
      });
      expect(r.status, await r.clone().text()).toBe(200);
      return (await r.json()) as { id: string };
    },
    async conversationOf(person, name) {
      const list = await as(server, person, {
        method: 'GET',
        url: `/api/v1/workspaces/${workspaceId}/conversations`,
      });
      return (list.json().conversations as ConversationSummary[]).find((c) => c.contact.name === name);
    },
    async messagesOf(person, conversationId) {
      const page = await as(server, person, {
        method: 'GET',
        url: `/api/v1/workspaces/${workspaceId}/conversations/${conversationId}/messages`,
      });
      expect(page.statusCode, page.body).toBe(200);
      return page.json().messages as MessageSummary[];
    },
    async sentTo(waId) {
      const r = await fetch(`${sim.url}/_sim/sent?to=${encodeURIComponent(waId)}`);
      const body = (await r.json()) as SimSent[] | { messages: SimSent[] };
      return Array.isArray(body) ? body : body.messages;
    },
    async close() {
      await sim.close();
      await server.close();
    },
  };
}
