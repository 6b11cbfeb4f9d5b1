import { loadFixture } from '@parley/whatsapp';
import { afterEach, describe, expect, it } from 'vitest';
import {
  call,
  type Harness,
  inbound,
  PNID,
  send,
  startHarness,
  text,
  WABA,
  type Wire,
  waitFor,
} from '../test-support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('phone number, WABA and subscribed_apps', () => {
  it('reports quality rating, throughput level and messaging limit (fields honoured)', async () => {
    h = await startHarness();
    const number = await call(h.sim, 'GET', `/v25.0/${PNID}`);
    expect(number.body).toMatchObject({
      id: PNID,
      display_phone_number: '+15550100001',
      quality_rating: 'GREEN',
      throughput: { level: 'STANDARD' },
      whatsapp_business_manager_messaging_limit: 'TIER_250',
    });
    await call(
      h.sim,
      'POST',
      '/_sim/config',
      { qualityRating: 'YELLOW', rules: { throughputMps: 1000, messagingLimitTier: 'TIER_2K' } },
      { auth: false },
    );
    const some = await call(
      h.sim,
      'GET',
      `/v25.0/${PNID}?fields=quality_rating,throughput,whatsapp_business_manager_messaging_limit`,
    );
    expect(some.body).toEqual({
      quality_rating: 'YELLOW',
      throughput: { level: 'HIGH' },
      whatsapp_business_manager_messaging_limit: 'TIER_2K',
      id: PNID,
    });
    const list = await call(h.sim, 'GET', `/v25.0/${WABA}/phone_numbers`);
    expect(list.body.data.map((n: Wire) => n.id)).toEqual([PNID]);
  });

  it('subscribes, lists and unsubscribes the app', async () => {
    h = await startHarness();
    expect((await call(h.sim, 'GET', `/v25.0/${WABA}/subscribed_apps`)).body.data).toEqual([]);
    expect((await call(h.sim, 'POST', `/v25.0/${WABA}/subscribed_apps`)).body).toEqual({ success: true });
    expect((await call(h.sim, 'GET', `/v25.0/${WABA}/subscribed_apps`)).body.data).toHaveLength(1);
    expect((await call(h.sim, 'DELETE', `/v25.0/${WABA}/subscribed_apps`)).body).toEqual({ success: true });
    expect((await call(h.sim, 'GET', `/v25.0/${WABA}/subscribed_apps`)).body.data).toEqual([]);
    const wrong = await call(h.sim, 'GET', `/v25.0/${PNID}/subscribed_apps`);
    expect(wrong.body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('registers with a 6-digit PIN only', async () => {
    h = await startHarness();
    expect(
      (await call(h.sim, 'POST', `/v25.0/${PNID}/register`, { messaging_product: 'whatsapp', pin: '123456' }))
        .body,
    ).toEqual({ success: true });
    expect(
      (await call(h.sim, 'POST', `/v25.0/${PNID}/register`, { messaging_product: 'whatsapp', pin: '12' }))
        .body.error.code,
    ).toBe(100);
  });
});

describe('status details', () => {
  it('webhook version ≤ 23 adds conversation (expiration only on sent)', async () => {
    h = await startHarness({ webhook: { version: 23 } });
    await inbound(h.sim, { from: '4917900000001', message: { type: 'text', text: { body: 'hi' } } });
    const answer = await send(h.sim, text('4917900000001'));
    const id = answer.body.messages[0].id;
    const sent = await waitFor(() => h!.receiver.statuses().find((s) => s.id === id && s.status === 'sent'));
    const delivered = await waitFor(() =>
      h!.receiver.statuses().find((s) => s.id === id && s.status === 'delivered'),
    );
    expect(sent.conversation).toMatchObject({
      id: expect.any(String),
      expiration_timestamp: expect.any(String),
      origin: { type: 'service' },
    });
    expect(delivered.conversation.expiration_timestamp).toBeUndefined();
  });

  it('a click-to-WhatsApp ad opens a free entry point: replies are priced free_entry_point', async () => {
    h = await startHarness();
    const referral = loadFixture<Wire>('inbound-ctwa-referral').entry[0].changes[0].value.messages[0];
    await inbound(h.sim, {
      from: '4917900000002',
      message: { type: 'text', text: referral.text, referral: referral.referral },
    });
    const answer = await send(h.sim, {
      messaging_product: 'whatsapp',
      to: '4917900000002',
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    const sent = await waitFor(() =>
      h!.receiver.statuses().find((s) => s.id === answer.body.messages[0].id && s.status === 'sent'),
    );
    expect(sent.pricing).toEqual({
      billable: false,
      pricing_model: 'PMP',
      type: 'free_entry_point',
      category: 'utility',
    });
  });
});
