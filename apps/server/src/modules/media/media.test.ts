import crypto from 'node:crypto';
import fs from 'node:fs';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, jobs, media, messages } from '../../db/schema.js';
import { runHousekeeping } from '../../jobs/housekeeping.js';
import { as, type Person } from '../../test/harness.js';
import {
  type MessageSummary,
  startWhatsAppTestbed,
  until,
  type WhatsAppTenant,
  type WhatsAppTestbed,
} from '../../test/whatsapp-testbed.js';

/** The real server with the simulator over real HTTP: inbound media downloaded, uploads sent by id. */
let bed: WhatsAppTestbed;
let other: WhatsAppTenant;
const UNTIL_MS = 20_000;

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
  other = await bed.addWorkspace({ name: 'Other GmbH' });
});
afterAll(async () => bed?.close());

async function conversationId(name: string): Promise<string> {
  return until(
    `conversation of ${name}`,
    async () => (await bed.conversationOf(bed.owner, name))?.id,
    UNTIL_MS,
  );
}

const messagesOf = (conversation: string) => bed.messagesOf(bed.owner, conversation);

/** Waits until the inbound message `wamid` has a file that is no longer pending. */
async function settledMedia(name: string, wamid: string): Promise<MessageSummary> {
  const conversation = await conversationId(name);
  return until(
    `media of ${wamid}`,
    async () =>
      (await messagesOf(conversation)).find(
        (m) => m.providerMessageId === wamid && m.media && m.media.status !== 'pending',
      ),
    UNTIL_MS,
  );
}

async function mediaRow(id: string) {
  const [row] = await bed.server.ctx.db.select().from(media).where(eq(media.id, id));
  return row!;
}

async function updatedEvents(messageId: string) {
  return bed.server.ctx.db
    .select()
    .from(events)
    .where(and(eq(events.type, 'message.updated'), sql`${events.payload}->>'messageId' = ${messageId}`));
}

function fetchFile(person: Person, url: string, headers: Record<string, string> = {}) {
  return fetch(`${bed.serverUrl}${url}`, { headers: { cookie: person.cookie, ...headers } });
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const png = (size: number) => Buffer.concat([PNG_SIGNATURE, crypto.randomBytes(size - PNG_SIGNATURE.length)]);
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), crypto.randomBytes(size - 9)]);
const ogg = (size: number) => Buffer.concat([Buffer.from('OggS'), crypto.randomBytes(size - 4)]);
const webp = (size: number) => {
  const bytes = crypto.randomBytes(size);
  bytes.write('RIFF', 0, 'latin1');
  bytes.write('WEBP', 8, 'latin1');
  return bytes;
};

/** Asserts the encrypted file on disk holds none of the plaintext (no 32-byte window of it). */
function expectEncryptedOnDisk(ws: string, storageKey: string, plaintext: Buffer) {
  const onDisk = fs.readFileSync(bed.server.ctx.media.pathOf(ws, storageKey));
  expect(onDisk.length).toBeGreaterThan(plaintext.length);
  for (let at = 0; at + 32 <= plaintext.length; at += Math.max(32, Math.floor(plaintext.length / 50))) {
    expect(onDisk.includes(plaintext.subarray(at, at + 32))).toBe(false);
  }
}

const exactHeaders = (type: string, disposition: string) => ({
  'content-type': type,
  'content-disposition': disposition,
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'",
  'cache-control': 'private, max-age=86400',
  'accept-ranges': 'bytes',
});

function headersOf(res: Response, names: string[]) {
  return Object.fromEntries(names.map((n) => [n, res.headers.get(n)]));
}

