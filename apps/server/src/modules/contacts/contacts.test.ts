import { Readable } from 'node:stream';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelTeams, contacts, teams } from '../../db/schema.js';
import { as, buildMember, buildWorkspace, type Person } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';
import { detectEncoding, escapeCell, looksLikeFormula, suggestMapping } from './csv.js';
import { normalizePhone } from './service.js';

// A full garbage collection on demand (for the memory measurement of the streamed import).
v8.setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

let bed: WhatsAppTestbed;
let agent: Person;
let admin: Person;
let base: string;

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
  agent = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Alma Agent');
  admin = await buildMember(bed.server, bed.workspaceId, bed.owner, 'admin', 'Adele Admin');
  base = `/api/v1/workspaces/${bed.workspaceId}`;
});
afterAll(async () => bed?.close());

const BOUNDARY = 'parleyboundary7MA4YWxkTrZu0gW';
/** A multipart body: fields first, then the file part. */
function multipart(
  file: Buffer,
  fields: Record<string, string> = {},
): { payload: Buffer; headers: Record<string, string> } {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="contacts.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  );
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  };
}

async function importCsv(person: Person, file: Buffer, fields: Record<string, string> = {}) {
  return as(bed.server, person, {
    method: 'POST',
    url: `${base}/contacts/import`,
    ...multipart(file, fields),
  });
}

