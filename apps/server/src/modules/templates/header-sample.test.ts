import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildMember, type Person } from '../../test/harness.js';
import { startWhatsAppTestbed, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';
import { sampleFileName } from './header-sample.js';

/**
 * Media header samples over the real server and the simulator: the upload through Meta's Resumable
 * Upload API, the template created with the handle, and what is refused (missing handle, wrong type,
 * too big, another workspace, agents).
 */
let bed: WhatsAppTestbed;
let agent: Person;
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(200, 7),
]);
const PDF = Buffer.from('%PDF-1.4\n% a sample document\n');

const sampleUrl = (format: string, workspaceId = bed.workspaceId, channelId = bed.channel.id) =>
  `${bed.serverUrl}/api/v1/workspaces/${workspaceId}/channels/${channelId}/templates/header-sample?format=${format}`;

async function uploadSample(
  format: string,
  bytes: Buffer,
  type: string,
  filename: string,
  who: Person = bed.owner,
  url = sampleUrl(format),
) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), filename);
  const res = await fetch(url, { method: 'POST', headers: { cookie: who.cookie }, body: form });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads JSON answers of several shapes
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const create = (payload: Record<string, unknown>) =>
  as(bed.server, bed.owner, {
    method: 'POST',
    url: `/api/v1/workspaces/${bed.workspaceId}/channels/${bed.channel.id}/templates`,
    payload,
  });

const imageTemplate = (name: string, header: Record<string, unknown>) => ({
  name,
  category: 'MARKETING',
  language: 'de',
  header,
  body: { text: 'Hallo {{1}}, unser Frühlingsangebot ist da.', examples: ['Erika'] },
});

beforeAll(async () => {
  bed = await startWhatsAppTestbed({
    sim: { templateReview: { delayMs: 0, rules: [], defaultOutcome: 'APPROVED' } },
  });
  agent = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent');
});
afterAll(async () => bed?.close());

describe('template header samples', () => {
  it('uploads an image sample and creates the template with its handle at the simulator', async () => {
    const sample = await uploadSample('IMAGE', PNG, 'image/png', '../../etc/Frühling\u202Egnp.exe');
    expect(sample.status, JSON.stringify(sample.body)).toBe(201);
    expect(sample.body).toMatchObject({ mimeType: 'image/png', size: PNG.length });
    expect(sample.body.fileName).toBe('Frühling_gnp.exe.png');
    expect(bed.sim.core.uploads.handles.has(sample.body.handle)).toBe(true);

    const res = await create(
      imageTemplate('spring_image', { format: 'IMAGE', mediaHandle: sample.body.handle }),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().headerFormat).toBe('IMAGE');
    const atSim = bed.sim.core.templates.list().find((t) => t.name === 'spring_image')!;
    expect(atSim.components[0]).toEqual({
      type: 'HEADER',
      format: 'IMAGE',
      example: { header_handle: [sample.body.handle] },
    });
  });

  it('uploads a document sample for a document header', async () => {
    const sample = await uploadSample('DOCUMENT', PDF, 'application/pdf', 'Preisliste');
    expect(sample.status).toBe(201);
    expect(sample.body.fileName).toBe('Preisliste.pdf');
  });

  it('refuses a media header without a handle, and one Meta did not issue', async () => {
    const missing = await create(imageTemplate('spring_missing', { format: 'IMAGE' }));
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.code).toBe('template_rules_broken');
    expect(missing.json().error.details.issues).toContainEqual(
      expect.objectContaining({ path: 'body.header.mediaHandle', rule: 'header_media_sample_missing' }),
    );
    const madeUp = await create(imageTemplate('spring_made_up', { format: 'IMAGE', mediaHandle: '4::nope' }));
    expect(madeUp.statusCode).toBe(422);
    expect(madeUp.json().error).toMatchObject({ code: 'template_refused', details: { graphCode: 100 } });
    expect(bed.sim.core.templates.list().some((t) => t.name.startsWith('spring_m'))).toBe(false);
  });

  it('refuses a file that does not fit the header format (415), bytes that lie about their type, and a too big one (413)', async () => {
    const wrongType = await uploadSample('VIDEO', PNG, 'image/png', 'a.png');
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error).toMatchObject({
      code: 'media_type_unsupported',
      details: { format: 'VIDEO', accepted: ['video/mp4'] },
    });
    const gif = await uploadSample('IMAGE', Buffer.from('GIF89a....'), 'image/gif', 'a.gif');
    expect(gif.status).toBe(415);
    const lying = await uploadSample('IMAGE', PDF, 'image/png', 'a.png');
    expect(lying.status).toBe(415);
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const tooBig = await uploadSample('IMAGE', big, 'image/png', 'big.png');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toMatchObject({
      code: 'media_too_large',
      details: { maxBytes: 5 * 1024 * 1024 },
    });
    const empty = await uploadSample('IMAGE', Buffer.alloc(0), 'image/png', 'empty.png');
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('validation_failed');
  });

  it('refuses an unknown format (400 with the issue) and a body that is not multipart', async () => {
    const res = await uploadSample('GIF', PNG, 'image/png', 'a.png');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.issues[0].path).toMatch(/format/);
    const json = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${bed.workspaceId}/channels/${bed.channel.id}/templates/header-sample?format=IMAGE`,
      payload: { file: 'x' },
    });
    expect(json.statusCode).toBe(400);
  });

  it('is for admins only, and answers 404 for a channel of another workspace', async () => {
    const byAgent = await uploadSample('IMAGE', PNG, 'image/png', 'a.png', agent);
    expect(byAgent.status).toBe(403);
    const other = await bed.addWorkspace({ name: 'Andere GmbH' });
    const foreign = await uploadSample(
      'IMAGE',
      PNG,
      'image/png',
      'a.png',
      bed.owner,
      sampleUrl('IMAGE', bed.workspaceId, other.channel.id),
    );
    expect(foreign.status).toBe(404);
  });

  it('says when Meta refuses the upload (template_sample_refused with its code)', async () => {
    bed.sim.core.tokenExpired = true;
    try {
      const refused = await uploadSample('IMAGE', PNG, 'image/png', 'a.png');
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatchObject({
        code: 'template_sample_refused',
        details: { graphCode: 190 },
      });
    } finally {
      bed.sim.core.tokenExpired = false;
    }
  });
});

describe('sampleFileName', () => {
  it.each([
    ['photo.PNG', 'image/png', 'photo.PNG'.replace('PNG', 'png')],
    ['../../x/y/evil.html', 'application/pdf', 'evil.html.pdf'],
    ['C:\\Users\\a\\bild.jpeg', 'image/jpeg', 'bild.jpeg'],
    ['...', 'image/png', 'sample.png'],
    [null, 'video/mp4', 'sample.mp4'],
    ['a"b<c>?&%.pdf', 'application/pdf', 'a_b_c____.pdf'],
    [`${'x'.repeat(300)}.png`, 'image/png', `${'x'.repeat(96)}.png`],
  ])('%s as %s → %s', (raw, mime, expected) => {
    expect(sampleFileName(raw, mime)).toBe(expected);
  });
});