describe('inbound media', () => {
  let image: { bytes: Buffer; message: MessageSummary };

  it('downloads an image, stores it encrypted and serves it with the exact headers and bytes', async () => {
    const bytes = png(3 * 64 * 1024 + 777);
    const { id: wamid } = await bed.inbound(
      '4915110000001',
      'Ida Image',
      { type: 'image', image: { caption: 'my receipt' } },
      {
        file: { bytes: bytes, mimeType: 'image/png' },
      },
    );
    const message = await settledMedia('Ida Image', wamid);
    expect(message.type).toBe('image');
    expect(message.text).toBe('my receipt');
    expect(message.media).toMatchObject({
      kind: 'image',
      mimeType: 'image/png',
      sizeBytes: bytes.length,
      filename: null,
      status: 'stored',
      error: null,
      url: `/api/v1/workspaces/${bed.workspaceId}/media/${message.media!.id}`,
    });
    const row = await mediaRow(message.media!.id);
    expect(row).toMatchObject({
      direction: 'inbound',
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    });
    expect(row.providerMediaId).toBeTruthy();
    expectEncryptedOnDisk(bed.workspaceId, row.storageKey!, bytes);
    expect(row.fileKey).toMatch(/^pe1\./);
    expect(await updatedEvents(message.id)).toHaveLength(1);

    const res = await fetchFile(bed.owner, message.media!.url!);
    expect(res.status).toBe(200);
    const names = Object.keys(exactHeaders('', ''));
    expect(headersOf(res, names)).toEqual(
      exactHeaders(
        'image/png',
        `attachment; filename="image-${message.media!.id.slice(0, 8)}.png"; filename*=UTF-8''image-${message.media!.id.slice(0, 8)}.png`,
      ),
    );
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    image = { bytes, message };
  });

  it('serves single byte ranges (206, across chunk boundaries, suffix) and 416 past the end', async () => {
    const { bytes, message } = image;
    const url = message.media!.url!;
    const ranged = await fetchFile(bed.owner, url, { range: 'bytes=65000-140000' });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 65000-140000/${bytes.length}`);
    expect(ranged.headers.get('content-length')).toBe('75001');
    expect(ranged.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(65000, 140001))).toBe(true);

    const tail = await fetchFile(bed.owner, url, { range: 'bytes=-100' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 100))).toBe(true);

    const open = await fetchFile(bed.owner, url, { range: `bytes=${bytes.length - 10}-` });
    expect(open.status).toBe(206);
    expect((await open.arrayBuffer()).byteLength).toBe(10);

    const past = await fetchFile(bed.owner, url, { range: `bytes=${bytes.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    await past.arrayBuffer();

    const several = await fetchFile(bed.owner, url, { range: 'bytes=0-1,5-6' });
    expect(several.status).toBe(200);
    expect((await several.arrayBuffer()).byteLength).toBe(bytes.length);
  });

  it('downloads a document, keeps its file name encrypted and serves it under that name', async () => {
    const bytes = pdf(20_000);
    const name = 'Rechnung März 2026.pdf';
    const { id: wamid } = await bed.inbound(
      '4915110000002',
      'Doris Document',
      { type: 'document', document: { filename: name } },
      { file: { bytes, mimeType: 'application/pdf', filename: name } },
    );
    const message = await settledMedia('Doris Document', wamid);
    expect(message.media).toMatchObject({
      kind: 'document',
      mimeType: 'application/pdf',
      filename: name,
      status: 'stored',
    });
    const row = await mediaRow(message.media!.id);
    expect(row.filename).toMatch(/^pe1\./);
    const dump = JSON.stringify(await bed.server.ctx.db.select().from(media));
    expect(dump).not.toContain('Rechnung');
    expectEncryptedOnDisk(bed.workspaceId, row.storageKey!, bytes);
    const res = await fetchFile(bed.owner, message.media!.url!);
    expect(headersOf(res, Object.keys(exactHeaders('', '')))).toEqual(
      exactHeaders(
        'application/pdf',
        `attachment; filename="Rechnung M_rz 2026.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz%202026.pdf`,
      ),
    );
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it.each([
    ['an audio voice note', 'audio', ogg(30_000), 'audio/ogg', 'audio/ogg'],
    ['a sticker', 'sticker', webp(40_000), 'image/webp', 'image/webp'],
  ])('downloads and serves %s', async (_label, kind, bytes, mime, served) => {
    const name = `Sam ${kind}`;
    const { id: wamid } = await bed.inbound(
      `49151100001${kind.length}`,
      name,
      { type: kind, [kind]: {} },
      { file: { bytes, mimeType: mime } },
    );
    const message = await settledMedia(name, wamid);
    expect(message.media).toMatchObject({ kind, status: 'stored', sizeBytes: bytes.length });
    const row = await mediaRow(message.media!.id);
    expectEncryptedOnDisk(bed.workspaceId, row.storageKey!, bytes);
    const res = await fetchFile(bed.owner, message.media!.url!);
    expect(res.headers.get('content-type')).toBe(served);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('retries through a Graph API outage, and the file arrives', async () => {
    await bed.faults({ api: { error5xx: 1 } });
    const bytes = png(5000);
    const { id: wamid } = await bed.inbound(
      '4915110000005',
      'Otto Outage',
      { type: 'image', image: {} },
      {
        file: { bytes: bytes, mimeType: 'image/png' },
      },
    );
    const conversation = await conversationId('Otto Outage');
    const [pending] = (await messagesOf(conversation)).filter((m) => m.providerMessageId === wamid);
    expect(pending!.media!.status).toBe('pending');
    expect(pending!.media!.url).toBeNull();
    expect(
      (await fetchFile(bed.owner, `/api/v1/workspaces/${bed.workspaceId}/media/${pending!.media!.id}`))
        .status,
    ).toBe(404);
    await until(
      'a failed download attempt',
      async () => {
        const [job] = await bed.server.ctx.db
          .select()
          .from(jobs)
          .where(
            and(
              eq(jobs.name, 'whatsapp.download-media'),
              sql`${jobs.payload}->>'mediaId' = ${pending!.media!.id}`,
            ),
          );
        return job && job.attempts >= 1 && job.lastError;
      },
      UNTIL_MS,
    );
    await bed.faults({});
    const message = await settledMedia('Otto Outage', wamid);
    expect(message.media!.status).toBe('stored');
    const res = await fetchFile(bed.owner, message.media!.url!);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers 404 for another workspace (its own path and ours)', async () => {
    const url = image.message.media!.url!;
    expect((await fetchFile(other.owner, url)).status).toBe(404);
    const own = await fetchFile(
      other.owner,
      `/api/v1/workspaces/${other.workspaceId}/media/${image.message.media!.id}`,
    );
    expect(own.status).toBe(404);
    expect(((await own.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('uploads', () => {
  const post = (bytes: Buffer, type: string, filename: string) =>
    bed.upload(bed.owner, bytes, type, filename);
  const filesOnDisk = () =>
    fs
      .readdirSync(bed.server.ctx.media.root, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile()).length;

  it.each([
    ['a PNG renamed as PDF', png(2000), 'application/pdf', 'invoice.pdf'],
    ['an HTML page', Buffer.from('<!doctype html><script>alert(1)</script>'), 'text/html', 'page.html'],
    [
      'an SVG image',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
      'image/svg+xml',
      'a.svg',
    ],
    ['an SVG posing as PNG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png', 'a.png'],
    [
      'HTML posing as plain text',
      Buffer.from('<html><script>alert(1)</script></html>'),
      'text/plain',
      'notes.txt',
    ],
    ['a zip archive', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'application/zip', 'a.zip'],
  ])('refuses %s with 415 media_type_unsupported and keeps nothing', async (_name, bytes, type, filename) => {
    const before = filesOnDisk();
    const res = await post(bytes, type, filename);
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('media_type_unsupported');
    expect(filesOnDisk()).toBe(before);
  });

  it('refuses an image over 5 MB with 413 media_too_large and the limit', async () => {
    const before = filesOnDisk();
    const res = await post(png(5 * 1024 * 1024 + 1), 'image/png', 'big.png');
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string; details: { maxBytes: number } } };
    expect(body.error.code).toBe('media_too_large');
    expect(body.error.details.maxBytes).toBe(5 * 1024 * 1024);
    expect(filesOnDisk()).toBe(before);
  });

  it('takes an animated sticker up to 500 KB, a static one up to 100 KB', async () => {
    const animated = webp(200 * 1024);
    animated.write('VP8X', 12, 'latin1');
    animated.write('ANIM', 30, 'latin1');
    const ok = await post(animated, 'image/webp', 'dance.webp');
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { kind: string }).kind).toBe('sticker');
    const still = webp(200 * 1024);
    still.write('VP8 ', 12, 'latin1');
    still.fill(0x20, 16, 64);
    const tooBig = await post(still, 'image/webp', 'still.webp');
    expect(tooBig.status).toBe(413);
    expect(
      ((await tooBig.json()) as { error: { details: { maxBytes: number } } }).error.details.maxBytes,
    ).toBe(100 * 1024);
  });

  it('refuses a body that is not multipart, and an empty file', async () => {
    const json = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${bed.workspaceId}/media`,
      payload: {},
    });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.code).toBe('validation_failed');
    const empty = await post(Buffer.alloc(0), 'text/plain', 'empty.txt');
    expect(empty.status).toBe(400);
  });

  it('stores a hostile file name sanitized and encrypted', async () => {
    const res = await post(
      Buffer.from('root:x:0:0:root:/root:/bin/bash\n'),
      'text/plain',
      '../../etc/passwd',
    );
    expect(res.status).toBe(201);
    const dto = (await res.json()) as {
      id: string;
      filename: string;
      kind: string;
      status: string;
      url: string;
    };
    expect(dto).toMatchObject({ kind: 'document', status: 'stored', filename: 'passwd.txt' });
    const row = await mediaRow(dto.id);
    expect(row.filename).toMatch(/^pe1\./);
    expect(row).toMatchObject({ direction: 'outbound', uploadedBy: bed.owner.id, mimeType: 'text/plain' });
    const served = await fetchFile(bed.owner, dto.url);
    expect(served.headers.get('content-disposition')).toBe(
      `attachment; filename="passwd.txt"; filename*=UTF-8''passwd.txt`,
    );
    expect(served.headers.get('content-type')).toBe('text/plain');
  });
});

describe('sending an uploaded file', () => {
  it('sends an image with a caption once by media id; pending → sent → delivered; a second send is refused', async () => {
    const customer = '4915110000010';
    await bed.inbound(customer, 'Sina Send', { type: 'text', text: { body: 'Can you send the photo?' } });
    const conversation = await conversationId('Sina Send');
    const bytes = png(10_000);
    const up = await bed.upload(bed.owner, bytes, 'image/png', 'product.png');
    expect(up.status).toBe(201);
    const file = (await up.json()) as { id: string; kind: string };
    expect(file.kind).toBe('image');

    const sent = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${bed.workspaceId}/conversations/${conversation}/messages`,
      payload: { media: { mediaId: file.id, caption: 'Here it is' } },
    });
    expect(sent.statusCode, sent.body).toBe(202);
    const pending = sent.json() as MessageSummary;
    expect(pending).toMatchObject({ type: 'image', status: 'pending', text: 'Here it is' });
    expect(pending.media).toMatchObject({ id: file.id, kind: 'image', status: 'stored' });

    const delivered = await until(
      'delivered',
      async () =>
        (await messagesOf(conversation)).find((m) => m.id === pending.id && m.status === 'delivered'),
      UNTIL_MS,
    );
    expect(delivered.sentAt).toBeTruthy();
    expect(delivered.deliveredAt).toBeTruthy();

    const log = await bed.sentTo(customer);
    const last = log[log.length - 1]!;
    const sentImage = last.body.image as { id: string; caption: string };
    expect(last.type).toBe('image');
    expect(sentImage.caption).toBe('Here it is');
    const known = await fetch(`${bed.sim.url}/v24.0/${sentImage.id}?phone_number_id=${bed.phoneNumberId}`, {
      headers: { authorization: `Bearer ${bed.accessToken}` },
    });
    expect(known.status).toBe(200);
    const info = (await known.json()) as { mime_type: string; file_size: string; url: string };
    expect(info).toMatchObject({ mime_type: 'image/png', file_size: String(bytes.length) });
    const uploaded = await fetch(info.url, { headers: { authorization: `Bearer ${bed.accessToken}` } });
    expect(Buffer.from(await uploaded.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await mediaRow(file.id)).providerMediaId).toBe(sentImage.id);

    const again = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${bed.workspaceId}/conversations/${conversation}/messages`,
      payload: { media: { mediaId: file.id } },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('media_not_ready');
  });

  it('another workspace can neither fetch nor send an upload', async () => {
    const up = await bed.upload(bed.owner, pdf(3000), 'application/pdf', 'contract.pdf');
    const file = (await up.json()) as { id: string; url: string };
    expect((await fetchFile(other.owner, file.url)).status).toBe(404);
    // The other workspace gets a conversation of its own (a signed webhook to its channel)…
    const hook = await other.inbound(
      '4915110000020',
      'Olga Other',
      { type: 'text', text: { body: 'hello' } },
      { wait: true },
    );
    expect(hook.delivered).toBe(true);
    const theirs = await until(
      'their conversation',
      async () => {
        const list = await as(bed.server, other.owner, {
          method: 'GET',
          url: `/api/v1/workspaces/${other.workspaceId}/conversations`,
        });
        return (list.json().conversations as { id: string }[])[0]?.id;
      },
      UNTIL_MS,
    );
    // …where our file id is as unknown as any other id, and our conversation is not found at all.
    const there = await as(bed.server, other.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${other.workspaceId}/conversations/${theirs}/messages`,
      payload: { media: { mediaId: file.id } },
    });
    const unknown = await as(bed.server, other.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${other.workspaceId}/conversations/${theirs}/messages`,
      payload: { media: { mediaId: crypto.randomUUID() } },
    });
    expect(there.statusCode).toBe(400);
    expect(there.json().error).toEqual({ ...unknown.json().error, requestId: there.json().error.requestId });
    const ours = await as(bed.server, other.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${bed.workspaceId}/conversations/${await conversationId('Sina Send')}/messages`,
      payload: { media: { mediaId: file.id } },
    });
    expect(ours.statusCode).toBe(404);
    expect((await mediaRow(file.id)).providerMediaId).toBeNull();
  });

  it('housekeeping deletes uploads never attached to a message after 24 hours (row and file)', async () => {
    const up = await bed.upload(bed.owner, png(3000), 'image/png', 'unused.png');
    const unused = (await up.json()) as { id: string };
    const row = await mediaRow(unused.id);
    const where = bed.server.ctx.media.pathOf(bed.workspaceId, row.storageKey!);
    expect(fs.existsSync(where)).toBe(true);
    const [attached] = await bed.server.ctx.db
      .select({ id: media.id, storageKey: media.storageKey })
      .from(media)
      .innerJoin(messages, eq(messages.mediaId, media.id))
      .where(eq(media.direction, 'outbound'));
    await runHousekeeping(bed.server.ctx, new Date(Date.now() + 23 * 3600_000));
    expect(fs.existsSync(where)).toBe(true);
    await runHousekeeping(bed.server.ctx, new Date(Date.now() + 25 * 3600_000));
    expect(await bed.server.ctx.db.select().from(media).where(eq(media.id, unused.id))).toEqual([]);
    expect(fs.existsSync(where)).toBe(false);
    expect(fs.existsSync(bed.server.ctx.media.pathOf(bed.workspaceId, attached!.storageKey!))).toBe(true);
  });
});

// Last: moves the simulator's clock 8 days ahead.
describe('a download that cannot succeed', () => {
  it('ends failed with a reason and an event when WhatsApp no longer has the file (never a 500)', async () => {
    // The webhook is held back while the simulator's clock passes the 7-day lifetime of media ids.
    await bed.faults({ webhook: { delay: 1, delayMs: 500 } });
    const { id: wamid } = await bed.inbound(
      '4915110000030',
      'Eva Expired',
      { type: 'image', image: {} },
      {
        file: { bytes: png(4000), mimeType: 'image/png' },
      },
    );
    await bed.clock({ advance: '8d' });
    const message = await settledMedia('Eva Expired', wamid);
    await bed.faults({});
    expect(message.media).toMatchObject({ status: 'failed', url: null });
    expect(message.media!.error).toMatch(/no longer has this file/);
    expect(await updatedEvents(message.id)).toHaveLength(1);
    const res = await fetchFile(
      bed.owner,
      `/api/v1/workspaces/${bed.workspaceId}/media/${message.media!.id}`,
    );
    expect(res.status).toBe(404);
    expect((await mediaRow(message.media!.id)).storageKey).toBeNull();
  });
});