async function list(person: Person, query = '') {
  const res = await as(bed.server, person, { method: 'GET', url: `${base}/contacts${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    items: Array<{ id: string; name: string; phone: string; labels: { name: string }[] }>;
    nextCursor: string | null;
  };
}

describe('phone numbers and CSV helpers', () => {
  it('normalises German numbers written the usual ways to E.164', () => {
    for (const raw of ['0151 12345678', '+49 151 12345678', '0049 (0)151-12345678', '+49 (0)151 12345678'])
      expect(normalizePhone(raw, 'DE')?.e164, raw).toBe('+4915112345678');
    expect(normalizePhone('0151 12345678', 'AT')?.e164).not.toBe('+4915112345678');
    expect(normalizePhone('12', 'DE')).toBeNull();
    expect(normalizePhone('hello', 'DE')).toBeNull();
  });

  it('recognises formulas but lets phone numbers through, and escapes them for export', () => {
    for (const f of ['=HYPERLINK("x")', '@SUM(A1)', '+cmd|calc', '-2+3x'.replace('2', 'a'), '\tx'])
      expect(looksLikeFormula(f), f).toBe(true);
    for (const ok of ['+49 151 1', '-1', 'Anna', '(0151) 1']) expect(looksLikeFormula(ok), ok).toBe(false);
    expect(escapeCell('=1+1')).toBe("'=1+1");
    expect(escapeCell('+4915112345678')).toBe("'+4915112345678");
    expect(escapeCell('Anna')).toBe('Anna');
  });

  it('detects encodings and refuses binary', () => {
    expect(detectEncoding(Buffer.from('name,phone\nJürgen,0151\n'))?.encoding).toBe('utf8');
    expect(detectEncoding(iconv.encode('name,phone\nJürgen Müßig,0151\n', 'latin1'))?.encoding).toBe(
      'windows1252',
    );
    expect(
      detectEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('name,phone\n', 'utf16le')])),
    ).toEqual({
      encoding: 'utf16le',
      bomLength: 2,
    });
    expect(detectEncoding(iconv.encode('name,phone\nAnna,0151\n', 'utf16le'))?.encoding).toBe('utf16le');
    expect(
      detectEncoding(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00])),
    ).toBeNull();
  });

  it('suggests a mapping from English and German headers', () => {
    expect(
      suggestMapping(
        ['Name', 'Telefon', 'E-Mail', 'Tags', 'Kundennummer'],
        [{ key: 'kundennummer', label: 'Kundennummer' }],
      ),
    ).toEqual({
      Name: 'name',
      Telefon: 'phone',
      'E-Mail': 'email',
      Tags: 'labels',
      Kundennummer: 'attr:kundennummer',
    });
  });
});

describe('contacts API', () => {
  it('creates a contact, refuses the same number in another spelling, and finds it by name and digits', async () => {
    const res = await as(bed.server, agent, {
      method: 'POST',
      url: `${base}/contacts`,
      payload: { name: 'Greta Gärtner', phone: '0170 1234567', email: 'greta@example.de' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().phone).toBe('+491701234567');
    expect(res.json().source).toBe('manual');
    const again = await as(bed.server, agent, {
      method: 'POST',
      url: `${base}/contacts`,
      payload: { name: 'Greta 2', phone: '+49 170 1234567' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('contact_exists');
    expect(again.json().error.details.contactId).toBe(res.json().id);
    expect(again.json().id).toBe(res.json().id);
    // A name is optional: the number stands for the contact until their profile name arrives.
    const unnamed = await as(bed.server, agent, {
      method: 'POST',
      url: `${base}/contacts`,
      payload: { phone: '+49 170 7654321' },
    });
    expect(unnamed.statusCode, unnamed.body).toBe(201);
    expect(unnamed.json()).toMatchObject({ id: expect.any(String), name: null, phone: '+491707654321' });
    const bad = await as(bed.server, agent, {
      method: 'POST',
      url: `${base}/contacts`,
      payload: { name: 'X', phone: 'abc' },
    });
    expect(bad.statusCode).toBe(400);

    expect((await list(agent, '?q=greta')).items.map((c) => c.id)).toContain(res.json().id);
    expect((await list(agent, `?q=${encodeURIComponent('Gärtn')}`)).items.map((c) => c.id)).toContain(
      res.json().id,
    );
    expect((await list(agent, `?q=${encodeURIComponent('+49 170 1234')}`)).items.map((c) => c.id)).toContain(
      res.json().id,
    );
    expect((await list(agent, '?q=Gartenzwerg')).items).toHaveLength(0);
    // Stored encrypted: neither the name nor the number in the row.
    const rows = await bed.server.ctx.db.select().from(contacts);
    expect(JSON.stringify(rows)).not.toContain('Gärtner');
    expect(JSON.stringify(rows)).not.toContain('491701234567');
  });

  it('pages with a cursor without repeating or skipping anyone', async () => {
    const csv = [
      'name,phone',
      ...Array.from({ length: 23 }, (_, i) => `Pager ${i},+4915200000${String(i).padStart(3, '0')}`),
    ].join('\n');
    expect((await importCsv(bed.owner, Buffer.from(csv))).json().imported).toBe(23);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(agent, `?q=pager&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    const bogus = await as(bed.server, agent, { method: 'GET', url: `${base}/contacts?cursor=bm9wZQ` });
    expect(bogus.statusCode).toBe(400);
  });

  it('edits a profile: attributes by type, labels, notes, block; another workspace gets 404', async () => {
    const attr = await as(bed.server, admin, {
      method: 'POST',
      url: `${base}/contact-attributes`,
      payload: { key: 'tier', label: 'Tier', type: 'list', options: ['gold', 'silver'] },
    });
    expect(attr.statusCode, attr.body).toBe(201);
    const agentAttr = await as(bed.server, agent, {
      method: 'POST',
      url: `${base}/contact-attributes`,
      payload: { key: 'x', label: 'X', type: 'text' },
    });
    expect(agentAttr.statusCode).toBe(403);
    await as(bed.server, admin, {
      method: 'POST',
      url: `${base}/contact-attributes`,
      payload: { key: 'birthday', label: 'Geburtstag', type: 'date' },
    });
    const created = (
      await as(bed.server, agent, {
        method: 'POST',
        url: `${base}/contacts`,
        payload: { name: 'Paul Profil', phone: '0171 7654321' },
      })
    ).json();
    const url = `${base}/contacts/${created.id}`;
    const wrong = await as(bed.server, agent, {
      method: 'PATCH',
      url,
      payload: { attributes: { tier: 'bronze' } },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('invalid_attribute');
    const badDate = await as(bed.server, agent, {
      method: 'PATCH',
      url,
      payload: { attributes: { birthday: 'soon' } },
    });
    expect(badDate.json().error.code).toBe('invalid_attribute');
    const ok = await as(bed.server, agent, {
      method: 'PATCH',
      url,
      payload: { attributes: { tier: 'gold', birthday: '1990-05-17' }, email: 'paul@example.de' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().attributes).toEqual({ tier: 'gold', birthday: '1990-05-17' });

    const label = (
      await as(bed.server, admin, {
        method: 'POST',
        url: `${base}/labels`,
        payload: { name: 'VIP', color: '#d97706' },
      })
    ).json();
    const labelled = await as(bed.server, agent, {
      method: 'PUT',
      url: `${url}/labels`,
      payload: { labelIds: [label.id] },
    });
    expect(labelled.json().labels.map((l: { name: string }) => l.name)).toEqual(['VIP']);
    expect((await list(agent, `?labelId=${label.id}`)).items.map((c) => c.id)).toEqual([created.id]);

    const note = await as(bed.server, agent, {
      method: 'POST',
      url: `${url}/notes`,
      payload: { text: 'Ruft nur vormittags an' },
    });
    expect(note.statusCode).toBe(201);
    const profile = (await as(bed.server, agent, { method: 'GET', url })).json();
    expect(profile.notes.map((n: { text: string; authorName: string }) => [n.text, n.authorName])).toEqual([
      ['Ruft nur vormittags an', 'Alma Agent'],
    ]);
    const otherAgent = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Otto');
    const del = await as(bed.server, otherAgent, { method: 'DELETE', url: `${url}/notes/${note.json().id}` });
    expect(del.statusCode).toBe(403);
    expect(
      (await as(bed.server, agent, { method: 'DELETE', url: `${url}/notes/${note.json().id}` })).statusCode,
    ).toBe(204);

    const blocked = await as(bed.server, agent, { method: 'POST', url: `${url}/block` });
    expect(blocked.json().blocked).toBe(true);
    expect((await list(agent, '?blocked=true')).items.map((c) => c.id)).toEqual([created.id]);
    expect((await as(bed.server, agent, { method: 'POST', url: `${url}/unblock` })).json().blocked).toBe(
      false,
    );

    const stranger = (await buildWorkspace(bed.server)).owner;
    expect((await as(bed.server, stranger, { method: 'GET', url })).statusCode).toBe(404);
  });

  it('lists in a profile only the conversations the caller may see', async () => {
    await bed.inbound('4915900000077', 'Sichtbar Sina', { type: 'text', text: { body: 'Hallo' } });
    const conv = await until('Sina', () => bed.conversationOf(bed.owner, 'Sichtbar Sina'));
    const db = bed.server.ctx.db;
    const [team] = await db
      .insert(teams)
      .values({ workspaceId: bed.workspaceId, name: 'Nur andere' })
      .returning();
    await db
      .insert(channelTeams)
      .values({ channelId: bed.channel.id, teamId: team!.id, workspaceId: bed.workspaceId });
    const found = await list(bed.owner, '?q=Sina');
    const contactId = found.items[0]!.id;
    const asOwner = (
      await as(bed.server, bed.owner, { method: 'GET', url: `${base}/contacts/${contactId}` })
    ).json();
    expect(asOwner.conversations.map((c: { id: string }) => c.id)).toEqual([conv.id]);
    const asAgent = (
      await as(bed.server, agent, { method: 'GET', url: `${base}/contacts/${contactId}` })
    ).json();
    expect(asAgent.conversations).toEqual([]);
    await db.delete(channelTeams);
  });
});

describe('merging duplicates', () => {
  it('merges a WhatsApp contact into a saved one: one person, the number that writes, nothing lost', async () => {
    await bed.inbound('4915900000088', 'Mara Whats', { type: 'text', text: { body: 'Hallo, Mara hier' } });
    const conv = await until('Mara', () => bed.conversationOf(bed.owner, 'Mara Whats'));
    const whatsId = (await list(bed.owner, '?q=Whats')).items[0]!.id;
    await as(bed.server, agent, {
      method: 'POST',
      url: `${base}/contacts/${whatsId}/notes`,
      payload: { text: 'Schreibt vom Diensthandy' },
    });
    const label = (
      await as(bed.server, bed.owner, {
        method: 'POST',
        url: `${base}/labels`,
        payload: { name: 'Merge-Test', color: '#aa3300' },
      })
    ).json();
    await as(bed.server, bed.owner, {
      method: 'PUT',
      url: `${base}/contacts/${whatsId}/labels`,
      payload: { labelIds: [label.id] },
    });
    const saved = (
      await as(bed.server, bed.owner, {
        method: 'POST',
        url: `${base}/contacts`,
        payload: { name: 'Mara Müller', phone: '0151 55555555', email: 'mara@example.de' },
      })
    ).json();
    const merge = (person: Person, keep: string, otherId: string) =>
      as(bed.server, person, { method: 'POST', url: `${base}/contacts/${keep}/merge`, payload: { otherId } });

    expect((await merge(agent, saved.id, whatsId)).statusCode).toBe(403);
    const res = await merge(admin, saved.id, whatsId);
    expect(res.statusCode, res.body).toBe(200);
    const merged = res.json();
    expect(merged).toMatchObject({
      id: saved.id,
      name: 'Mara Müller',
      email: 'mara@example.de',
      phone: '+4915900000088',
    });
    expect(merged.conversations.map((c: { id: string }) => c.id)).toEqual([conv.id]);
    expect(merged.notes.map((n: { text: string }) => n.text)).toEqual(['Schreibt vom Diensthandy']);
    expect(merged.labels.map((l: { name: string }) => l.name)).toEqual(['Merge-Test']);
    // The duplicate is gone, and so is the number nobody writes from.
    expect(
      (await as(bed.server, bed.owner, { method: 'GET', url: `${base}/contacts/${whatsId}` })).statusCode,
    ).toBe(404);
    expect((await list(bed.owner, '?q=Mara')).items.map((c) => c.id)).toEqual([saved.id]);
    expect((await list(bed.owner, `?q=${encodeURIComponent('+49 151 55555555')}`)).items).toEqual([]);
    // The customer writes again: the same conversation, the kept contact, the saved name.
    await bed.inbound('4915900000088', 'Mara Whats', { type: 'text', text: { body: 'Noch eine Frage' } });
    await until('second message', async () =>
      (await bed.messagesOf(bed.owner, conv.id)).some((m) => m.text === 'Noch eine Frage'),
    );
    expect((await list(bed.owner, '?q=Mara')).items.map((c) => [c.id, c.name])).toEqual([
      [saved.id, 'Mara Müller'],
    ]);
    // A replay of the same merge finds nothing to merge.
    expect((await merge(admin, saved.id, whatsId)).statusCode).toBe(404);
  });

  it('refuses to merge two contacts that both wrote from their own numbers, and a contact with itself', async () => {
    await bed.inbound('4915900000091', 'Zwilling Eins', { type: 'text', text: { body: 'Eins' } });
    await bed.inbound('4915900000092', 'Zwilling Zwei', { type: 'text', text: { body: 'Zwei' } });
    await until('both', () => bed.conversationOf(bed.owner, 'Zwilling Zwei'));
    await until('both', () => bed.conversationOf(bed.owner, 'Zwilling Eins'));
    const [one, two] = (await list(bed.owner, '?q=Zwilling')).items.map((c) => c.id);
    const both = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `${base}/contacts/${one}/merge`,
      payload: { otherId: two },
    });
    expect(both.statusCode).toBe(409);
    expect(both.json().error).toMatchObject({
      code: 'merge_conflict',
      details: { reason: 'both_have_conversations' },
    });
    const self = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `${base}/contacts/${one}/merge`,
      payload: { otherId: one },
    });
    expect(self.json().error).toMatchObject({ code: 'merge_conflict', details: { reason: 'same_contact' } });
    expect((await list(bed.owner, '?q=Zwilling')).items).toHaveLength(2);
  });
});

