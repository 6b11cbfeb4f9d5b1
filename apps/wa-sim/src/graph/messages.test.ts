import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  type Harness,
  openWindow,
  send,
  startHarness,
  text,
  type Wire,
  waitFor,
} from '../test-support.js';

let h: Harness;
const TO = '4917600000001';
beforeAll(async () => {
  h = await startHarness({ rules: { pairRateLimit: false } });
  await openWindow(h.sim, TO);
});
afterAll(async () => h.close());

const base = { messaging_product: 'whatsapp', to: TO };
const long = (n: number) => 'x'.repeat(n);
const buttons = (n: number, title = (i: number) => `B${i}`) =>
  Array.from({ length: n }, (_, i) => ({ type: 'reply', reply: { id: `id${i}`, title: title(i) } }));
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
const list = (sections: unknown[], button = 'Pick') => ({
  ...base,
  type: 'interactive',
  interactive: { type: 'list', body: { text: 'b' }, action: { button, sections } },
});
const buttonMsg = (items: unknown[], extra: Record<string, unknown> = {}) => ({
  ...base,
  type: 'interactive',
  interactive: { type: 'button', body: { text: 'b' }, action: { buttons: items }, ...extra },
});

describe('send validation answers like Meta (Graph error envelope with the matching code)', () => {
  const cases: [string, unknown, number][] = [
    ['body is not an object', [1, 2], 100],
    ['messaging_product missing', { to: TO, type: 'text', text: { body: 'x' } }, 100],
    [
      'messaging_product wrong',
      { ...base, messaging_product: 'sms', type: 'text', text: { body: 'x' } },
      100,
    ],
    ['to missing', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 100],
    ['to not a phone number', { ...base, to: 'abc', type: 'text', text: { body: 'x' } }, 100],
    ['to has the wrong type', { ...base, to: 4917600000001, type: 'text', text: { body: 'x' } }, 100],
    ['type missing', { ...base, text: { body: 'x' } }, 100],
    ['type unknown', { ...base, type: 'poll', poll: {} }, 131051],
    ['type object missing', { ...base, type: 'text' }, 100],
    ['text.body missing', { ...base, type: 'text', text: {} }, 131008],
    ['text.body empty', { ...base, type: 'text', text: { body: '   ' } }, 131009],
    ['text.body over 4096', { ...base, type: 'text', text: { body: long(4097) } }, 100],
    ['preview_url not boolean', { ...base, type: 'text', text: { body: 'x', preview_url: 'yes' } }, 100],
    ['biz_opaque_callback_data over 512', { ...text(TO), biz_opaque_callback_data: long(513) }, 100],
    ['context without message_id', { ...text(TO), context: {} }, 131008],
    ['image without id or link', { ...base, type: 'image', image: {} }, 131008],
    [
      'image with id and link',
      { ...base, type: 'image', image: { id: '1', link: 'https://x.example/a.png' } },
      100,
    ],
    ['image link not a URL', { ...base, type: 'image', image: { link: 'not a url' } }, 131009],
    ['image link ftp', { ...base, type: 'image', image: { link: 'ftp://x.example/a.png' } }, 131009],
    [
      'image caption over 1024',
      { ...base, type: 'image', image: { link: 'https://x.example/a.png', caption: long(1025) } },
      100,
    ],
    [
      'audio with caption',
      { ...base, type: 'audio', audio: { link: 'https://x.example/a.mp3', caption: 'c' } },
      100,
    ],
    [
      'sticker with filename',
      { ...base, type: 'sticker', sticker: { link: 'https://x.example/a.webp', filename: 'f' } },
      100,
    ],
    ['location latitude missing', { ...base, type: 'location', location: { longitude: 1 } }, 131008],
    [
      'location latitude out of range',
      { ...base, type: 'location', location: { latitude: 91, longitude: 1 } },
      131009,
    ],
    ['contacts empty', { ...base, type: 'contacts', contacts: [] }, 131008],
    ['contacts without formatted_name', { ...base, type: 'contacts', contacts: [{ name: {} }] }, 131008],
    ['reaction without message_id', { ...base, type: 'reaction', reaction: { emoji: '👍' } }, 131008],
    [
      'reaction emoji is text',
      { ...base, type: 'reaction', reaction: { message_id: 'wamid.x', emoji: 'hello' } },
      131009,
    ],
    [
      'interactive type unknown',
      { ...base, type: 'interactive', interactive: { type: 'carousel', action: {} } },
      131009,
    ],
    [
      'interactive without action',
      { ...base, type: 'interactive', interactive: { type: 'button', body: { text: 'b' } } },
      131008,
    ],
    ['buttons: none', buttonMsg([]), 131009],
    ['buttons: four', buttonMsg(buttons(4)), 131009],
    ['button title over 20', buttonMsg(buttons(1, () => long(21))), 100],
    ['button titles not unique', buttonMsg(buttons(2, () => 'Same')), 131009],
    [
      'button body over 1024',
      {
        ...buttonMsg(buttons(1)),
        interactive: { type: 'button', body: { text: long(1025) }, action: { buttons: buttons(1) } },
      },
      100,
    ],
    [
      'button body missing',
      { ...base, type: 'interactive', interactive: { type: 'button', action: { buttons: buttons(1) } } },
      131008,
    ],
    ['button footer over 60', buttonMsg(buttons(1), { footer: { text: long(61) } }), 100],
    ['button header text over 60', buttonMsg(buttons(1), { header: { type: 'text', text: long(61) } }), 100],
    [
      'list: 11 rows in total',
      list([
        { title: 'A', rows: rows(6) },
        { title: 'B', rows: rows(5).map((r) => ({ ...r, id: `b${r.id}` })) },
      ]),
      131009,
    ],
    [
      'list: 11 sections',
      list(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: [{ id: `r${i}`, title: 't' }] }))),
      131009,
    ],
    ['list: row title over 24', list([{ title: 'A', rows: [{ id: 'r', title: long(25) }] }]), 100],
    [
      'list: row description over 72',
      list([{ title: 'A', rows: [{ id: 'r', title: 't', description: long(73) }] }]),
      100,
    ],
    ['list: row id over 200', list([{ title: 'A', rows: [{ id: long(201), title: 't' }] }]), 100],
    ['list: button label over 20', list([{ title: 'A', rows: rows(1) }], long(21)), 100],
    ['list: section title over 24', list([{ title: long(25), rows: rows(1) }]), 100],
    [
      'list: media header',
      {
        ...list([{ title: 'A', rows: rows(1) }]),
        interactive: {
          ...list([{ rows: rows(1) }]).interactive,
          header: { type: 'image', image: { link: 'https://x.example/a.png' } },
        },
      },
      131009,
    ],
    [
      'cta_url: display_text over 20',
      {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          body: { text: 'b' },
          action: { name: 'cta_url', parameters: { display_text: long(21), url: 'https://x.example' } },
        },
      },
      100,
    ],
    [
      'cta_url: bad url',
      {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          body: { text: 'b' },
          action: { name: 'cta_url', parameters: { display_text: 'Go', url: 'javascript:alert(1)' } },
        },
      },
      131009,
    ],
    [
      'template name missing',
      { ...base, type: 'template', template: { language: { code: 'en_US' } } },
      131008,
    ],
    ['template language missing', { ...base, type: 'template', template: { name: 'hello_world' } }, 131008],
    ['recipient is the sender', { ...text('15550100001') }, 131021],
    [
      'mark read: unknown message',
      { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.nope' },
      131009,
    ],
    [
      'mark read: status not read',
      { messaging_product: 'whatsapp', status: 'delivered', message_id: 'x' },
      100,
    ],
    [
      'mark read: bad typing indicator',
      { messaging_product: 'whatsapp', status: 'read', message_id: 'x', typing_indicator: { type: 'audio' } },
      100,
    ],
  ];

  it.each(cases)('%s → code %i', async (_name, body, code) => {
    const answer = await send(h.sim, body);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.body.error.code).toBe(code);
    expect(answer.body.error.type).toBe('OAuthException');
    expect(answer.body.error.fbtrace_id).toEqual(expect.any(String));
    if (code !== 190) expect(answer.body.error.error_data.messaging_product).toBe('whatsapp');
  });

  it.each([
    [
      'text at the 4096 limit with preview_url',
      { ...base, type: 'text', text: { body: long(4096), preview_url: true } },
    ],
    [
      'image by link with caption',
      { ...base, type: 'image', image: { link: 'https://x.example/a.png', caption: long(1024) } },
    ],
    [
      'video, audio, sticker, document by link',
      { ...base, type: 'video', video: { link: 'https://x.example/v.mp4' } },
    ],
    ['audio by link', { ...base, type: 'audio', audio: { link: 'https://x.example/a.ogg' } }],
    ['sticker by link', { ...base, type: 'sticker', sticker: { link: 'https://x.example/s.webp' } }],
    [
      'location',
      { ...base, type: 'location', location: { latitude: 38.7, longitude: -9.1, name: 'P', address: 'A' } },
    ],
    [
      'contacts',
      {
        ...base,
        type: 'contacts',
        contacts: [{ name: { formatted_name: 'Desk' }, phones: [{ phone: '+1555' }] }],
      },
    ],
    [
      'three buttons with a media header',
      buttonMsg(buttons(3), { header: { type: 'image', image: { link: 'https://x.example/a.png' } } }),
    ],
    ['list with 10 rows', list([{ title: 'A', rows: rows(10) }])],
    [
      'cta_url',
      {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          body: { text: 'b' },
          action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://x.example' } },
        },
      },
    ],
    [
      'template hello_world without components',
      { ...base, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
    ],
    ['reply with context', { ...text(TO, 'quoted'), context: { message_id: 'wamid.any' } }],
    [
      'removing a reaction with ""',
      { ...base, type: 'reaction', reaction: { message_id: 'wamid.any', emoji: '' } },
    ],
  ])('accepts %s', async (_name, body) => {
    const answer = await send(h.sim, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.messages[0].id).toMatch(/^wamid\./);
  });

  it('answers every call without a valid bearer token with 190', async () => {
    const missing = await send(h.sim, text(TO), { auth: false });
    const wrong = await send(h.sim, text(TO), { auth: 'nope' });
    const get = await call(h.sim, 'GET', '/v25.0/200000000000002', undefined, { auth: false });
    for (const answer of [missing, wrong, get]) {
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe(190);
    }
  });

  it('accepts the token as access_token query parameter and Wire vNN.N version', async () => {
    const answer = await call(
      h.sim,
      'GET',
      '/v19.0/200000000000002?access_token=test-access-token',
      undefined,
      { auth: false },
    );
    expect(answer.status).toBe(200);
    const bad = await call(h.sim, 'GET', '/version1/200000000000002');
    expect(bad.body.error.code).toBe(100);
  });

  it('answers an unknown phone number id like Graph (100 / subcode 33)', async () => {
    const answer = await call(h.sim, 'POST', '/v25.0/999/messages', text(TO));
    expect(answer.body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });
});

