import http from 'node:http';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waSimPlugin } from './plugin.js';
import {
  call,
  type Harness,
  inbound,
  independentlyVerify,
  PNID,
  send,
  startHarness,
  TOKEN,
  testOptions,
  text,
  type Wire,
  waitFor,
} from './test-support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

describe('control API', () => {
  it('health answers with the webhook state', async () => {
    const answer = await call(h.sim, 'GET', '/_sim/health', undefined, { auth: false });
    expect(answer.body).toMatchObject({
      status: 'ok',
      phone_number_id: '200000000000002',
      waba_id: '100000000000001',
    });
    expect(answer.body.webhook.url).toBe(h.receiver.url);
  });

  it('POST /_sim/inbound answers {id} and delivers the signed webhook (wait=true waits for the 200)', async () => {
    const answer = await call(
      h.sim,
      'POST',
      '/_sim/inbound?wait=true',
      { from: '+49 170 0000001', name: 'Jo', message: { type: 'text', text: { body: 'hi' } } },
      { auth: false },
    );
    expect(answer.body).toMatchObject({ id: expect.stringMatching(/^wamid\./), delivered: true });
    const message = h.receiver.messages().find((m) => m.id === answer.body.id);
    expect(message).toMatchObject({ from: '491700000001', type: 'text', text: { body: 'hi' } });
  });

  it.each([
    ['location', { type: 'location', location: { latitude: 1.5, longitude: 2.5, name: 'Home' } }],
    [
      'contacts',
      {
        type: 'contacts',
        contacts: [
          { name: { formatted_name: 'Bo', first_name: 'Bo' }, phones: [{ phone: '+49170', type: 'CELL' }] },
        ],
      },
    ],
    ['video', { type: 'video', video: { caption: 'clip' } }],
    ['sticker', { type: 'sticker', sticker: {} }],
    [
      'order',
      {
        type: 'order',
        order: {
          catalog_id: 'c1',
          product_items: [{ product_retailer_id: 'p1', quantity: 1, item_price: 9.5, currency: 'EUR' }],
        },
      },
    ],
    [
      'interactive nfm_reply',
      {
        type: 'interactive',
        interactive: {
          type: 'nfm_reply',
          nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"a":1}' },
        },
      },
    ],
    ['unsupported (errors filled in)', { type: 'unsupported', unsupported: { type: 'poll_creation' } }],
    ['request_welcome', { type: 'request_welcome' }],
  ])('delivers an inbound %s', async (_name, message) => {
    const answer = await inbound(h.sim, { from: '491700000002', message });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const delivered = await waitFor(() => h.receiver.messages().find((m) => m.id === answer.body.id));
    expect(delivered.type).toBe(message.type);
    if (message.type === 'unsupported') expect(delivered.errors[0].code).toBe(131051);
  });

  it('supports username-only customers identified by a business-scoped user id', async () => {
    const answer = await inbound(h.sim, {
      user_id: 'DE.1349000000001',
      name: 'Anon',
      username: 'anon',
      message: { type: 'text', text: { body: 'hi' } },
    });
    const value = await waitFor(() =>
      h.receiver.changes('messages').find((v) => v.messages?.some((m: Wire) => m.id === answer.body.id)),
    );
    const message = value.messages.find((m: Wire) => m.id === answer.body.id);
    expect(message.from).toBeUndefined();
    expect(message.from_user_id).toBe('DE.1349000000001');
    expect(value.contacts.find((c: Wire) => c.user_id === 'DE.1349000000001')).toEqual({
      profile: { name: 'Anon', username: 'anon' },
      user_id: 'DE.1349000000001',
    });
    const reply = await send(h.sim, {
      messaging_product: 'whatsapp',
      recipient: 'DE.1349000000001',
      type: 'text',
      text: { body: 'hello' },
    });
    expect(reply.body.contacts[0]).toEqual({ input: 'DE.1349000000001', user_id: 'DE.1349000000001' });
    const status = await waitFor(() => h.receiver.statuses().find((s) => s.id === reply.body.messages[0].id));
    expect(status.recipient_user_id).toBe('DE.1349000000001');
    expect(status.recipient_id).toBeUndefined();
  });

  it('a customer reaction is shown on the business message; quotes keep the context', async () => {
    await inbound(h.sim, { from: '491700000003', message: { type: 'text', text: { body: 'hi' } } });
    const sent = await send(h.sim, text('491700000003', 'pick one'));
    const id = sent.body.messages[0].id;
    await inbound(h.sim, {
      from: '491700000003',
      message: { type: 'reaction', reaction: { message_id: id, emoji: '❤️' } },
    });
    const reply = await inbound(h.sim, {
      from: '491700000003',
      message: { type: 'text', text: { body: 'this' }, context: { id } },
    });
    const thread = await call(h.sim, 'GET', '/_sim/customers/491700000003/thread', undefined, {
      auth: false,
    });
    expect(thread.body.messages.find((m: Wire) => m.id === id).reaction).toBe('❤️');
    const delivered = await waitFor(() => h.receiver.messages().find((m) => m.id === reply.body.id));
    expect(delivered.context).toEqual({ from: '15550100001', id });
  });

  it('a number change (system message, no contacts) makes the new number a customer', async () => {
    const answer = await inbound(h.sim, {
      from: '491700000006',
      name: 'Kim',
      message: {
        type: 'system',
        system: { body: 'User Kim changed number', wa_id: '491700000099', type: 'user_changed_number' },
      },
    });
    const value = await waitFor(() =>
      h.receiver.changes('messages').find((v) => v.messages?.some((m: Wire) => m.id === answer.body.id)),
    );
    expect(value.contacts?.some((c: Wire) => c.wa_id === '491700000006')).toBeFalsy();
    const customers = await call(h.sim, 'GET', '/_sim/customers', undefined, { auth: false });
    expect(customers.body.data.find((c: Wire) => c.wa_id === '491700000099')?.name).toBe('Kim');
  });

  it('long-polls a thread until something changes', async () => {
    await inbound(h.sim, { from: '491700000004', message: { type: 'text', text: { body: 'one' } } });
    const first = await call(h.sim, 'GET', '/_sim/customers/491700000004/thread', undefined, { auth: false });
    const waiting = call(
      h.sim,
      'GET',
      `/_sim/customers/491700000004/thread?version=${first.body.customer.version}&wait=10000`,
      undefined,
      { auth: false },
    );
    await inbound(h.sim, { from: '491700000004', message: { type: 'text', text: { body: 'two' } } });
    const changed = await waiting;
    expect(changed.body.messages).toHaveLength(2);
    expect(changed.body.customer.version).toBeGreaterThan(first.body.customer.version);
  });

  it('moves simulated time with POST /_sim/clock', async () => {
    const before = await call(h.sim, 'GET', '/_sim/clock', undefined, { auth: false });
    const after = await call(h.sim, 'POST', '/_sim/clock', { advance: '2h' }, { auth: false });
    expect(after.body.now_ms - before.body.now_ms).toBeGreaterThanOrEqual(2 * 3600 * 1000);
    const set = await call(h.sim, 'POST', '/_sim/clock', { set: '2030-01-01T00:00:00Z' }, { auth: false });
    expect(set.body.now.startsWith('2030-01-01T00:00')).toBe(true);
  });

  it('emits a system-level value.errors webhook on request', async () => {
    await call(h.sim, 'POST', '/_sim/errors', { code: 131016 }, { auth: false });
    const value = await waitFor(() => h.receiver.changes('messages').find((v) => v.errors));
    expect(value.errors[0]).toMatchObject({ code: 131016, title: 'Service unavailable' });
  });

  it('reverifies after the webhook URL changes', async () => {
    const before = h.receiver.verifications.length;
    await call(h.sim, 'POST', '/_sim/config', { webhookUrl: h.receiver.url }, { auth: false });
    await inbound(h.sim, { from: '491700000005', message: { type: 'text', text: { body: 'x' } } });
    await waitFor(() => h.receiver.verifications.length > before);
    expect(h.receiver.verifications.length).toBe(before + 1);
  });
});

