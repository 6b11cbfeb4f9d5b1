import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildWorkspace } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';

/**
 * Templates with a media header and button values, through the real server and the simulator over
 * HTTP: the file is uploaded to Parley, attached to the message, uploaded to the Graph API by the send
 * job and sent as the header's media id.
 */
let bed: WhatsAppTestbed;
type Template = {
  id: string;
  name: string;
  headerFormat: string | null;
  buttonParameters: { index: number; type: string; text: string; example?: string }[];
};
let templates: Template[];

const url = (rest: string) => `/api/v1/workspaces/${bed.workspaceId}${rest}`;
const templateNamed = (name: string) => {
  const found = templates.find((t) => t.name === name);
  if (!found) throw new Error(`template ${name} not synced`);
  return found;
};

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(2048, 7),
]);
const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(2048, 1)]);
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** Uploads a file like the composer does (multipart, one part "file"); returns the media id. */
async function upload(bytes: Buffer, type: string, name: string): Promise<string> {
  const res = await bed.upload(bed.owner, bytes, type, name);
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function customer(waId: string, name: string) {
  await bed.inbound(waId, name, { type: 'text', text: { body: 'Wo bleibt meine Bestellung?' } });
  return until('the conversation', () => bed.conversationOf(bed.owner, name));
}

function sendTemplate(conversationId: string, template: Record<string, unknown>) {
  return as(bed.server, bed.owner, {
    method: 'POST',
    url: url(`/conversations/${conversationId}/messages`),
    payload: { template },
  });
}

async function finalStatus(conversationId: string, messageId: string, wanted: string[]) {
  return until(`message ${messageId} ${wanted.join('/')}`, async () => {
    const m = (await bed.messagesOf(bed.owner, conversationId)).find((x) => x.id === messageId);
    return m && wanted.includes(m.status) ? m : null;
  });
}

const issuePaths = (res: { json(): unknown }) =>
  (res.json() as { error: { details: { issues: { path: string }[] } } }).error.details.issues.map(
    (i) => i.path,
  );

beforeAll(async () => {
  bed = await startWhatsAppTestbed({
    sim: { templateReview: { delayMs: 0, rules: [], defaultOutcome: 'APPROVED' } },
  });
  // A document-header template with a copy-code button, created at "Meta" (approved at once); its
  // sample goes through the Resumable Upload API like a real one.
  const pdf = Buffer.from('%PDF-1.4\n% invoice sample\n');
  const session = await fetch(
    `${bed.sim.url}/v24.0/${bed.sim.core.options.appId}/uploads?file_name=h.pdf&file_length=${pdf.length}&file_type=application/pdf`,
    { method: 'POST', headers: { authorization: 'Bearer sim-access-token-123' } },
  ).then((r) => r.json() as Promise<{ id: string }>);
  const { h: handle } = await fetch(`${bed.sim.url}/v24.0/${session.id}`, {
    method: 'POST',
    headers: {
      authorization: 'OAuth sim-access-token-123',
      file_offset: '0',
      'content-type': 'application/octet-stream',
    },
    body: pdf,
  }).then((r) => r.json() as Promise<{ h: string }>);
  const created = await fetch(`${bed.sim.url}/v24.0/102290129340398/message_templates`, {
    method: 'POST',
    headers: { authorization: 'Bearer sim-access-token-123', 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'invoice_ready',
      language: 'de',
      category: 'MARKETING',
      components: [
        {
          type: 'HEADER',
          format: 'DOCUMENT',
          example: { header_handle: [handle] },
        },
        { type: 'BODY', text: 'Hallo {{1}}, hier ist Ihre Rechnung.', example: { body_text: [['Ana']] } },
        { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', text: 'Code kopieren', example: 'DANKE10' }] },
      ],
    }),
  });
  expect(created.status, await created.clone().text()).toBe(200);
  await until('invoice_ready approved', async () =>
    bed.sim.core.templates.list().some((t) => t.name === 'invoice_ready' && t.status === 'APPROVED'),
  );
  const sync = await as(bed.server, bed.owner, {
    method: 'POST',
    url: url(`/channels/${bed.channel.id}/templates/sync`),
  });
  expect(sync.statusCode, sync.body).toBe(200);
  const list = await as(bed.server, bed.owner, { method: 'GET', url: url('/templates?status=APPROVED') });
  templates = list.json().templates;
});
afterAll(async () => bed?.close());

describe('template list', () => {
  it('tells the header format and the buttons that take a value', () => {
    expect(templateNamed('order_shipped')).toMatchObject({
      headerFormat: 'IMAGE',
      buttonParameters: [{ index: 1, type: 'url', text: 'Order details', example: 'A-1042' }],
    });
    expect(templateNamed('order_ready')).toMatchObject({ headerFormat: 'TEXT', buttonParameters: [] });
    expect(templateNamed('hello_world')).toMatchObject({ headerFormat: 'TEXT', buttonParameters: [] });
    expect(templateNamed('invoice_ready')).toMatchObject({
      headerFormat: 'DOCUMENT',
      buttonParameters: [{ index: 0, type: 'copy_code', text: 'Code kopieren', example: 'DANKE10' }],
    });
  });
});

describe('sending a template with a media header and button values', () => {
  it('order_shipped with an uploaded image and the URL value reaches WhatsApp and is delivered', async () => {
    const waId = '4915100007001';
    const conv = await customer(waId, 'Bea Bild');
    const shipped = templateNamed('order_shipped');
    const imageId = await upload(png, 'image/png', 'paket.png');
    const res = await sendTemplate(conv.id, {
      templateId: shipped.id,
      body: ['Bea', 'A-1042'],
      headerMediaId: imageId,
      buttons: { '1': 'A-1042' },
    });
    expect(res.statusCode, res.body).toBe(202);
    const message = res.json();
    expect(message).toMatchObject({
      type: 'template',
      text: 'Hi Bea, your order A-1042 has shipped.',
      media: { id: imageId, kind: 'image', status: 'stored' },
    });
    // Stored with a marker: the Graph media id is only known when the job uploads the file.
    expect(message.content.template.components[0]).toEqual({
      type: 'header',
      parameters: [{ type: 'image', image: { parley_media: true } }],
    });

    const delivered = await finalStatus(conv.id, message.id, ['delivered', 'read']);
    expect(delivered.media).toMatchObject({ id: imageId, kind: 'image' });
    const [atSim] = (await bed.sentTo(waId)).filter((s) => s.type === 'template');
    const template = atSim!.body.template as {
      name: string;
      components: { type: string; parameters: Record<string, unknown>[] }[];
    };
    expect(template.name).toBe('order_shipped');
    const header = template.components.find((c) => c.type === 'header')!;
    const graphId = (header.parameters[0] as { type: string; image: { id: string } }).image.id;
    expect(header.parameters).toEqual([{ type: 'image', image: { id: graphId } }]);
    // The simulator knows that id: Parley uploaded the PNG to its media API.
    const known = bed.sim.core.media.find(graphId);
    expect(known).toMatchObject({ kind: 'image', mimeType: 'image/png' });
    expect(known!.bytes.equals(png)).toBe(true);
    expect(template.components.slice(1)).toEqual([
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Bea' },
          { type: 'text', text: 'A-1042' },
        ],
      },
      { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'A-1042' }] },
    ]);
  });

  it('a document header goes out with its file name, a copy-code value as coupon_code', async () => {
    const waId = '4915100007002';
    const conv = await customer(waId, 'Dora Dokument');
    const documentId = await upload(pdf, 'application/pdf', 'Rechnung 2026-17.pdf');
    const res = await sendTemplate(conv.id, {
      templateId: templateNamed('invoice_ready').id,
      body: ['Dora'],
      headerMediaId: documentId,
      buttons: { '0': 'DANKE10' },
    });
    expect(res.statusCode, res.body).toBe(202);
    await finalStatus(conv.id, res.json().id, ['delivered', 'read']);
    const [atSim] = (await bed.sentTo(waId)).filter((s) => s.type === 'template');
    const components = (atSim!.body.template as { components: Record<string, unknown>[] }).components;
    expect(components[0]).toEqual({
      type: 'header',
      parameters: [
        {
          type: 'document',
          document: { id: expect.any(String), filename: 'Rechnung 2026-17.pdf' },
        },
      ],
    });
    expect(components[2]).toEqual({
      type: 'button',
      sub_type: 'copy_code',
      index: '0',
      parameters: [{ type: 'coupon_code', coupon_code: 'DANKE10' }],
    });
  });
});

