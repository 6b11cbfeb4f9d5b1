import { loadFixture } from '@parley/whatsapp';
import { afterEach, describe, expect, it } from 'vitest';
import { samplePng } from '../media-samples.js';
import type { StartSimulatorOptions } from '../server.js';
import {
  call,
  type Harness,
  PNID,
  send,
  shapeOf,
  startHarness,
  TOKEN,
  WABA,
  type Wire,
  waitFor,
} from '../test-support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
async function start(extra: Partial<StartSimulatorOptions> = {}) {
  h = await startHarness(extra);
  return h;
}
const create = (body: unknown) => call(h!.sim, 'POST', `/v25.0/${WABA}/message_templates`, body);
const templateUpdates = () => h!.receiver.changes('message_template_status_update');

describe('template management', () => {
  it('create → PENDING → APPROVED with a webhook shaped like template-status-approved', async () => {
    await start({ seedTemplates: false });
    const created = await create(loadFixture('template-create-request'));
    expect(created.body).toMatchObject({ status: 'PENDING', category: 'UTILITY' });
    const update = await waitFor(() => templateUpdates().find((v) => v.event === 'APPROVED'));
    const post = h!.receiver.posts.find(
      (p) => p.body.entry[0].changes[0].field === 'message_template_status_update',
    )!;
    expect(shapeOf(post.body)).toEqual(shapeOf(loadFixture('template-status-approved')));
    expect(update).toMatchObject({
      message_template_id: Number(created.body.id),
      message_template_name: 'order_shipped',
      message_template_language: 'en_US',
      reason: 'NONE',
      message_template_category: 'UTILITY',
    });
  });

  it('rejects adjacent variables with INVALID_FORMAT (shaped like template-status-rejected)', async () => {
    await start();
    await create({
      name: 'winter_promo',
      language: 'pt_BR',
      category: 'MARKETING',
      parameter_format: 'named',
      components: [
        {
          type: 'BODY',
          text: 'Hi {{first_name}} {{end_date}} is the last day.',
          example: {
            body_text_named_params: [
              { param_name: 'first_name', example: 'Ana' },
              { param_name: 'end_date', example: 'Fri' },
            ],
          },
        },
      ],
    });
    await waitFor(() => templateUpdates().find((v) => v.event === 'REJECTED'));
    const post = h!.receiver.posts.find((p) => p.body.entry[0].changes[0].value.event === 'REJECTED')!;
    expect(shapeOf(post.body)).toEqual(shapeOf(loadFixture('template-status-rejected')));
    expect(post.body.entry[0].changes[0].value.reason).toBe('INVALID_FORMAT');
  });

  it('follows configurable review rules', async () => {
    await start({
      templateReview: { rules: [{ namePattern: '^spam_', outcome: 'REJECTED', reason: 'PROMOTIONAL' }] },
    });
    await create({
      name: 'spam_now',
      language: 'en',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Buy now.' }],
    });
    const update = await waitFor(() => templateUpdates().find((v) => v.event === 'REJECTED'));
    expect(update.reason).toBe('PROMOTIONAL');
  });

  it.each([
    [
      'bad name',
      { name: 'Bad Name', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'x' }] },
      undefined,
    ],
    [
      'unknown language',
      { name: 'a', language: 'xx_XX', category: 'UTILITY', components: [{ type: 'BODY', text: 'x' }] },
      undefined,
    ],
    [
      'unknown category',
      { name: 'a', language: 'en', category: 'SPAM', components: [{ type: 'BODY', text: 'x' }] },
      undefined,
    ],
    ['no body', { name: 'a', language: 'en', category: 'UTILITY', components: [] }, undefined],
    [
      'body over 1024',
      {
        name: 'a',
        language: 'en',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'x'.repeat(1025) }],
      },
      undefined,
    ],
    [
      'variable at the start',
      {
        name: 'a',
        language: 'en',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: '{{1}} hi', example: { body_text: [['x']] } }],
      },
      2388299,
    ],
    [
      'missing examples',
      { name: 'a', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}.' }] },
      undefined,
    ],
    [
      'footer with a variable',
      {
        name: 'a',
        language: 'en',
        category: 'UTILITY',
        components: [
          { type: 'BODY', text: 'x' },
          { type: 'FOOTER', text: '{{1}}' },
        ],
      },
      undefined,
    ],
    [
      'duplicate name in the same language',
      {
        name: 'hello_world',
        language: 'en_US',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'x' }],
      },
      2388024,
    ],
  ])('refuses %s with code 100', async (_name, body, subcode) => {
    await start();
    const answer = await create(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(100);
    if (subcode) expect(answer.body.error.error_subcode).toBe(subcode);
  });

  it('refuses more than 250 templates per WABA with 2388019', async () => {
    await start();
    let answer = await create({
      name: 'bulk_0',
      language: 'en',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'x' }],
    });
    for (let i = 1; i < 260 && answer.status === 200; i += 1) {
      answer = await create({
        name: `bulk_${i}`,
        language: 'en',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'x' }],
      });
    }
    expect(answer.body.error.code).toBe(2388019);
    expect(h!.sim.core.templates.templates.size).toBe(250);
  });

  it('lists with filters and cursor pagination (paging.next until the end)', async () => {
    await start();
    for (const name of ['t_one', 't_two', 't_three']) {
      await create({
        name,
        language: 'de',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Hallo.' }],
      });
    }
    const names: string[] = [];
    let next: string | undefined = `/v25.0/${WABA}/message_templates?limit=2&language=de`;
    while (next) {
      const page = await call(h!.sim, 'GET', next.replace(h!.sim.url, ''));
      names.push(...page.body.data.map((t: Wire) => t.name));
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      next = page.body.paging?.next;
    }
    expect(names).toEqual(['t_one', 't_two', 't_three']);
    const approved = await call(
      h!.sim,
      'GET',
      `/v25.0/${WABA}/message_templates?status=APPROVED&fields=name,status`,
    );
    expect(
      approved.body.data.every(
        (t: Wire) => t.status === 'APPROVED' && Object.keys(t).sort().join() === 'id,name,status',
      ),
    ).toBe(true);
  });

  it('deletes by name (all languages) and emits DELETED', async () => {
    await start();
    const answer = await call(h!.sim, 'DELETE', `/v25.0/${WABA}/message_templates?name=hello_world`);
    expect(answer.body).toEqual({ success: true });
    const list = await call(h!.sim, 'GET', `/v25.0/${WABA}/message_templates?name=hello_world`);
    expect(list.body.data).toEqual([]);
    await waitFor(() => templateUpdates().find((v) => v.event === 'DELETED'));
  });

  it('deletes several by hsm_ids (all or nothing)', async () => {
    await start();
    const list = await call(h!.sim, 'GET', `/v25.0/${WABA}/message_templates`);
    const ids = list.body.data.map((t: Wire) => t.id);
    const partial = await call(
      h!.sim,
      'DELETE',
      `/v25.0/${WABA}/message_templates?hsm_ids=${encodeURIComponent(JSON.stringify([ids[0], '999']))}`,
    );
    expect(partial.body.error.code).toBe(100);
    expect((await call(h!.sim, 'GET', `/v25.0/${WABA}/message_templates`)).body.data).toHaveLength(
      ids.length,
    );
    const all = await call(
      h!.sim,
      'DELETE',
      `/v25.0/${WABA}/message_templates?hsm_ids=${encodeURIComponent(JSON.stringify(ids))}`,
    );
    expect(all.body).toEqual({ success: true });
    expect((await call(h!.sim, 'GET', `/v25.0/${WABA}/message_templates`)).body.data).toEqual([]);
  });

  it('gets one template by id and edits it (back to review)', async () => {
    await start();
    const list = await call(h!.sim, 'GET', `/v25.0/${WABA}/message_templates?name=hello_world`);
    const id = list.body.data[0].id;
    const one = await call(h!.sim, 'GET', `/v25.0/${id}?fields=status`);
    expect(one.body).toEqual({ status: 'APPROVED', id });
    const edit = await call(h!.sim, 'POST', `/v25.0/${id}`, {
      components: [{ type: 'BODY', text: 'New text.' }],
    });
    expect(edit.body).toEqual({ success: true });
    await waitFor(() => templateUpdates().find((v) => v.event === 'APPROVED'));
  });
});

