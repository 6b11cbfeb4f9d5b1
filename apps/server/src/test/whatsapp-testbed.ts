import { type RunningSimulator, type StartSimulatorOptions, startSimulator } from '@parley/wa-sim';
import { signPayload } from '@parley/whatsapp';
import { expect } from 'vitest';
import { as, buildWorkspace, type Person, startTestServer, type TestServer } from './harness.js';

/**
 * A workspace, its owner, and a WhatsApp channel connected to a simulator of its own whose webhooks
 * point back at the server. Every helper asserts that the simulator or server accepted the call.
 */
export type WhatsAppTenant = {
  sim: RunningSimulator;
  workspaceId: string;
  owner: Person;
  channel: { id: string; verifyToken: string; webhookUrl: string };
  phoneNumberId: string;
  appSecret: string;
  accessToken: string;
  /**
   * A customer writes (through the simulator's control API); resolves with the wamid. `file` sends
   * real bytes with a media message; `wait` resolves once the webhook was answered, with `delivered`
   * telling whether the server took it (200).
   */
  inbound(
    from: string,
    name: string,
    message: Record<string, unknown>,
    opts?: { file?: { bytes: Buffer; mimeType: string; filename?: string }; wait?: boolean },
  ): Promise<{ id: string; delivered?: boolean }>;
  /** The conversation of the contact called `name`, if listed. */
  conversationOf(person: Person, name: string): Promise<ConversationSummary | undefined>;
  /** Newest-first message page of a conversation, as `person` sees it. */
  messagesOf(person: Person, conversationId: string): Promise<MessageSummary[]>;
  /** What the simulator received for a customer, oldest first. */
  sentTo(waId: string): Promise<SimSent[]>;
  /** Changes simulator settings (`POST /_sim/config`). */
  simConfig(body: Record<string, unknown>): Promise<void>;
  /** Sets the simulator's faults (`POST /_sim/faults`; `{}` clears them). */
  faults(body: Record<string, unknown>): Promise<void>;
  /** Sets or advances the simulator's clock (`POST /_sim/clock`: `{ set }` or `{ advance: '8d' }`). */
  clock(body: Record<string, unknown>): Promise<void>;
  /** Uploads a file to the workspace as `person` would in the composer (multipart, part "file"). */
  upload(person: Person, bytes: Buffer, type: string, filename: string): Promise<Response>;
  /** POSTs a raw webhook body to the channel, signed with the app secret unless `signature` is given (null: none). */
  postWebhook(body: string, signature?: string | null): Promise<Response>;
};

/** The real server listening on loopback, with a first tenant (see `WhatsAppTenant`) spread in. */
export type WhatsAppTestbed = WhatsAppTenant & {
  server: TestServer;
  serverUrl: string;
  /** Another workspace on the same server, with its own channel and simulator (closed by `close`). */
  addWorkspace(opts?: ChannelOptions & { name?: string }): Promise<WhatsAppTenant>;
  close(): Promise<void>;
};

export type ChannelOptions = {
  /** The number's Graph id; by default one unique to the process and tenant. */
  phoneNumberId?: string;
  /** Default `app-secret-for-tests-123`. */
  appSecret?: string;
  /** Default `sim-access-token-123`. */
  accessToken?: string;
  /** Simulator options over the testbed's (statuses sent at once, delivered after 20 ms; fast retries). */
  sim?: Partial<StartSimulatorOptions>;
};

export type ConversationSummary = {
  id: string;
  contact: { id: string; name: string; waId: string };
  unreadCount: number;
  lastMessagePreview: string;
  lastInboundAt: string | null;
};
export type MediaSummary = {
  id: string;
  kind: string;
  mimeType: string;
  sizeBytes: number | null;
  filename: string | null;
  status: string;
  url: string | null;
  error: string | null;
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
  sentAt: string | null;
  deliveredAt: string | null;
  content: Record<string, unknown> | null;
  media: MediaSummary | null;
};
export type SimSent = {
  id: string;
  wamid: string;
  type: string;
  body: Record<string, unknown>;
  status: string;
};

/** Polls `fn` until it returns something truthy (every 50 ms, for at most `ms`: 15 s unless given). */
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

export async function startWhatsAppTestbed(
  opts: ChannelOptions & { env?: Record<string, string> } = {},
): Promise<WhatsAppTestbed> {
  const server = await startTestServer(opts.env);
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const serverUrl = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  const sims: RunningSimulator[] = [];
  const connect = (o: ChannelOptions & { name?: string }) => connectTenant(server, serverUrl, sims, o);
  const first = await connect(opts);
  return {
    ...first,
    server,
    serverUrl,
    addWorkspace: (o = {}) => connect(o),
    async close() {
      for (const sim of sims) await sim.close();
      await server.close();
    },
  };
}

let phoneCounter = 0;

async function connectTenant(
  server: TestServer,
  serverUrl: string,
  sims: RunningSimulator[],
  opts: ChannelOptions & { name?: string },
): Promise<WhatsAppTenant> {
  const appSecret = opts.appSecret ?? 'app-secret-for-tests-123';
  const accessToken = opts.accessToken ?? 'sim-access-token-123';
  const phoneNumberId =
    opts.phoneNumberId ?? `1065403522${String(process.pid % 1000).padStart(3, '0')}${phoneCounter++}`;
  const wabaId = '102290129340398';
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
  sims.push(sim);
  const { workspace, owner } = await buildWorkspace(server, { name: opts.name });
  const workspaceId = workspace.id;
  const res = await as(server, owner, {
    method: 'POST',
    url: `/api/v1/workspaces/${workspaceId}/channels`,
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
  const channel = res.json() as WhatsAppTenant['channel'];
  /** POSTs JSON to the simulator's control API and expects 200. */
  const control = async (path: string, body: unknown) => {
    const r = await fetch(`${sim.url}/_sim/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status, await r.clone().text()).toBe(200);
    return r;
  };
  await control('config', {
    webhookUrl: `${serverUrl}/webhooks/whatsapp/${channel.id}`,
    verifyToken: channel.verifyToken,
  });
  return {
    sim,
    workspaceId,
    owner,
    channel,
    phoneNumberId,
    appSecret,
    accessToken,
    async inbound(from, name, message, { file, wait } = {}) {
      const media = file && { data_base64: file.bytes.toString('base64'), mime_type: file.mimeType };
      const r = await control(wait ? 'inbound?wait=true' : 'inbound', {
        from,
        name,
        message,
        ...(media ? { media: file.filename ? { ...media, filename: file.filename } : media } : {}),
      });
      return (await r.json()) as { id: string; delivered?: boolean };
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
    async simConfig(body) {
      await control('config', body);
    },
    async faults(body) {
      await control('faults', body);
    },
    async clock(body) {
      await control('clock', body);
    },
    upload(person, bytes, type, filename) {
      const form = new FormData();
      form.append('file', new Blob([bytes], { type }), filename);
      return fetch(`${serverUrl}/api/v1/workspaces/${workspaceId}/media`, {
        method: 'POST',
        headers: { cookie: person.cookie },
        body: form,
      });
    },
    postWebhook(body, signature = signPayload(appSecret, body)) {
      return fetch(`${serverUrl}/webhooks/whatsapp/${channel.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(signature ? { 'x-hub-signature-256': signature } : {}),
        },
        body,
      });
    },
  };
}