describe('send lifecycle', () => {
  it('returns a fresh wamid per send and echoes biz_opaque_callback_data on every status', async () => {
    const first = await send(h.sim, { ...text(TO, 'one'), biz_opaque_callback_data: 'corr-1' });
    const second = await send(h.sim, text(TO, 'two'));
    expect(first.body.messages[0].id).not.toBe(second.body.messages[0].id);
    const id = first.body.messages[0].id;
    await waitFor(() => h.receiver.statuses().filter((s) => s.id === id).length === 3);
    const statuses = h.receiver.statuses().filter((s) => s.id === id);
    // Arrival order is not guaranteed (parallel POSTs), like Meta's.
    const byStatus = Object.fromEntries(statuses.map((s) => [s.status, s]));
    expect(Object.keys(byStatus).sort()).toEqual(['delivered', 'read', 'sent']);
    expect(statuses.every((s) => s.biz_opaque_callback_data === 'corr-1')).toBe(true);
    expect(byStatus.sent.pricing).toEqual({
      billable: false,
      pricing_model: 'PMP',
      type: 'free_customer_service',
      category: 'service',
    });
    expect(byStatus.read.pricing).toBeUndefined();
  });

  it('mark as read sets the blue ticks of that and earlier messages; typing shows on the phone', async () => {
    const first = await openWindow(h.sim, TO);
    const second = await openWindow(h.sim, TO);
    const answer = await send(h.sim, {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: second,
      typing_indicator: { type: 'text' },
    });
    expect(answer.body).toEqual({ success: true });
    const thread = await call(h.sim, 'GET', `/_sim/customers/${TO}/thread`, undefined, { auth: false });
    const byId = new Map(thread.body.messages.map((m: Wire) => [m.id, m]));
    expect((byId.get(first) as Wire).read_by_business).toBe(true);
    expect((byId.get(second) as Wire).read_by_business).toBe(true);
    expect(thread.body.customer.typing).toBe(true);
  });

  it('a reaction to an unknown message is accepted, then fails with 131009; a known one is shown', async () => {
    const unknown = await send(h.sim, {
      ...base,
      type: 'reaction',
      reaction: { message_id: 'wamid.unknown', emoji: '👍' },
    });
    expect(unknown.status).toBe(200);
    const failed = await waitFor(() =>
      h.receiver.statuses().find((s) => s.id === unknown.body.messages[0].id && s.status === 'failed'),
    );
    expect(failed.errors[0].code).toBe(131009);
    const target = await openWindow(h.sim, TO);
    await send(h.sim, { ...base, type: 'reaction', reaction: { message_id: target, emoji: '🙏' } });
    const shown = await call(h.sim, 'GET', `/_sim/messages/${target}`, undefined, { auth: false });
    expect(shown.body.reaction).toBe('🙏');
  });

  it('lists what the business sent to a customer with status (GET /_sim/sent)', async () => {
    const sent = await send(h.sim, text(TO, 'track me'));
    const id = sent.body.messages[0].id;
    const answer = await call(h.sim, 'GET', `/_sim/sent?to=%2B${TO}`, undefined, { auth: false });
    const item = answer.body.find((m: Wire) => m.id === id);
    expect(item).toMatchObject({
      id,
      wamid: id,
      to: TO,
      wa_id: TO,
      type: 'text',
      body: { text: { body: 'track me' } },
    });
    expect(['accepted', 'sent', 'delivered', 'read']).toContain(item.status);
  });
});