describe('blocking', () => {
  it('sends nothing to a blocked contact and keeps what they send without reopening or notifying', async () => {
    await bed.inbound('4915900000095', 'Lästig Lars', { type: 'text', text: { body: 'Erste' } });
    const conv = await until('Lars', () => bed.conversationOf(bed.owner, 'Lästig Lars'));
    const convUrl = `${base}/conversations/${conv.id}`;
    expect(
      (
        await as(bed.server, bed.owner, {
          method: 'POST',
          url: `${convUrl}/status`,
          payload: { status: 'resolved' },
        })
      ).statusCode,
    ).toBeLessThan(300);
    await as(bed.server, bed.owner, { method: 'POST', url: `${convUrl}/read` });
    const contactUrl = `${base}/contacts/${conv.contact.id}`;
    expect((await as(bed.server, agent, { method: 'POST', url: `${contactUrl}/block` })).json().blocked).toBe(
      true,
    );

    const refused = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `${convUrl}/messages`,
      payload: { text: 'Hallo?' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('contact_blocked');

    await bed.inbound('4915900000095', 'Lästig Lars', { type: 'text', text: { body: 'Zweite, blockiert' } });
    await until('stored', async () =>
      (await bed.messagesOf(bed.owner, conv.id)).some((m) => m.text === 'Zweite, blockiert'),
    );
    const after = (await as(bed.server, bed.owner, { method: 'GET', url: convUrl })).json();
    expect(after.status).toBe('resolved');
    expect(after.unreadCount).toBe(0);

    await as(bed.server, agent, { method: 'POST', url: `${contactUrl}/unblock` });
    await bed.inbound('4915900000095', 'Lästig Lars', { type: 'text', text: { body: 'Dritte' } });
    await until('reopened', async () => {
      const c = (await as(bed.server, bed.owner, { method: 'GET', url: convUrl })).json();
      return c.status === 'open' && c.unreadCount === 1;
    });
    const sent = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `${convUrl}/messages`,
      payload: { text: 'Wieder da' },
    });
    expect(sent.statusCode, sent.body).toBe(202);
  });
});

