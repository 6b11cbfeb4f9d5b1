import crypto from 'node:crypto';
import http from 'node:http';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberships, pushSubscriptions } from '../../db/schema.js';
import { as, buildMember, type Person } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';
import { assertPushEndpoint } from './index.js';

/** A push service on loopback: records what it receives and answers with `status`. */
type Received = { path: string; headers: http.IncomingHttpHeaders; body: Buffer };
let bed: WhatsAppTestbed;
let pusher: http.Server;
let pushUrl: string;
const received: Received[] = [];
let status = 201;
let agent: Person;

beforeAll(async () => {
  pusher = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => pusher.listen(0, '127.0.0.1', r));
  pushUrl = `http://127.0.0.1:${(pusher.address() as { port: number }).port}`;
  bed = await startWhatsAppTestbed({ env: { PARLEY_PUSH_ALLOW_LOOPBACK: '1' } });
  agent = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Paula Push');
});
afterAll(async () => {
  await bed?.close();
  await new Promise((r) => pusher?.close(r));
});

function browserKeys() {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    p256dh: ecdh.getPublicKey().toString('base64url'),
    auth: crypto.randomBytes(16).toString('base64url'),
  };
}

const base = () => `/api/v1/workspaces/${bed.workspaceId}`;

async function mentionAgent(conversationId: string) {
  const res = await as(bed.server, bed.owner, {
    method: 'POST',
    url: `${base()}/conversations/${conversationId}/notes`,
    payload: { text: `@[Paula Push](${agent.id}) bitte übernehmen: Kundennummer 4711` },
  });
  expect(res.statusCode).toBe(201);
}

describe('Web Push', () => {
  it('refuses push endpoints in the local network', () => {
    for (const url of [
      'http://push.example.com/x',
      'https://10.0.0.1/x',
      'https://127.0.0.1/x',
      'https://[::1]/x',
      'https://169.254.169.254/x',
      'https://intranet/x',
    ])
      expect(() => assertPushEndpoint(url, false), url).toThrow();
    expect(() => assertPushEndpoint('https://fcm.googleapis.com/fcm/send/abc', false)).not.toThrow();
  });

  it('pushes a mention to an offline person: encrypted, VAPID-signed, with no personal data; removes a gone subscription', async () => {
    const key = await as(bed.server, agent, { method: 'GET', url: '/api/v1/push/key' });
    expect(key.statusCode).toBe(200);
    expect(Buffer.from(key.json().publicKey, 'base64url')).toHaveLength(65);
    const bad = await as(bed.server, agent, {
      method: 'POST',
      url: '/api/v1/push/subscriptions',
      payload: { endpoint: 'https://192.168.1.1/push', keys: browserKeys() },
    });
    expect(bad.statusCode).toBe(400);
    const sub = await as(bed.server, agent, {
      method: 'POST',
      url: '/api/v1/push/subscriptions',
      payload: { endpoint: `${pushUrl}/sub/1`, keys: browserKeys() },
    });
    expect(sub.statusCode, sub.body).toBe(204);

    await bed.inbound('4915400000001', 'Push Peter', { type: 'text', text: { body: 'Hallo' } });
    const conv = await until('Peter', () => bed.conversationOf(bed.owner, 'Push Peter'));
    await mentionAgent(conv.id);
    const got = await until('the push', async () => received.find((r) => r.path === '/sub/1'));
    expect(got.headers['content-encoding']).toBe('aes128gcm');
    expect(String(got.headers.authorization)).toMatch(/^vapid t=.+, k=.+/);
    expect(got.body.length).toBeGreaterThan(50);
    expect(got.body.toString('latin1')).not.toContain('4711');
    expect(got.body.toString('latin1')).not.toContain('Peter');

    // Turned off for mentions: nothing more arrives.
    const settings = await as(bed.server, agent, {
      method: 'PUT',
      url: `${base()}/notification-settings`,
      payload: { push: { mention: false, assignment: true, message: false }, sound: true },
    });
    expect(settings.statusCode).toBe(200);
    const before = received.length;
    await mentionAgent(conv.id);
    await new Promise((r) => setTimeout(r, 500));
    expect(received.length).toBe(before);

    // Online (a live tab): no push either, even for a kind that is on.
    await bed.server.ctx.db
      .update(memberships)
      .set({ presenceSeenAt: new Date() })
      .where(eq(memberships.userId, agent.id));
    await as(bed.server, bed.owner, {
      method: 'POST',
      url: `${base()}/conversations/${conv.id}/assignment`,
      payload: { assigneeId: agent.id },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(received.length).toBe(before);

    // Offline again, and the push service says the subscription is gone: it is removed.
    await bed.server.ctx.db
      .update(memberships)
      .set({ presenceSeenAt: null })
      .where(eq(memberships.userId, agent.id));
    status = 410;
    await as(bed.server, bed.owner, {
      method: 'POST',
      url: `${base()}/conversations/${conv.id}/assignment`,
      payload: { assigneeId: null },
    });
    await as(bed.server, bed.owner, {
      method: 'POST',
      url: `${base()}/conversations/${conv.id}/assignment`,
      payload: { assigneeId: agent.id },
    });
    await until('the subscription removed', async () => {
      const rows = await bed.server.ctx.db
        .select()
        .from(pushSubscriptions)
        .where(eq(pushSubscriptions.userId, agent.id));
      return rows.length === 0;
    });
    expect(received.length).toBe(before + 1);
  });
});
