import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.js';
import { as } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';

/**
 * privacy.md "Proof": after real traffic (messages of every kind in and out, a file each way, a
 * template), no table, no file in the media directory and no log line holds the plaintext of a message,
 * a caption, a file name, a customer's name or phone number, or a channel secret.
 */
let bed: WhatsAppTestbed;

const secrets = {
  phone: '4917612398745',
  name: 'Zacharias Quellwasser',
  inboundText: 'Kennwort für das Lager lautet Bergkristall',
  caption: 'Foto vom Schaden am Karton Heidelbeere',
  filename: 'Vertrag-Quellwasser-Mietkaution.pdf',
  replyText: 'Wir erstatten Ihnen Marzipanbrot sofort',
  outboundCaption: 'Ihre Rechnung Zitronenfalter',
  templateValue: 'Pflaumenkuchen-4711',
  accessToken: 'EAAG-access-token-never-in-plain-9f8e7d',
  appSecret: 'app-secret-never-in-plain-3c2b1a',
};

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(2000, 3),
]);
// A file whose bytes carry a secret too: it must not appear in the media directory.
const PDF = Buffer.from(`%PDF-1.7\n${secrets.inboundText} ${'x'.repeat(500)}\n%%EOF\n`);

beforeAll(async () => {
  bed = await startWhatsAppTestbed({ accessToken: secrets.accessToken, appSecret: secrets.appSecret });
  await bed.inbound(secrets.phone, secrets.name, { type: 'text', text: { body: secrets.inboundText } });
  await bed.inbound(secrets.phone, secrets.name, { type: 'image', image: { caption: secrets.caption } });
  await bed.inbound(
    secrets.phone,
    secrets.name,
    { type: 'document', document: { filename: secrets.filename } },
    { file: { bytes: PDF, mimeType: 'application/pdf', filename: secrets.filename } },
  );
  const conv = await until('the conversation', () => bed.conversationOf(bed.owner, secrets.name));
  await until('both files stored', async () => {
    const page = await bed.messagesOf(bed.owner, conv.id);
    return page.filter((m) => m.media?.status === 'stored').length === 2;
  });
  const url = (rest: string) => `/api/v1/workspaces/${bed.workspaceId}${rest}`;
  const send = (payload: Record<string, unknown>) =>
    as(bed.server, bed.owner, { method: 'POST', url: url(`/conversations/${conv.id}/messages`), payload });
  expect((await send({ text: secrets.replyText })).statusCode).toBe(202);
  const uploaded = await bed.upload(bed.owner, PNG, 'image/png', 'rechnung.png');
  expect(uploaded.status).toBe(201);
  const mediaId = ((await uploaded.json()) as { id: string }).id;
  expect((await send({ media: { mediaId, caption: secrets.outboundCaption } })).statusCode).toBe(202);
  const sync = await as(bed.server, bed.owner, {
    method: 'POST',
    url: url(`/channels/${bed.channel.id}/templates/sync`),
  });
  expect(sync.statusCode).toBe(200);
  const templates = await as(bed.server, bed.owner, {
    method: 'GET',
    url: url('/templates?status=APPROVED'),
  });
  type T = {
    id: string;
    bodyParameters: string[];
    headerParameters: string[];
    headerFormat: string | null;
    buttonParameters: unknown[];
  };
  const template = (templates.json().templates as T[]).find(
    (t) =>
      t.bodyParameters.length > 0 && (t.headerFormat ?? 'TEXT') === 'TEXT' && t.buttonParameters.length === 0,
  );
  expect(template).toBeTruthy();
  expect(
    (
      await send({
        template: {
          templateId: template!.id,
          body: template!.bodyParameters.map(() => secrets.templateValue),
          ...(template!.headerParameters.length ? { header: ['A-1'] } : {}),
        },
      })
    ).statusCode,
  ).toBe(202);
  await until('every send delivered', async () => {
    const page = await bed.messagesOf(bed.owner, conv.id);
    return (
      page.filter((m) => m.direction === 'outbound' && ['delivered', 'read'].includes(m.status)).length === 3
    );
  });
  // Search tokens and previews exist for these rows (the scan below must also cover them).
  const found = await as(bed.server, bed.owner, { method: 'GET', url: url('/conversations?q=Bergkristall') });
  expect(found.json().conversations).toHaveLength(1);
});
afterAll(async () => bed?.close());

/** Every row of every table of the public schema, as text. */
async function dumpTables(): Promise<Map<string, string>> {
  const db = bed.server.ctx.db;
  const tables = rowsOf<{ table_name: string }>(
    await db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    ),
  ).map((r) => r.table_name);
  expect(tables).toEqual(
    expect.arrayContaining(['messages', 'contacts', 'channels', 'media', 'webhook_events']),
  );
  const out = new Map<string, string>();
  for (const table of tables) {
    const rows = rowsOf<{ row: string }>(
      await db.execute(sql`select t::text as row from ${sql.identifier(table)} t`),
    );
    out.set(table, rows.map((r) => r.row).join('\n'));
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : [full];
  });
}

describe('data at rest', () => {
  it('no table holds a message, caption, file name, customer name, phone number or channel secret in plain text', async () => {
    const dump = await dumpTables();
    const all = [...dump.values()].join('\n');
    expect(dump.get('messages')!.length).toBeGreaterThan(1000);
    for (const [what, value] of Object.entries(secrets)) {
      for (const [table, text] of dump) expect(text.includes(value), `${what} in table ${table}`).toBe(false);
    }
    // Not even the digits of the number in another spelling, nor a name word on its own.
    expect(all).not.toContain(secrets.phone.slice(2));
    expect(all).not.toContain('Quellwasser');
  });

  it('pg_dump of the database finds none of them either (PostgreSQL server only)', async (ctx) => {
    const url = bed.server.config.databaseUrl;
    const probe = spawnSync('pg_dump', ['--version']);
    if (!url || probe.status !== 0) {
      // PGlite has no pg_dump; the table scan above covers it.
      ctx.skip();
      return;
    }
    const dump = spawnSync('pg_dump', ['--data-only', url], { maxBuffer: 256 * 1024 * 1024 });
    expect(dump.status, String(dump.stderr)).toBe(0);
    const text = String(dump.stdout);
    expect(text).toContain('COPY public.messages');
    for (const [what, value] of Object.entries(secrets)) expect(text.includes(value), what).toBe(false);
  });

  it('the media directory holds only ciphertext under random names', async () => {
    const root = bed.server.ctx.media.root;
    const files = filesUnder(root);
    expect(files.length).toBeGreaterThanOrEqual(3);
    const needles = [...Object.values(secrets), 'rechnung', '%PDF'].map((s) => Buffer.from(s));
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      for (const needle of needles) expect(bytes.includes(needle), `${needle} in ${file}`).toBe(false);
      expect(bytes.includes(PNG.subarray(0, 64)), `PNG bytes in ${file}`).toBe(false);
      expect(path.basename(file)).not.toMatch(/\.(pdf|png|jpe?g)$/i);
    }
  });

  it('the logs mention none of them', () => {
    const logs = bed.server.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const [what, value] of Object.entries(secrets)) expect(logs.includes(value), what).toBe(false);
  });
});
