import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePng } from '../media-samples.js';
import {
  call,
  type Harness,
  inbound,
  openWindow,
  PNID,
  send,
  startHarness,
  TOKEN,
  type Wire,
  waitFor,
} from '../test-support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ rules: { pairRateLimit: false } });
});
afterAll(async () => h.close());

async function upload(
  bytes: Buffer,
  mime: string,
  filename = 'file.bin',
  fields: Record<string, string> = { messaging_product: 'whatsapp' },
) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append('file', new Blob([bytes], { type: mime }), filename);
  const response = await fetch(`${h.sim.url}/v25.0/${PNID}/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Wire };
}

const KB = 1024;
const MB = 1024 * KB;
const jpeg = (size: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(size - 4)]);
const webp = (size: number) => {
  const bytes = Buffer.alloc(size);
  bytes.write('RIFF', 0, 'latin1');
  bytes.write('WEBP', 8, 'latin1');
  return bytes;
};

describe('media upload, URL, download, delete', () => {
  it('uploads, resolves a short-lived URL and downloads the same bytes with the bearer token only', async () => {
    const png = samplePng(3);
    const uploaded = await upload(png, 'image/png', 'a.png');
    expect(uploaded.status).toBe(200);
    const info = await call(h.sim, 'GET', `/v25.0/${uploaded.body.id}?phone_number_id=${PNID}`);
    expect(info.body).toMatchObject({
      messaging_product: 'whatsapp',
      mime_type: 'image/png',
      file_size: String(png.length),
      sha256: createHash('sha256').update(png).digest('base64'),
      id: uploaded.body.id,
    });
    expect(
      info.body.url.startsWith(`${h.sim.url}/whatsapp_business/attachments/?mid=${uploaded.body.id}`),
    ).toBe(true);
    const withToken = await fetch(info.body.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await withToken.arrayBuffer()).equals(png)).toBe(true);
    const without = await fetch(info.body.url);
    expect(without.status).toBe(401);
    const forged = await fetch(info.body.url.replace(/hash=[^&]+/, 'hash=forged'), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(forged.status).toBe(404);
  });

  it('media URLs expire after 5 minutes of simulated time (404), a fresh GET gives a new one', async () => {
    const uploaded = await upload(samplePng(4), 'image/png');
    const info = await call(h.sim, 'GET', `/v25.0/${uploaded.body.id}`);
    await call(h.sim, 'POST', '/_sim/clock', { advance: '6m' }, { auth: false });
    const expired = await fetch(info.body.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(expired.status).toBe(404);
    const fresh = await call(h.sim, 'GET', `/v25.0/${uploaded.body.id}`);
    expect((await fetch(fresh.body.url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('deletes media; afterwards the id is unknown (100 / subcode 33)', async () => {
    const uploaded = await upload(samplePng(5), 'image/png');
    expect((await call(h.sim, 'DELETE', `/v25.0/${uploaded.body.id}`)).body).toEqual({ success: true });
    const gone = await call(h.sim, 'GET', `/v25.0/${uploaded.body.id}`);
    expect(gone.body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it.each([
    ['unsupported MIME type', Buffer.from('<svg/>'), 'image/svg+xml'],
    ['image over 5 MB', jpeg(5 * MB + 1), 'image/jpeg'],
    ['sticker over 500 KB', webp(500 * KB + 1), 'image/webp'],
    ['bytes that do not match the declared type', Buffer.from('not a png at all'), 'image/png'],
    ['an empty file', Buffer.alloc(0), 'text/plain'],
  ])('rejects %s with 131053', async (_name, bytes, mime) => {
    const answer = await upload(bytes, mime);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(131053);
  });

  it('answers a malformed multipart body with the envelope (no crash)', async () => {
    const response = await fetch(`${h.sim.url}/v25.0/${PNID}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'multipart/form-data; boundary=zzz' },
      body: '--zzz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nunterminated',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Wire).error.code).toBe(100);
    expect((await call(h.sim, 'GET', '/_sim/health', undefined, { auth: false })).status).toBe(200);
  });

  it('requires messaging_product and a file', async () => {
    expect((await upload(samplePng(1), 'image/png', 'a.png', {})).body.error.code).toBe(100);
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    const response = await fetch(`${h.sim.url}/v25.0/${PNID}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: form,
    });
    expect(((await response.json()) as Wire).error.code).toBe(100);
    const json = await call(h.sim, 'POST', `/v25.0/${PNID}/media`, { messaging_product: 'whatsapp' });
    expect(json.body.error.code).toBe(100);
  });

  it('sends uploaded media by id; an unknown or wrong-kind id fails asynchronously with 131053', async () => {
    await openWindow(h.sim, '4917700000001');
    const image = await upload(samplePng(6), 'image/png');
    const ok = await send(h.sim, {
      messaging_product: 'whatsapp',
      to: '4917700000001',
      type: 'image',
      image: { id: image.body.id, caption: 'look' },
    });
    const unknown = await send(h.sim, {
      messaging_product: 'whatsapp',
      to: '4917700000001',
      type: 'image',
      image: { id: '123456789012345' },
    });
    const wrongKind = await send(h.sim, {
      messaging_product: 'whatsapp',
      to: '4917700000001',
      type: 'video',
      video: { id: image.body.id },
    });
    const staticSticker = await upload(webp(200 * KB), 'image/webp');
    const sticker = await send(h.sim, {
      messaging_product: 'whatsapp',
      to: '4917700000001',
      type: 'sticker',
      sticker: { id: staticSticker.body.id },
    });
    const statusOf = (id: string) =>
      waitFor(() =>
        h.receiver.statuses().find((s) => s.id === id && (s.status === 'delivered' || s.status === 'failed')),
      );
    expect((await statusOf(ok.body.messages[0].id)).status).toBe('delivered');
    for (const answer of [unknown, wrongKind, sticker]) {
      const status = await statusOf(answer.body.messages[0].id);
      expect(status.status).toBe('failed');
      expect(status.errors[0].code).toBe(131053);
    }
  });

  it('inbound media carries real bytes that the media API serves (sha256 matches)', async () => {
    const png = samplePng(9);
    const answer = await inbound(h.sim, {
      from: '4917700000002',
      message: { type: 'image', image: { caption: 'broken' } },
      media: { data_base64: png.toString('base64'), mime_type: 'image/png' },
    });
    const message = await waitFor(() => h.receiver.messages().find((m) => m.id === answer.body.id));
    expect(message.image).toMatchObject({
      caption: 'broken',
      mime_type: 'image/png',
      sha256: createHash('sha256').update(png).digest('base64'),
    });
    const info = await call(h.sim, 'GET', `/v25.0/${message.image.id}`);
    const download = await fetch(info.body.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
    const direct = await fetch(message.image.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(direct.status).toBe(200);
  });

  it('inbound media ids expire after 7 days of simulated time', async () => {
    const answer = await inbound(h.sim, {
      from: '4917700000003',
      message: { type: 'document', document: { filename: 'x.pdf' } },
    });
    const message = await waitFor(() => h.receiver.messages().find((m) => m.id === answer.body.id));
    expect((await call(h.sim, 'GET', `/v25.0/${message.document.id}`)).status).toBe(200);
    await call(h.sim, 'POST', '/_sim/clock', { advance: '8d' }, { auth: false });
    const expired = await call(h.sim, 'GET', `/v25.0/${message.document.id}`);
    expect(expired.body.error.code).toBe(100);
  });
});
