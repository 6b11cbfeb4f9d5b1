import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../server.js';
import {
  call,
  type Harness,
  inbound,
  openWindow,
  type Receiver,
  send,
  startHarness,
  startReceiver,
  testOptions,
  text,
  type Wire,
  waitFor,
} from '../test-support.js';
import { toAsciiJson } from './deliverer.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('webhook delivery', () => {
  it('performs the GET verification handshake before the first POST', async () => {
    h = await startHarness();
    expect(h.receiver.verifications).toHaveLength(0);
    await openWindow(h.sim, '4915100000001');
    await waitFor(() => h!.receiver.posts.length > 0);
    const handshake = h.receiver.verifications[0]!;
    expect(handshake.get('hub.mode')).toBe('subscribe');
    expect(handshake.get('hub.verify_token')).toBe('test-verify-token');
    expect(handshake.get('hub.challenge')).toMatch(/^\d+$/);
  });

  it('holds deliveries while the receiver refuses the handshake, then delivers once it accepts', async () => {
    h = await startHarness();
    h.receiver.echoChallenge = false;
    await openWindow(h.sim, '4915100000002');
    await waitFor(() => h!.receiver.verifications.length >= 2, 10_000, 'retried handshake');
    expect(h.receiver.posts).toHaveLength(0);
    h.receiver.echoChallenge = true;
    await waitFor(() => h!.receiver.posts.length > 0, 10_000, 'delivery after verification');
    expect(h.receiver.messages()[0].from).toBe('4915100000002');
  });

  it('signs the exact bytes it sends; an independent HMAC verifies every POST', async () => {
    h = await startHarness();
    await inbound(h.sim, {
      from: '4915100000003',
      name: 'Zoë 😀',
      message: { type: 'text', text: { body: 'Grüße 🙏 "quoted" \\ back' } },
    });
    const post = await waitFor(() => h!.receiver.posts[0]);
    expect(post.signatureOk).toBe(true);
    const expected = `sha256=${createHmac('sha256', 'test-app-secret').update(post.raw).digest('hex')}`;
    expect(post.signature).toBe(expected);
    // Non-ASCII is escaped like Meta's bodies; re-serialising the parsed JSON would change the bytes.
    expect(post.raw.toString('utf8')).toContain('\\ud83d\\ude00');
    expect(Buffer.from(JSON.stringify(post.body)).equals(post.raw)).toBe(false);
    expect(post.body.entry[0].changes[0].value.messages[0].text.body).toBe('Grüße 🙏 "quoted" \\ back');
    expect(post.body.entry[0].changes[0].value.contacts[0].profile.name).toBe('Zoë 😀');
  });

  it('retries with back-off when the receiver does not answer 200, and delivers the same update', async () => {
    h = await startHarness();
    h.receiver.respond = (index) => (index < 2 ? 500 : 200);
    const { body } = await inbound(h.sim, {
      from: '4915100000004',
      message: { type: 'text', text: { body: 'retry me' } },
    });
    await waitFor(() => h!.receiver.messages().find((m) => m.id === body.id), 5000, 'retried delivery');
    const hooks = await call(h.sim, 'GET', '/_sim/webhooks', undefined, { auth: false });
    const posts = hooks.body.log.filter((entry: Wire) => entry.kind === 'post');
    expect(posts.map((entry: Wire) => entry.status).slice(0, 3)).toEqual([500, 500, 200]);
    expect(posts[2].attempt).toBe(3);
    expect(hooks.body.stats.failedAttempts).toBe(2);
  });

  it('gives up after the maximum number of attempts', async () => {
    h = await startHarness({ webhook: { retryMaxAttempts: 3 } });
    h.receiver.respond = () => 503;
    const answer = await call(
      h.sim,
      'POST',
      '/_sim/inbound?wait=true',
      { from: '4915100000005', message: { type: 'text', text: { body: 'x' } } },
      { auth: false },
    );
    expect(answer.body.delivered).toBe(false);
    const health = await call(h.sim, 'GET', '/_sim/health', undefined, { auth: false });
    expect(health.body.webhook.gaveUp).toBe(1);
    expect(health.body.webhook.failedAttempts).toBe(3);
  });

  it('batches several updates in one POST (as inbound-batched-two-messages)', async () => {
    h = await startHarness();
    const answer = await inbound(h.sim, {
      from: '4915100000006',
      name: 'Ana',
      messages: [
        { type: 'text', text: { body: 'Also,' } },
        { type: 'text', text: { body: 'can I change the address?' } },
      ],
    });
    expect(answer.body.ids).toHaveLength(2);
    const post = await waitFor(() => h!.receiver.posts[0]);
    const value = post.body.entry[0].changes[0].value;
    expect(value.messages.map((m: Wire) => m.id)).toEqual(answer.body.ids);
    expect(value.contacts).toHaveLength(1);
  });

  it('batches status updates under load and the send API does not wait for webhooks', async () => {
    const receiver: Receiver = await startReceiver();
    const sim = await startSimulator(
      testOptions(receiver.url, { rules: { throughput: false, pairRateLimit: false } }),
    );
    h = {
      sim,
      receiver,
      close: async () => {
        await sim.close();
        await receiver.close();
      },
    };
    await openWindow(sim, '4915100000007');
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => send(sim, text('4915100000007', `m${i}`))),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    await waitFor(
      () => receiver.statuses().filter((s) => s.status === 'read').length === 200,
      10_000,
      '200 read statuses',
    );
    const statusesPerPost = receiver.posts.map((post) =>
      post.body.entry[0].changes.reduce((n: number, c: Wire) => n + (c.value.statuses?.length ?? 0), 0),
    );
    expect(Math.max(...statusesPerPost)).toBeGreaterThan(1);
    expect(receiver.posts.length).toBeLessThan(600);
  });
});

describe('toAsciiJson', () => {
  it('escapes every non-ASCII unit and stays valid JSON', () => {
    const value = { a: 'é€😀', b: 'plain' };
    const json = toAsciiJson(value);
    expect(json).toBe('{"a":"\\u00e9\\u20ac\\ud83d\\ude00","b":"plain"}');
    expect(JSON.parse(json)).toEqual(value);
  });
});