describe('CSV import and export', () => {
  it('imports with a mapping and reports every rejected row with its reason', async () => {
    const csv = [
      'Kunde;Handy;Mail;Gruppe',
      'Ida Import;0151 11111111;ida@example.de;Stammkunde|Newsletter',
      'Doppelt;+49 151 11111111;;',
      'Kein Telefon;;x@example.de;',
      'Falsch;12;;',
      '=HYPERLINK("http://evil");0151 22222222;;',
      'Mail kaputt;0151 33333333;not-an-email;',
      'Jo Jünger;0151 44444444;;',
    ].join('\r\n');
    const res = await importCsv(bed.owner, Buffer.from(csv), {
      mapping: JSON.stringify({ Kunde: 'name', Handy: 'phone', Mail: 'email', Gruppe: 'labels' }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.imported).toBe(2);
    expect(report.rejected).toEqual([
      { row: 3, reason: 'duplicate_in_file' },
      { row: 4, reason: 'missing_phone' },
      { row: 5, reason: 'invalid_phone' },
      { row: 6, reason: 'formula', detail: 'Kunde' },
      { row: 7, reason: 'invalid_email' },
    ]);
    expect(report.rejectedCount).toBe(5);
    const ida = (await list(bed.owner, '?q=Ida')).items[0]!;
    expect(ida.phone).toBe('+4915111111111');
    expect(ida.labels.map((l) => l.name).sort()).toEqual(['Newsletter', 'Stammkunde']);
    // Again: all known → skipped; with onDuplicate=update the name changes.
    const again = (await importCsv(bed.owner, Buffer.from('name,phone\nIda Neu,015111111111\n'))).json();
    expect([again.imported, again.skipped]).toEqual([0, 1]);
    const update = (
      await importCsv(bed.owner, Buffer.from('name,phone\nIda Neu,015111111111\n'), { onDuplicate: 'update' })
    ).json();
    expect(update.updated).toBe(1);
    expect((await list(bed.owner, '?q=Ida')).items[0]!.name).toBe('Ida Neu');
  });

  it('reads Latin-1 and UTF-16, refuses binary with csv_encoding and imports nothing', async () => {
    const latin = await importCsv(
      bed.owner,
      iconv.encode('name,phone\nJörg Müßig,0152 10000001\n', 'latin1'),
    );
    expect(latin.json()).toMatchObject({ imported: 1, encoding: 'Windows-1252' });
    expect((await list(bed.owner, `?q=${encodeURIComponent('Jörg')}`)).items[0]?.name).toBe('Jörg Müßig');
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      iconv.encode('name,phone\nÜlkü Öz,0152 10000002\n', 'utf16le'),
    ]);
    expect((await importCsv(bed.owner, utf16)).json()).toMatchObject({ imported: 1, encoding: 'UTF-16LE' });
    expect((await list(bed.owner, `?q=${encodeURIComponent('Ülkü')}`)).items[0]?.name).toBe('Ülkü Öz');
    const before = (await bed.server.ctx.db.select().from(contacts)).length;
    const xlsx = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]),
      Buffer.alloc(200, 7),
    ]);
    const refused = await importCsv(bed.owner, xlsx);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('csv_encoding');
    expect((await bed.server.ctx.db.select().from(contacts)).length).toBe(before);
  });

  it('stops at a malformed row, keeps what came before and says where', async () => {
    const csv = 'name,phone\nVor Fehler,0152 20000001\n"kaputt,0152 20000002\nNach,0152 20000003\n';
    const res = await importCsv(bed.owner, Buffer.from(csv));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().imported).toBe(1);
    expect(res.json().rejected.at(-1)).toMatchObject({ row: 3, reason: 'malformed_csv' });
  });

  it('answers clear errors for a missing phone column, a bad mapping and no file; agents may not import or export', async () => {
    expect((await importCsv(bed.owner, Buffer.from('name,city\nA,B\n'))).json().error.code).toBe(
      'validation_failed',
    );
    expect((await importCsv(bed.owner, Buffer.from('name,phone\n'), { mapping: '{nope' })).statusCode).toBe(
      400,
    );
    const noFile = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `${base}/contacts/import`,
      payload: {},
    });
    expect(noFile.statusCode).toBe(400);
    expect((await importCsv(agent, Buffer.from('name,phone\nA,0152 1\n'))).statusCode).toBe(403);
    expect((await as(bed.server, agent, { method: 'GET', url: `${base}/contacts/export` })).statusCode).toBe(
      403,
    );
  });

  it('previews headers, encoding and a suggested mapping from the first bytes', async () => {
    const res = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `${base}/contacts/import/preview`,
      ...multipart(Buffer.from('Name;Telefon\nA;0152 1\nB;0152 2\n')),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      encoding: 'UTF-8',
      delimiter: ';',
      headers: ['Name', 'Telefon'],
      sample: [
        ['A', '0152 1'],
        ['B', '0152 2'],
      ],
      suggestedMapping: { Name: 'name', Telefon: 'phone' },
    });
  });

  it('exports CSV with formulas escaped, and the export imports back unchanged', async () => {
    const attr = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `${base}/contact-attributes`,
      payload: { key: 'kundennummer', label: 'Kundennummer', type: 'text' },
    });
    expect(attr.statusCode, attr.body).toBe(201);
    await as(bed.server, bed.owner, {
      method: 'POST',
      url: `${base}/contacts`,
      payload: { name: '=cmd|calc!A1', phone: '0176 30000001', attributes: { kundennummer: 'K-77' } },
    });
    const res = await as(bed.server, bed.owner, {
      method: 'GET',
      url: `${base}/contacts/export?q=${encodeURIComponent('+49 17630')}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="contacts-/);
    const text = res.body;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain("'=cmd|calc!A1");
    expect(text).toContain("'+4917630000001");
    const header = text.split('\r\n')[0]!;
    expect(header.startsWith('\ufeffname,phone,email,labels,blocked,created_at,')).toBe(true);
    expect(header.split(',')).toContain('kundennummer');
    expect(text).toContain('K-77');
    // Round trip: re-importing our own export finds the same person (formula name refused, number known).
    const back = (await importCsv(bed.owner, Buffer.from(text.slice(1)), { onDuplicate: 'skip' })).json();
    expect(back.rejected.map((r: { reason: string }) => r.reason)).toEqual(['formula']);
  });

  it('reads a 100 MB file as a stream: memory stays flat, every row is counted, the report is capped', async () => {
    // 1,000,000 rows of ~105 bytes: every 10,000th a new valid number, the rest without a phone (cheap to
    // reject, so this measures streaming, not the database). The body is generated while it is sent.
    const rows = 1_000_000;
    const filler = 'x'.repeat(60);
    const header = 'name,phone,email\n';
    const line = (i: number) =>
      i % 10_000 === 0
        ? `Gross ${i} ${filler},+4917${String(i / 10_000).padStart(9, '0')},g${i}@example.de\n`
        : `Ohne Nummer ${String(i).padStart(7, '0')} ${filler},,o${i}@example.de\n`;
    const m = multipart(Buffer.alloc(0));
    const [prefix, suffix] = [
      m.payload.subarray(0, m.payload.length - `\r\n--${BOUNDARY}--\r\n`.length),
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ];
    let bytes = 0;
    const body = Readable.from(
      (function* () {
        yield prefix;
        yield Buffer.from(header);
        let chunk: string[] = [];
        for (let i = 0; i < rows; i++) {
          chunk.push(line(i));
          if (chunk.length === 2000) {
            const b = Buffer.from(chunk.join(''));
            bytes += b.length;
            yield b;
            chunk = [];
          }
        }
        if (chunk.length) yield Buffer.from(chunk.join(''));
        yield suffix;
      })(),
    );
    // What is live, not what awaits collection: a full collection before every sample.
    const mem = () => {
      collectGarbage();
      const u = process.memoryUsage();
      return u.heapUsed + u.arrayBuffers;
    };
    const before = mem();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, mem());
    }, 100);
    const res = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `${base}/contacts/import`,
      headers: m.headers,
      payload: body,
    });
    clearInterval(sampler);
    expect(bytes).toBeGreaterThan(100 * 1000 * 1000);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const report = res.json();
    expect(report.imported).toBe(rows / 10_000);
    expect(report.rejectedCount).toBe(rows - rows / 10_000);
    expect(report.rejected.length).toBeLessThan(report.rejectedCount);
    expect(report.rejected[0]).toEqual({ row: 3, reason: 'missing_phone' });
    // Held in memory at once: far less than the file (the live JS heap and buffers while it ran).
    expect(peak - before).toBeLessThan(48 * 1024 * 1024);
  }, 600_000);

  it('streams a 3.5 MB file in bounded memory and counts every row', async () => {
    const rows = 40_000;
    function* lines() {
      yield 'name,phone,email\n';
      for (let i = 0; i < rows; i++) {
        // Every 1000th row is a duplicate of the one before; the rest are new numbers.
        const n = i % 1000 === 999 ? i - 1 : i;
        yield `Stream Kunde ${i} mit einem etwas längeren Namen,+4916${String(n).padStart(9, '0')},kunde${i}@example.de\n`;
      }
    }
    const body = Buffer.from([...lines()].join(''));
    expect(body.length).toBeGreaterThan(3 * 1024 * 1024);
    // The JS heap is sampled while the import runs (the in-process PGlite database grows in WASM
    // memory, which is not what this is about): it must not grow with the file.
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const sampler = setInterval(() => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }, 50);
    const res = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `${base}/contacts/import`,
      headers: multipart(Buffer.alloc(0)).headers,
      payload: Readable.from(
        (function* () {
          const m = multipart(body);
          for (let i = 0; i < m.payload.length; i += 256 * 1024) yield m.payload.subarray(i, i + 256 * 1024);
        })(),
      ),
    });
    clearInterval(sampler);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const report = res.json();
    expect(report.imported).toBe(rows - rows / 1000);
    expect(report.rejectedCount).toBe(rows / 1000);
    expect(report.rejected.every((r: { reason: string }) => r.reason === 'duplicate_in_file')).toBe(true);
    expect(heapPeak - heapBefore).toBeLessThan(200 * 1024 * 1024);
  }, 600_000);
});