describe('template sends', () => {
  const sendTemplate = (template: Record<string, unknown>) =>
    send(h!.sim, { messaging_product: 'whatsapp', to: '4917800000001', type: 'template', template });
  const orderShipped = (components: unknown[]) => ({
    name: 'order_shipped',
    language: { code: 'en_US' },
    components,
  });
  const header = {
    type: 'header',
    parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/box.png' } }],
  };
  const body = (n: number) => ({
    type: 'body',
    parameters: Array.from({ length: n }, (_, i) => ({ type: 'text', text: `v${i}` })),
  });
  const urlButton = {
    type: 'button',
    sub_type: 'url',
    index: '1',
    parameters: [{ type: 'text', text: 'A-1' }],
  };

  it.each([
    ['unknown template', { name: 'nope', language: { code: 'en_US' } }, 132001],
    ['wrong language', { name: 'hello_world', language: { code: 'de' } }, 132001],
    ['too few body parameters', orderShipped([header, body(1), urlButton]), 132000],
    ['too many body parameters', orderShipped([header, body(3), urlButton]), 132000],
    ['missing header media', orderShipped([body(2), urlButton]), 132012],
    ['no value for the URL button', orderShipped([header, body(2)]), 132000],
    [
      'URL button without its text parameter',
      orderShipped([header, body(2), { ...urlButton, parameters: [] }]),
      132000,
    ],
    [
      'header image without id or link',
      orderShipped([{ type: 'header', parameters: [{ type: 'image', image: {} }] }, body(2), urlButton]),
      131008,
    ],
    [
      'header image with id and link',
      orderShipped([
        {
          type: 'header',
          parameters: [{ type: 'image', image: { id: '1', link: 'https://x.example/a.png' } }],
        },
        body(2),
        urlButton,
      ]),
      100,
    ],
    [
      'video where the header is an image',
      orderShipped([
        { type: 'header', parameters: [{ type: 'video', video: { link: 'https://x.example/v.mp4' } }] },
        body(2),
      ]),
      132012,
    ],
    [
      'quick reply button at an unknown index',
      orderShipped([
        header,
        body(2),
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '5',
          parameters: [{ type: 'payload', payload: 'p' }],
        },
      ]),
      132000,
    ],
    [
      'url sub_type on a quick reply button',
      orderShipped([
        header,
        body(2),
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'x' }] },
      ]),
      132012,
    ],
    [
      'text parameter with a new line',
      orderShipped([
        header,
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'a\nb' },
            { type: 'text', text: 'c' },
          ],
        },
      ]),
      132018,
    ],
  ])('%s → %i', async (_name, template, code) => {
    await start();
    const answer = await sendTemplate(template);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(code);
  });

  it('a header image by uploaded id is delivered; an unknown or wrong-kind id fails with 131053', async () => {
    await start();
    const upload = async (bytes: Buffer, mime: string) => {
      const form = new FormData();
      form.append('messaging_product', 'whatsapp');
      form.append('type', mime);
      form.append('file', new Blob([bytes], { type: mime }), 'upload.bin');
      const response = await fetch(`${h!.sim.url}/v25.0/${PNID}/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: form,
      });
      return ((await response.json()) as { id: string }).id;
    };
    const image = await upload(samplePng(4), 'image/png');
    const pdf = await upload(Buffer.from('%PDF-1.4\n%%EOF\n'), 'application/pdf');
    const withHeader = (media: Record<string, unknown>) =>
      sendTemplate(
        orderShipped([{ type: 'header', parameters: [{ type: 'image', image: media }] }, body(2), urlButton]),
      );
    const answers = [
      await withHeader({ id: image }),
      await withHeader({ id: '987654321' }),
      await withHeader({ id: pdf }),
    ];
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const statusOf = (id: string) =>
      waitFor(() =>
        h!.receiver
          .statuses()
          .find((s) => s.id === id && (s.status === 'delivered' || s.status === 'failed')),
      );
    const [ok, unknown, wrongKind] = await Promise.all(answers.map((a) => statusOf(a.body.messages[0].id)));
    expect(ok.status).toBe('delivered');
    for (const failed of [unknown, wrongKind]) {
      expect(failed.status).toBe('failed');
      expect(failed.errors[0].code).toBe(131053);
    }
  });

  it('a copy-code button needs its coupon_code parameter', async () => {
    await start({ templateReview: { delayMs: 0 } });
    await create({
      name: 'fall_coupon',
      language: 'en_US',
      category: 'MARKETING',
      components: [
        { type: 'BODY', text: 'Use the code below for {{1}} off.', example: { body_text: [['25%']] } },
        { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', text: 'Copy offer code', example: '25OFF' }] },
      ],
    });
    await waitFor(() => templateUpdates().find((v) => v.event === 'APPROVED'));
    const coupon = (buttons: unknown[]) =>
      sendTemplate({ name: 'fall_coupon', language: { code: 'en_US' }, components: [body(1), ...buttons] });
    const button = (parameters: unknown[]) => ({
      type: 'button',
      sub_type: 'copy_code',
      index: '0',
      parameters,
    });
    expect((await coupon([])).body.error.code).toBe(132000);
    expect((await coupon([button([{ type: 'text', text: '25OFF' }])])).body.error.code).toBe(132012);
    const ok = await coupon([button([{ type: 'coupon_code', coupon_code: '25OFF' }])]);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });

  it('a filled-in body over 1024 characters → 132005', async () => {
    await start();
    const long = 'x'.repeat(1000);
    const answer = await sendTemplate(
      orderShipped([
        header,
        {
          type: 'body',
          parameters: [
            { type: 'text', text: long },
            { type: 'text', text: 'y' },
          ],
        },
      ]),
    );
    expect(answer.body.error.code).toBe(132005);
  });

  it('PENDING and REJECTED templates cannot be sent (132001); PAUSED → 132015; DISABLED → 132016', async () => {
    await start({ templateReview: { delayMs: 60_000 } });
    await create({
      name: 'pending_one',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'x' }],
    });
    expect((await sendTemplate({ name: 'pending_one', language: { code: 'en_US' } })).body.error.code).toBe(
      132001,
    );
    await call(h!.sim, 'POST', '/_sim/templates/hello_world/status', { status: 'PAUSED' }, { auth: false });
    expect((await sendTemplate({ name: 'hello_world', language: { code: 'en_US' } })).body.error.code).toBe(
      132015,
    );
    await call(h!.sim, 'POST', '/_sim/templates/hello_world/status', { status: 'DISABLED' }, { auth: false });
    expect((await sendTemplate({ name: 'hello_world', language: { code: 'en_US' } })).body.error.code).toBe(
      132016,
    );
    const paused = await waitFor(() => templateUpdates().find((v) => v.event === 'PAUSED'));
    expect(paused.message_template_name).toBe('hello_world');
  });

  it('renders the filled-in template for the customer phone', async () => {
    await start();
    const answer = await sendTemplate(
      orderShipped([
        header,
        body(2),
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '0',
          parameters: [{ type: 'payload', payload: 'track:1' }],
        },
        { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'A-1' }] },
      ]),
    );
    expect(answer.status).toBe(200);
    const message = await call(h!.sim, 'GET', `/_sim/messages/${answer.body.messages[0].id}`, undefined, {
      auth: false,
    });
    expect(message.body.rendered.body).toBe('Hi v0, your order v1 has shipped.');
    expect(message.body.rendered.buttons).toEqual([
      { type: 'QUICK_REPLY', text: 'Track order', payload: 'track:1' },
      { type: 'URL', text: 'Order details', url: 'https://shop.example.com/orders/A-1' },
    ]);
  });
});