describe('credentials rotated at run time (POST /_sim/config)', () => {
  let r: Harness;
  beforeAll(async () => {
    r = await startHarness();
  });
  afterAll(async () => r?.close());

  it('accepts only the new access token once it was changed, as after a rotation at Meta', async () => {
    expect((await call(r.sim, 'GET', `/v25.0/${PNID}`)).status).toBe(200);
    await call(r.sim, 'POST', '/_sim/config', { accessToken: 'rotated-token-456' }, { auth: false });
    const old = await call(r.sim, 'GET', `/v25.0/${PNID}`);
    expect(old.status).toBe(401);
    expect(old.body.error).toMatchObject({ code: 190, type: 'OAuthException' });
    const fresh = await call(r.sim, 'GET', `/v25.0/${PNID}`, undefined, { auth: 'rotated-token-456' });
    expect(fresh.status).toBe(200);
  });

  it('signs webhooks with the new app secret once it was reset', async () => {
    await call(r.sim, 'POST', '/_sim/config', { appSecret: 'rotated-app-secret-789' }, { auth: false });
    const answer = await call(
      r.sim,
      'POST',
      '/_sim/inbound?wait=true',
      { from: '491700000077', message: { type: 'text', text: { body: 'neu' } } },
      { auth: false },
    );
    expect(answer.body.delivered).toBe(true);
    const post = await waitFor(() => r.receiver.posts.find((p) => p.raw.toString().includes(answer.body.id)));
    expect(independentlyVerify('rotated-app-secret-789', post.raw, post.signature)).toBe(true);
    expect(post.signatureOk).toBe(false); // not with the old one
  });

  it('refuses to change them when the host locked them (credentialsLocked)', async () => {
    const locked = await startHarness({ credentialsLocked: true });
    try {
      for (const body of [{ accessToken: 'mine-now-123' }, { appSecret: 'mine-now-456' }]) {
        const answer = await call(locked.sim, 'POST', '/_sim/config', body, { auth: false });
        expect(answer.status).toBe(403);
        expect(answer.body.error.code).toBe(100);
      }
      expect((await call(locked.sim, 'GET', `/v25.0/${PNID}`)).status).toBe(200);
      const other = await call(locked.sim, 'POST', '/_sim/config', { tokenExpired: false }, { auth: false });
      expect(other.status).toBe(200);
    } finally {
      await locked.close();
    }
  });
});

