// Contract tests: every example of shared/docs/whatsapp-examples is accepted (requests) or produced
// in the same shape (webhooks, responses, errors); signatures are checked by the receiver's own HMAC.
import { fixtureNames, loadFixture, parseWebhookPayload } from '@parley/whatsapp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  type Harness,
  inbound,
  openWindow,
  PNID,
  send,
  shapeOf,
  startHarness,
  WABA,
  type Wire,
  waitFor,
} from './test-support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ rules: { usMarketingBlocked: false } });
});
afterAll(async () => h.close());

const inboundFixtures = fixtureNames.filter((name) => name.startsWith('inbound-'));
const requestFixtures = fixtureNames.filter((name) => name.startsWith('send-') && name.endsWith('-request'));

/**
 * A request example as sent to the simulator. Its `order_shipped` also has the URL button of contract
 * 5.5 (`…/orders/{{1}}`), whose value every send must fill in (132000 without it), so the template
 * example gets that one button parameter added; everything else is sent as written.
 */
function requestExample(name: string): Wire {
  const body = loadFixture<Wire>(name);
  if (name !== 'send-template-request') return body;
  const urlButton = {
    type: 'button',
    sub_type: 'url',
    index: '1',
    parameters: [{ type: 'text', text: 'A-1042' }],
  };
  return { ...body, template: { ...body.template, components: [...body.template.components, urlButton] } };
}

function messageOf(fixture: Wire) {
  return fixture.entry[0].changes[0].value;
}

/** The envelope reduced to one change whose `key` array holds only `item`. */
function only(envelope: Wire, key: string, item: unknown) {
  const entry = envelope.entry[0];
  const change = entry.changes[0];
  return {
    ...envelope,
    entry: [{ ...entry, changes: [{ ...change, value: { ...change.value, [key]: [item] } }] }],
  };
}

/** The first received change whose value matches, as a one-change envelope (batches may hold more). */
async function findChange(predicate: (value: Wire) => boolean, what: string) {
  return waitFor(
    () => {
      for (const post of h.receiver.posts) {
        for (const entry of post.body.entry) {
          const change = entry.changes.find((c: Wire) => predicate(c.value));
          if (change) return { post, envelope: { ...post.body, entry: [{ ...entry, changes: [change] }] } };
        }
      }
      return undefined;
    },
    10_000,
    what,
  );
}

describe('inbound examples are produced in the same shape', () => {
  for (const name of inboundFixtures) {
    it(name, async () => {
      const fixture = loadFixture<Wire>(name);
      const value = messageOf(fixture);
      const messages = value.messages.map(({ id: _id, timestamp: _ts, from: _from, ...rest }: Wire) => rest);
      const from = value.messages[0].from;
      const body: Record<string, unknown> = { from, name: value.contacts?.[0]?.profile?.name ?? 'Ana Lima' };
      if (messages.length > 1) body.messages = messages;
      else body.message = messages[0];
      const answer = await inbound(h.sim, body);
      expect(answer.status).toBe(200);
      const ids: string[] = answer.body.ids ?? [answer.body.id];
      const { post, envelope } = await findChange(
        (v) => v.messages?.some((m: Wire) => m.id === ids[0]),
        name,
      );
      expect(post.signatureOk).toBe(true);
      expect(post.contentType).toBe('application/json');
      expect(parseWebhookPayload(post.body).success).toBe(true);
      // Media URLs are an optional, gradually rolled-out field: the simulator always sends one.
      expect(shapeOf(envelope, ['url'])).toEqual(shapeOf(fixture, ['url']));
      const produced = messageOf(envelope).messages;
      expect(produced.map((m: Wire) => m.id)).toEqual(ids);
      expect(produced[0].type).toBe(value.messages[0].type);
      if (value.messages[0].type === 'text') expect(produced[0].text).toEqual(value.messages[0].text);
      expect(messageOf(envelope).metadata).toEqual({
        display_phone_number: '15550100001',
        phone_number_id: PNID,
      });
      expect(envelope.entry[0].id).toBe(WABA);
    });
  }
});

describe('send request examples are accepted', () => {
  for (const name of requestFixtures) {
    it(name, async () => {
      await openWindow(h.sim, '15550200002');
      const answer = await send(h.sim, requestExample(name));
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(shapeOf(answer.body, ['message_status'])).toEqual(shapeOf(loadFixture('send-response')));
      expect(answer.body.contacts[0]).toEqual({ input: '+15550200002', wa_id: '15550200002' });
      expect(answer.body.messages[0].id).toMatch(/^wamid\./);
    });
  }

  it('mark-read-typing-request answers {success: true}', async () => {
    const id = await openWindow(h.sim, '15550200002');
    const body = { ...loadFixture<Wire>('mark-read-typing-request'), message_id: id };
    const answer = await send(h.sim, body);
    expect(answer.body).toEqual({ success: true });
  });
});

