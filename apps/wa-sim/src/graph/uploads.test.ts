import { uploadFileResponseSchema, uploadSessionResponseSchema } from '@parley/whatsapp';
import { afterEach, describe, expect, it } from 'vitest';
import { samplePng } from '../media-samples.js';
import { call, type Harness, startHarness, TOKEN, WABA, type Wire } from '../test-support.js';

const APP = '1000000000000001';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function startSession(query: Record<string, string>) {
  return call(h!.sim, 'POST', `/v25.0/${APP}/uploads?${new URLSearchParams(query)}`);
}

async function sendBytes(
  sessionId: string,
  bytes: Buffer,
  headers: Record<string, string> = { authorization: `OAuth ${TOKEN}`, file_offset: '0' },
): Promise<{ status: number; body: Wire }> {
  const response = await fetch(`${h!.sim.url}/v25.0/${sessionId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...headers },
    body: bytes,
  });
  return { status: response.status, body: await response.json() };
}

async function uploadPng(): Promise<string> {
  const png = samplePng();
  const session = await startSession({
    file_name: 'header.png',
    file_length: String(png.length),
    file_type: 'image/png',
  });
  const done = await sendBytes(session.body.id, png);
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return uploadFileResponseSchema.parse(done.body).h;
}

function imageTemplate(handles: unknown) {
  return {
    name: 'spring_sale',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: handles } },
      { type: 'BODY', text: 'Spring is here: 20 % off everything this week.' },
    ],
  };
}

describe('resumable upload API (template header samples)', () => {
  it('GET /app names the app the token belongs to', async () => {
    h = await startHarness();
    const app = await call(h.sim, 'GET', '/v25.0/app');
    expect(app).toMatchObject({ status: 200, body: { id: APP } });
  });

  it('issues a session, takes the bytes with an OAuth header and answers a handle', async () => {
    h = await startHarness();
    const png = samplePng();
    const session = await startSession({
      file_name: 'header.png',
      file_length: String(png.length),
      file_type: 'image/png',
    });
    expect(session.status).toBe(200);
    const { id } = uploadSessionResponseSchema.parse(session.body);
    const status = await call(h.sim, 'GET', `/v25.0/${id}`);
    expect(status.body).toEqual({ id, file_offset: 0 });
    const done = await sendBytes(id, png);
    expect(done.status).toBe(200);
    expect(uploadFileResponseSchema.parse(done.body).h).toMatch(/^4::/);
  });

  it('takes a file in chunks at the right offsets and refuses a wrong offset', async () => {
    h = await startHarness();
    const png = samplePng();
    const session = await startSession({
      file_name: 'a.png',
      file_length: String(png.length),
      file_type: 'image/png',
    });
    const half = Math.floor(png.length / 2);
    const first = await sendBytes(session.body.id, png.subarray(0, half));
    expect(first.body).toEqual({ id: session.body.id, file_offset: half });
    const wrong = await sendBytes(session.body.id, png.subarray(half), {
      authorization: `OAuth ${TOKEN}`,
      file_offset: '0',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe(100);
    const rest = await sendBytes(session.body.id, png.subarray(half), {
      authorization: `OAuth ${TOKEN}`,
      file_offset: String(half),
    });
    expect(rest.body.h).toEqual(expect.any(String));
  });

  it('refuses both steps without the access token (190)', async () => {
    h = await startHarness();
    const noToken = await call(
      h.sim,
      'POST',
      `/v25.0/${APP}/uploads?file_name=a.png&file_length=10&file_type=image/png`,
      undefined,
      { auth: false },
    );
    expect(noToken.status).toBe(401);
    expect(noToken.body.error.code).toBe(190);
    const session = await startSession({ file_name: 'a.png', file_length: '10', file_type: 'image/png' });
    const wrong = await sendBytes(session.body.id, Buffer.alloc(10), {
      authorization: 'OAuth not-the-token',
      file_offset: '0',
    });
    expect(wrong.body.error.code).toBe(190);
  });

  it.each([
    [{ file_name: 'a.gif', file_length: '10', file_type: 'image/gif' }, /file_type must be one of/],
    [
      { file_name: 'a.png', file_length: String(5 * 1024 * 1024 + 1), file_type: 'image/png' },
      /at most 5242880/,
    ],
    [{ file_name: 'a.mp4', file_length: String(16 * 1024 * 1024 + 1), file_type: 'video/mp4' }, /at most/],
    [
      { file_name: 'a.pdf', file_length: String(100 * 1024 * 1024 + 1), file_type: 'application/pdf' },
      /at most/,
    ],
    [{ file_name: 'a.png', file_length: '0', file_type: 'image/png' }, /file_length/],
    [{ file_length: '10', file_type: 'image/png' }, /file_name is required/],
  ])('refuses a session for %o with a Graph error 100', async (query, details) => {
    h = await startHarness();
    const session = await startSession(query);
    expect(session.status).toBe(400);
    expect(session.body.error).toMatchObject({ code: 100, type: 'OAuthException' });
    expect(session.body.error.error_data.details).toMatch(details);
    expect(session.body.error.fbtrace_id).toEqual(expect.any(String));
  });

  it('refuses bytes that do not match the declared type, and more bytes than declared', async () => {
    h = await startHarness();
    const notPng = Buffer.from('%PDF-1.4 not an image');
    const session = await startSession({
      file_name: 'a.png',
      file_length: String(notPng.length),
      file_type: 'image/png',
    });
    const refused = await sendBytes(session.body.id, notPng);
    expect(refused.body.error.code).toBe(100);
    expect(refused.body.error.error_data.details).toMatch(/does not match/);
    const short = await startSession({ file_name: 'a.png', file_length: '4', file_type: 'image/png' });
    const tooLong = await sendBytes(short.body.id, samplePng());
    expect(tooLong.status).toBe(413);
    expect(tooLong.body.error.code).toBe(100);
  });

  it('answers an unknown session like an unknown object', async () => {
    h = await startHarness();
    const unknown = await sendBytes('upload:nope', Buffer.from('x'));
    expect(unknown.body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('keeps refusing non-JSON bodies on other routes', async () => {
    h = await startHarness();
    const answer = await call(h.sim, 'POST', `/v25.0/${WABA}/message_templates`, undefined, {
      raw: 'x',
      contentType: 'application/octet-stream',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.error_data.details).toMatch(/send application\/json/);
  });
});

describe('templates with a media header', () => {
  it('creates an image-header template with a handle it issued and keeps the handle', async () => {
    h = await startHarness({ seedTemplates: false });
    const handle = await uploadPng();
    const created = await call(h.sim, 'POST', `/v25.0/${WABA}/message_templates`, imageTemplate([handle]));
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const stored = h.sim.core.templates.templates.get(created.body.id)!;
    expect(stored.components[0]).toMatchObject({ format: 'IMAGE', example: { header_handle: [handle] } });
  });

  it.each([
    ['without a handle', undefined, /needs example.header_handle/],
    ['with an empty list', [], /needs example.header_handle/],
    ['with a handle it never issued', ['4::made-up'], /not a file handle issued/],
    ['with a media URL instead of a handle', ['https://example.com/a.png'], /not a file handle issued/],
  ])('refuses it %s (100)', async (_label, handles, details) => {
    h = await startHarness({ seedTemplates: false });
    const created = await call(h.sim, 'POST', `/v25.0/${WABA}/message_templates`, imageTemplate(handles));
    expect(created.status).toBe(400);
    expect(created.body.error.code).toBe(100);
    expect(created.body.error.error_data.details).toMatch(details);
    expect(h.sim.core.templates.list()).toHaveLength(0);
  });

  it('refuses a PNG sample for a video header', async () => {
    h = await startHarness({ seedTemplates: false });
    const handle = await uploadPng();
    const body = imageTemplate([handle]);
    (body.components[0] as { format: string }).format = 'VIDEO';
    const created = await call(h.sim, 'POST', `/v25.0/${WABA}/message_templates`, body);
    expect(created.body.error.error_data.details).toMatch(/does not fit a VIDEO header/);
  });
});