describe('refused template sends', () => {
  it('without the header image: 400 at body.template.headerMediaId', async () => {
    const conv = await customer('4915100007101', 'Ohne Bild');
    const res = await sendTemplate(conv.id, {
      templateId: templateNamed('order_shipped').id,
      body: ['Ana', 'A-1'],
      buttons: { '1': 'A-1' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.issues).toEqual([
      { path: 'body.template.headerMediaId', message: 'This template needs an image for its header' },
    ]);
  });

  it('a video for an IMAGE header: 400 at body.template.headerMediaId', async () => {
    const conv = await customer('4915100007102', 'Vera Video');
    const videoId = await upload(mp4, 'video/mp4', 'clip.mp4');
    const res = await sendTemplate(conv.id, {
      templateId: templateNamed('order_shipped').id,
      body: ['Ana', 'A-1'],
      headerMediaId: videoId,
      buttons: { '1': 'A-1' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.issues).toEqual([
      { path: 'body.template.headerMediaId', message: 'The header needs an image; this file is a video' },
    ]);
  });

  it('without the button value: 400 at body.template.buttons.1; every issue at once', async () => {
    const conv = await customer('4915100007103', 'Kein Knopf');
    const imageId = await upload(png, 'image/png', 'a.png');
    const res = await sendTemplate(conv.id, {
      templateId: templateNamed('order_shipped').id,
      body: ['Ana', 'A-1'],
      headerMediaId: imageId,
    });
    expect(res.statusCode).toBe(400);
    expect(issuePaths(res)).toEqual(['body.template.buttons.1']);
    const spaces = await sendTemplate(conv.id, {
      templateId: templateNamed('order_shipped').id,
      body: ['Ana', 'A-1'],
      headerMediaId: imageId,
      buttons: { '1': 'A 1', '0': 'track' },
    });
    expect(spaces.statusCode).toBe(400);
    expect(issuePaths(spaces)).toEqual(['body.template.buttons.1', 'body.template.buttons.0']);
    const all = await sendTemplate(conv.id, { templateId: templateNamed('order_shipped').id, body: ['Ana'] });
    expect(issuePaths(all)).toEqual([
      'body.template.body',
      'body.template.headerMediaId',
      'body.template.buttons.1',
    ]);
    // Nothing was recorded for the refused sends.
    expect((await bed.messagesOf(bed.owner, conv.id)).filter((m) => m.direction === 'outbound')).toEqual([]);
  });

  it('the same file twice: the second send is 409 media_not_ready and sends nothing', async () => {
    const waId = '4915100007104';
    const conv = await customer(waId, 'Zwei Mal');
    const imageId = await upload(png, 'image/png', 'einmal.png');
    const template = {
      templateId: templateNamed('order_shipped').id,
      body: ['Ana', 'A-2'],
      headerMediaId: imageId,
      buttons: { '1': 'A-2' },
    };
    const first = await sendTemplate(conv.id, template);
    expect(first.statusCode, first.body).toBe(202);
    const second = await sendTemplate(conv.id, template);
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('media_not_ready');
    // Nor can the file go out as an attachment now.
    const asMedia = await as(bed.server, bed.owner, {
      method: 'POST',
      url: url(`/conversations/${conv.id}/messages`),
      payload: { media: { mediaId: imageId } },
    });
    expect(asMedia.statusCode).toBe(409);
    await finalStatus(conv.id, first.json().id, ['delivered', 'read']);
    expect((await bed.sentTo(waId)).filter((s) => s.type !== 'text')).toHaveLength(1);
  });

  it("a customer's file is not an upload (409); another workspace's file is unknown (400)", async () => {
    const conv = await customer('4915100007105', 'Fremde Datei');
    const { id: wamid } = await bed.inbound('4915100007105', 'Fremde Datei', {
      type: 'image',
      image: { caption: 'von mir' },
    });
    const inboundImage = await until('the inbound image', async () => {
      const m = (await bed.messagesOf(bed.owner, conv.id)).find((x) => x.providerMessageId === wamid);
      return m?.media && (m.media as { status: string }).status === 'stored' ? m : null;
    });
    const template = {
      templateId: templateNamed('order_shipped').id,
      body: ['Ana', 'A-3'],
      buttons: { '1': 'A-3' },
    };
    const inbound = await sendTemplate(conv.id, {
      ...template,
      headerMediaId: (inboundImage.media as { id: string }).id,
    });
    expect(inbound.statusCode).toBe(409);
    expect(inbound.json().error.code).toBe('media_not_ready');

    const other = await buildWorkspace(bed.server);
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), 'fremd.png');
    const foreign = await fetch(`${bed.serverUrl}/api/v1/workspaces/${other.workspace.id}/media`, {
      method: 'POST',
      headers: { cookie: other.owner.cookie },
      body: form,
    });
    expect(foreign.status).toBe(201);
    const res = await sendTemplate(conv.id, {
      ...template,
      headerMediaId: ((await foreign.json()) as { id: string }).id,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.issues).toEqual([
      { path: 'body.template.headerMediaId', message: 'Unknown file' },
    ]);
  });

  it('a header file for a template without a media header: 400', async () => {
    const conv = await customer('4915100007106', 'Text Kopf');
    const imageId = await upload(png, 'image/png', 'b.png');
    const res = await sendTemplate(conv.id, {
      templateId: templateNamed('hello_world').id,
      headerMediaId: imageId,
    });
    expect(res.statusCode).toBe(400);
    expect(issuePaths(res)).toEqual(['body.template.headerMediaId']);
  });
});