describe('responses and errors have the documented shape', () => {
  it('send-response (text) has no message_status; template sends say accepted or held (pacing)', async () => {
    await openWindow(h.sim, '15550200003');
    const textAnswer = await send(h.sim, {
      messaging_product: 'whatsapp',
      to: '+15550200003',
      type: 'text',
      text: { body: 'x' },
    });
    expect(shapeOf(textAnswer.body)).toEqual(shapeOf(loadFixture('send-response')));
    await call(h.sim, 'POST', '/_sim/templates/order_shipped/status', { paced: true }, { auth: false });
    const paced = await send(h.sim, { ...requestExample('send-template-request'), to: '+15550200003' });
    expect(shapeOf(paced.body)).toEqual(shapeOf(loadFixture('send-template-response-paced')));
    expect(paced.body.messages[0].message_status).toBe('held_for_quality_assessment');
    await call(h.sim, 'POST', '/_sim/templates/order_shipped/status', { paced: false }, { auth: false });
  });

  it('error-190: expired token', async () => {
    await call(h.sim, 'POST', '/_sim/config', { tokenExpired: true }, { auth: false });
    const answer = await send(h.sim, {
      messaging_product: 'whatsapp',
      to: '1555',
      type: 'text',
      text: { body: 'x' },
    });
    await call(h.sim, 'POST', '/_sim/config', { tokenExpired: false }, { auth: false });
    expect(answer.status).toBe(401);
    expect(shapeOf(answer.body)).toEqual(shapeOf(loadFixture('error-190')));
    expect(answer.body.error).toMatchObject({ code: 190, error_subcode: 463, type: 'OAuthException' });
  });

  it('error-131056: pair rate limit', async () => {
    await openWindow(h.sim, '15550200009');
    let answer = await send(h.sim, {
      messaging_product: 'whatsapp',
      to: '15550200009',
      type: 'text',
      text: { body: 'x' },
    });
    for (let i = 0; i < 60 && answer.status === 200; i += 1) {
      answer = await send(h.sim, {
        messaging_product: 'whatsapp',
        to: '15550200009',
        type: 'text',
        text: { body: `x${i}` },
      });
    }
    expect(answer.status).toBe(400);
    expect(shapeOf(answer.body)).toEqual(shapeOf(loadFixture('error-131056')));
    expect(answer.body.error.message).toBe(loadFixture<Wire>('error-131056').error.message);
  });

  it('media-upload-response and media-url-response', async () => {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('file', new Blob([Buffer.from('%PDF-1.4 test')], { type: 'application/pdf' }), 'a.pdf');
    const upload = await fetch(`${h.sim.url}/v25.0/${PNID}/media`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-access-token' },
      body: form,
    });
    const uploaded = (await upload.json()) as Wire;
    expect(shapeOf(uploaded)).toEqual(shapeOf(loadFixture('media-upload-response')));
    const info = await call(h.sim, 'GET', `/v25.0/${uploaded.id}`);
    expect(shapeOf(info.body)).toEqual(shapeOf(loadFixture('media-url-response')));
  });

  it('templates-list-response, template-create-response', async () => {
    const list = await call(h.sim, 'GET', `/v25.0/${WABA}/message_templates?name=order_shipped&limit=1`);
    const fixture = loadFixture<Wire>('templates-list-response');
    expect(shapeOf(list.body, ['next'])).toEqual(shapeOf({ ...fixture, data: [fixture.data[0]] }));
    const created = await call(h.sim, 'POST', `/v25.0/${WABA}/message_templates`, {
      ...loadFixture<Wire>('template-create-request'),
      language: 'de',
    });
    expect(shapeOf(created.body)).toEqual(shapeOf(loadFixture('template-create-response')));
    expect(created.body).toMatchObject({ status: 'PENDING', category: 'UTILITY' });
  });
});

describe('status and system webhooks are produced in the same shape', () => {
  it('status-sent, status-delivered, status-read-v24 (utility template outside the window)', async () => {
    const body = {
      ...requestExample('send-template-request'),
      to: '+15550200077',
      biz_opaque_callback_data: 'inbox-msg-8842',
    };
    const answer = await send(h.sim, body);
    const id = answer.body.messages[0].id;
    for (const status of ['sent', 'delivered', 'read']) {
      const { envelope } = await findChange(
        (v) => v.statuses?.some((s: Wire) => s.id === id && s.status === status),
        status,
      );
      const fixture = loadFixture<Wire>(status === 'read' ? 'status-read-v24' : `status-${status}`);
      const produced = messageOf(envelope).statuses.find((s: Wire) => s.id === id && s.status === status);
      expect(shapeOf(only(envelope, 'statuses', produced))).toEqual(shapeOf(fixture));
      const { id: _i, timestamp: _t, ...rest } = messageOf(fixture).statuses[0];
      expect(produced).toMatchObject({ ...rest, recipient_id: '15550200077' });
    }
  });

  it('status-failed-131047 (free-form text outside the window)', async () => {
    const answer = await send(h.sim, {
      messaging_product: 'whatsapp',
      to: '+15550200078',
      type: 'text',
      text: { body: 'late' },
    });
    expect(answer.status).toBe(200);
    const id = answer.body.messages[0].id;
    const { envelope } = await findChange((v) => v.statuses?.some((s: Wire) => s.id === id), 'failed status');
    const fixture = loadFixture<Wire>('status-failed-131047');
    const produced = messageOf(envelope).statuses.find((s: Wire) => s.id === id);
    expect(shapeOf(only(envelope, 'statuses', produced))).toEqual(shapeOf(fixture));
    expect(produced.errors[0]).toEqual(messageOf(fixture).statuses[0].errors[0]);
  });

  it('value-errors-130429 (throughput in async mode)', async () => {
    await call(
      h.sim,
      'POST',
      '/_sim/config',
      { rules: { throughputMps: 1, throughputErrorMode: 'async' } },
      { auth: false },
    );
    await openWindow(h.sim, '15550200079');
    for (let i = 0; i < 3; i += 1) {
      await send(h.sim, {
        messaging_product: 'whatsapp',
        to: '+15550200079',
        type: 'text',
        text: { body: `m${i}` },
      });
    }
    await call(
      h.sim,
      'POST',
      '/_sim/config',
      { rules: { throughputMps: 80, throughputErrorMode: 'sync' } },
      { auth: false },
    );
    const { envelope } = await findChange((v) => v.errors, 'value.errors');
    const fixture = loadFixture<Wire>('value-errors-130429');
    expect(shapeOf(envelope)).toEqual(shapeOf(fixture));
    expect(messageOf(envelope).errors).toEqual(messageOf(fixture).errors);
  });
});