describe('bad input never crashes the simulator and answers with the Graph envelope', () => {
  const cases: [string, string, string, string | undefined][] = [
    ['invalid JSON', '/v25.0/200000000000002/messages', '{"messaging_product":', 'application/json'],
    ['empty JSON body', '/v25.0/200000000000002/messages', '', 'application/json'],
    ['text/plain body', '/v25.0/200000000000002/messages', 'hello', 'text/plain'],
    [
      '__proto__ pollution',
      '/v25.0/200000000000002/messages',
      '{"__proto__":{"x":1},"messaging_product":"whatsapp"}',
      'application/json',
    ],
    [
      'deep nesting',
      '/v25.0/200000000000002/messages',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      'application/json',
    ],
    ['control API: invalid JSON', '/_sim/inbound', '{', 'application/json'],
    ['control API: wrong types', '/_sim/inbound', '{"from":12,"message":"x"}', 'application/json'],
    [
      'control API: unknown message type object missing',
      '/_sim/inbound',
      '{"from":"4917","message":{"type":"image"}}',
      'application/json',
    ],
    ['faults: rate out of range', '/_sim/faults', '{"webhook":{"drop":7}}', 'application/json'],
    ['clock: bad duration', '/_sim/clock', '{"advance":"soon"}', 'application/json'],
    [
      'config: webhook URL not http(s)',
      '/_sim/config',
      '{"webhookUrl":"ftp://example.com/x"}',
      'application/json',
    ],
    ['config: unknown rule', '/_sim/config', '{"rules":{"nope":true}}', 'application/json'],
    ['customers: neither wa_id nor user_id', '/_sim/customers', '{"name":"x"}', 'application/json'],
  ];

  it.each(cases)('%s', async (_name, path, raw, contentType) => {
    const answer = await call(h.sim, 'POST', path, undefined, { raw, contentType });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body.error).toMatchObject({
      code: 100,
      type: expect.any(String),
      fbtrace_id: expect.any(String),
    });
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it('a huge body answers 413 with the envelope', async () => {
    const answer = await call(h.sim, 'POST', '/v25.0/200000000000002/messages', undefined, {
      raw: JSON.stringify({ x: 'y'.repeat(3 * 1024 * 1024) }),
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe(100);
  });

  it('unknown paths answer 404 with the envelope', async () => {
    const answer = await call(h.sim, 'GET', '/nothing/here/at/all');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe(100);
  });

  it('is still healthy afterwards', async () => {
    expect((await call(h.sim, 'GET', '/_sim/health', undefined, { auth: false })).status).toBe(200);
  });
});

describe('mounted inside another server under a prefix', () => {
  it('serves Graph, control API and phone page under the prefix; media URLs keep it', async () => {
    const app = Fastify();
    app.get('/', async () => ({ host: 'parley' }));
    await app.register(waSimPlugin, { prefix: '/_sandbox', ...testOptions(undefined) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      const health = await fetch(`${base}/_sandbox/_sim/health`);
      expect(health.status).toBe(200);
      const phone = await fetch(`${base}/_sandbox/_sim/phone/`);
      expect(phone.headers.get('content-security-policy')).toContain("script-src 'self'");
      const inboundAnswer = await fetch(`${base}/_sandbox/_sim/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: '491700000009', message: { type: 'image', image: {} } }),
      });
      const { id } = (await inboundAnswer.json()) as Wire;
      const thread = (await (
        await fetch(`${base}/_sandbox/_sim/customers/491700000009/thread`)
      ).json()) as Wire;
      const mediaId = thread.messages.find((m: Wire) => m.id === id).content.id;
      const infoResponse = await fetch(`${base}/_sandbox/v25.0/${mediaId}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const info = (await infoResponse.json()) as Wire;
      expect(info.url.startsWith(`${base}/_sandbox/whatsapp_business/attachments/`)).toBe(true);
      const bytes = await fetch(info.url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(bytes.status).toBe(200);
      const missing = await fetch(`${base}/_sandbox/v25.0/nope/nope/nope`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(((await missing.json()) as Wire).error.code).toBe(100);
      expect((await (await fetch(`${base}/`)).json()) as Wire).toEqual({ host: 'parley' });
    } finally {
      await app.close();
    }
  });
});

describe('control API guard', () => {
  it('answers 403 / code 10 when controlAuth refuses, and lets the Graph API through', async () => {
    const app = Fastify();
    await app.register(waSimPlugin, {
      prefix: '/_sandbox',
      ...testOptions(undefined),
      controlAuth: (request) => request.headers['x-sim-key'] === 'letmein',
    });
    await app.ready();
    try {
      const refused = await app.inject({ method: 'GET', url: '/_sandbox/_sim/health' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe(10);
      const allowed = await app.inject({
        method: 'GET',
        url: '/_sandbox/_sim/health',
        headers: { 'x-sim-key': 'letmein' },
      });
      expect(allowed.statusCode).toBe(200);
      const graph = await app.inject({
        method: 'GET',
        url: '/_sandbox/v25.0/200000000000002',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(graph.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('API fault injection', () => {
  it('fails a share of calls with 5xx, deterministically for a seed', async () => {
    const outcomes = async () => {
      await call(h.sim, 'POST', '/_sim/faults', { seed: 7, api: { error5xx: 0.5 } }, { auth: false });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1)
        statuses.push((await call(h.sim, 'GET', '/v25.0/200000000000002')).status);
      return statuses;
    };
    const first = await outcomes();
    const second = await outcomes();
    await call(h.sim, 'POST', '/_sim/faults', {}, { auth: false });
    expect(first).toEqual(second);
    expect(first.some((status) => status >= 500)).toBe(true);
    expect(first.some((status) => status === 200)).toBe(true);
  });

  it('lostResponse: the send happened but the caller got a 500', async () => {
    await call(h.sim, 'POST', '/_sim/faults', { api: { lostResponse: 1 } }, { auth: false });
    await inbound(h.sim, { from: '491700000010', message: { type: 'text', text: { body: 'x' } } });
    const answer = await send(h.sim, text('491700000010', 'did it go?'));
    await call(h.sim, 'POST', '/_sim/faults', {}, { auth: false });
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe(131000);
    const sent = await call(h.sim, 'GET', '/_sim/sent?to=491700000010', undefined, { auth: false });
    expect(sent.body.map((m: Wire) => m.body.text.body)).toEqual(['did it go?']);
  });

  it('timeout: holds the request and closes the connection without an answer', async () => {
    await call(h.sim, 'POST', '/_sim/faults', { api: { timeout: 1, timeoutMs: 50 } }, { auth: false });
    const outcome = await new Promise<string>((resolve) => {
      const request = http.request(
        `${h.sim.url}/v25.0/200000000000002`,
        { headers: { authorization: `Bearer ${TOKEN}` } },
        (response) => resolve(`status ${response.statusCode}`),
      );
      request.on('error', (error) => resolve(`error ${(error as NodeJS.ErrnoException).code}`));
      request.end();
    });
    await call(h.sim, 'POST', '/_sim/faults', {}, { auth: false });
    expect(outcome).toMatch(/^error/);
  });

  it('slow: answers correctly, later', async () => {
    await call(h.sim, 'POST', '/_sim/faults', { api: { slow: 1, slowMs: 20 } }, { auth: false });
    const answer = await call(h.sim, 'GET', '/v25.0/200000000000002');
    await call(h.sim, 'POST', '/_sim/faults', {}, { auth: false });
    expect(answer.status).toBe(200);
  });
});
