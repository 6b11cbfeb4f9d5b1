import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastRecipients, messages } from '../../db/schema.js';
import { as } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';
import { recordConsents } from '../consents/service.js';

/**
 * Audiences over HTTP: dynamic segments and exclusions, the review step's counts, static lists from
 * CSV with consent proofs, retry of transient failures, the CSV export and replies linked to the
 * newsletter — through the real server and the simulator.
 */
let bed: WhatsAppTestbed;
const url = (rest: string) => `/api/v1/workspaces/${bed.workspaceId}${rest}`;
let phoneSeq = 0;
const post = (path: string, payload?: unknown) =>
  as(bed.server, bed.owner, { method: 'POST', url: url(path), ...(payload ? { payload } : {}) });
const get = (path: string) => as(bed.server, bed.owner, { method: 'GET', url: url(path) });

async function contact(name: string, attributes?: Record<string, string>) {
  const waId = `49162${String(process.pid % 1000).padStart(3, '0')}${String(phoneSeq++).padStart(4, '0')}`;
  const res = await post('/contacts', { phone: `+${waId}`, name });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  if (attributes) {
    const patch = await as(bed.server, bed.owner, {
      method: 'PATCH',
      url: url(`/contacts/${id}`),
      payload: { attributes },
    });
    expect(patch.statusCode, patch.body).toBe(200);
  }
  return { id, waId };
}

async function consent(contactId: string, action: 'requested' | 'granted' | 'withdrawn') {
  await recordConsents(bed.server.ctx, bed.server.ctx.db, [
    { workspaceId: bed.workspaceId, contactId, purpose: 'marketing', action, source: 'web_form' },
  ]);
}

async function label(name: string, contactIds: string[]) {
  const res = await post('/labels', { name, color: '#1f883d' });
  expect(res.statusCode, res.body).toBe(201);
  const labelId = res.json().id as string;
  for (const id of contactIds) {
    const put = await as(bed.server, bed.owner, {
      method: 'PUT',
      url: url(`/contacts/${id}/labels`),
      payload: { labelIds: [labelId] },
    });
    expect(put.statusCode, put.body).toBe(200);
  }
  return labelId;
}

const sale = { templateName: 'audience_sale', language: 'de', variables: { '1': { field: 'contact.name' } } };

beforeAll(async () => {
  bed = await startWhatsAppTestbed({
    sim: { templateReview: { delayMs: 0, rules: [], defaultOutcome: 'APPROVED' } },
  });
  await bed.simConfig({ rules: { perUserMarketingLimit: null } });
  const created = await fetch(`${bed.sim.url}/v24.0/102290129340398/message_templates`, {
    method: 'POST',
    headers: { authorization: 'Bearer sim-access-token-123', 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'audience_sale',
      language: 'de',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Hallo {{1}}, 20 % auf alles.', example: { body_text: [['Ana']] } }],
    }),
  });
  expect(created.status, await created.clone().text()).toBe(200);
  await until('audience_sale approved', async () =>
    bed.sim.core.templates.list().some((t) => t.name === 'audience_sale' && t.status === 'APPROVED'),
  );
  const sync = await post(`/channels/${bed.channel.id}/templates/sync`);
  expect(sync.statusCode, sync.body).toBe(200);
});
afterAll(async () => {
  await bed?.close();
});

describe('audiences', () => {
  it('a segment over consent, custom attribute and label, minus an excluded label, previews and freezes the same contacts', async () => {
    const attr = await post('/contact-attributes', { key: 'city', label: 'City', type: 'text' });
    expect(attr.statusCode, attr.body).toBe(201);
    const berlinYes = await contact('Berlin Yes', { city: 'Berlin' });
    const berlinNo = await contact('Berlin No', { city: 'berlin' });
    const hamburgYes = await contact('Hamburg Yes', { city: 'Hamburg' });
    const berlinOut = await contact('Berlin Out', { city: 'Berlin' });
    const berlinVip = await contact('Berlin VIP', { city: 'Berlin' });
    for (const c of [berlinYes, hamburgYes, berlinOut, berlinVip]) await consent(c.id, 'granted');
    await consent(berlinNo.id, 'requested');
    await consent(berlinOut.id, 'withdrawn');
    const vip = await label('VIP', [berlinVip.id]);

    const segment = {
      segment: { conditions: [{ type: 'attribute', key: 'city', op: 'equals', value: 'BERLIN' }] },
      exclude: { labelIds: [vip] },
    };
    const preview = await post('/broadcasts/audience-preview', {
      channelId: bed.channel.id,
      ...sale,
      audience: segment,
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const p = preview.json();
    // Berlin (case-insensitive): Yes, No, Out, VIP; VIP excluded by rule.
    expect(p.total).toBe(3);
    expect(p.eligible).toBe(1);
    expect(p.excluded).toMatchObject({ byRule: 1, noConsent: 1, optedOut: 1, blocked: 0, noNumber: 0 });
    expect(p.marketing).toBe(true);
    expect(p.samples).toEqual([
      { contactId: berlinYes.id, name: 'Berlin Yes', variables: { '1': 'Berlin Yes' } },
    ]);
    expect(p.estimatedSeconds).toBeGreaterThanOrEqual(1);

    // Only granted consent in the segment: the withdrawn and the asked-only are not even in it.
    const consented = await post('/broadcasts/audience-preview', {
      channelId: bed.channel.id,
      ...sale,
      audience: {
        segment: {
          conditions: [
            { type: 'consent', state: 'granted' },
            { type: 'attribute', key: 'city', op: 'contains', value: 'burg' },
          ],
        },
      },
    });
    expect(consented.json()).toMatchObject({ total: 1, eligible: 1 });

    const created = await post('/broadcasts', { channelId: bed.channel.id, ...sale, audience: segment });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await post(`/broadcasts/${id}/start`)).statusCode).toBe(200);
    const done = await until('completed', async () => {
      const b = (await get(`/broadcasts/${id}`)).json();
      return b.state === 'completed' ? b : null;
    });
    expect(done.counts.total).toBe(3);
    expect(done.counts.skipped).toBe(2);
    expect(done.errors.map((e: { code: string }) => e.code).sort()).toEqual(['no_consent', 'opted_out']);
    expect((await bed.sentTo(berlinYes.waId)).length).toBe(1);
    expect((await bed.sentTo(berlinVip.waId)).length).toBe(0);
    expect((await bed.sentTo(berlinNo.waId)).length).toBe(0);

    const page = (await get(`/broadcasts/${id}/recipients`)).json();
    const yes = page.items.find((r: { contactId: string }) => r.contactId === berlinYes.id);
    expect(yes).toMatchObject({ name: 'Berlin Yes', phone: `+${berlinYes.waId}` });

    // The customer answers: the reply is linked to the newsletter and counted.
    await bed.inbound(berlinYes.waId, 'Berlin Yes', {
      type: 'text',
      text: { body: 'Gilt das auch online?' },
    });
    await until('reply linked', async () => {
      const rows = await bed.server.ctx.db
        .select({ broadcastId: messages.broadcastId })
        .from(messages)
        .where(eq(messages.broadcastId, id));
      return rows.length === 1;
    });
    const after = (await get(`/broadcasts/${id}`)).json();
    expect(after.counts.replied).toBe(1);

    const csv = await get(`/broadcasts/${id}/recipients.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r\n/);
    expect(lines[0]).toBe(
      'contact_id,name,phone,state,error_code,error_message,consent_entry_id,sent_at,delivered_at,read_at,replied_at,failed_at',
    );
    expect(lines).toHaveLength(4);
    expect(lines.some((l) => l.startsWith(berlinYes.id) && l.includes("'+49") && /,20\d\d-/.test(l))).toBe(
      true,
    );
  });

  it('a CSV list creates and matches contacts, records consent only with a proof, and never overrides an opt-out', async () => {
    const known = await contact('Known');
    const stopped = await contact('Stopped');
    await consent(stopped.id, 'withdrawn');
    const fresh = `49163${String(process.pid % 1000).padStart(3, '0')}0001`;
    const csv = [
      'Telefon;Name;Einwilligungsnachweis',
      `+${known.waId};Known;Formular 2026-11-03`,
      `+${fresh};Neu;`,
      `+${stopped.waId};Stopped;Messe-Liste`,
      'nonsense;Broken;x',
      `+${fresh};Again;`,
    ].join('\n');
    const res = await post('/broadcasts/audience-import', { channelId: bed.channel.id, csv });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({ created: 1, matched: 2, consentsRecorded: 1 });
    expect(r.contactIds).toContain(known.id);
    expect(r.contactIds).not.toContain(stopped.id);
    expect(r.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [5, 'invalid_phone'],
      [6, 'duplicate'],
      [4, 'opted_out'],
    ]);
    const history = (await get(`/contacts/${known.id}/consents`)).json();
    const entries = history.entries ?? history.items ?? history;
    expect(JSON.stringify(entries)).toContain('Formular 2026-11-03');
    expect(JSON.stringify((await get(`/contacts/${stopped.id}/consents`)).json())).not.toContain(
      'Messe-Liste',
    );

    const bad = await post('/broadcasts/audience-import', { channelId: bed.channel.id, csv: 'Name\nAnna' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
  });

  it('retry failed sends the transient failures again, and only those', async () => {
    const a = await contact('Retry A');
    const b = await contact('Retry B');
    for (const c of [a, b]) await consent(c.id, 'granted');
    const created = await post('/broadcasts', {
      channelId: bed.channel.id,
      ...sale,
      audience: { contactIds: [a.id, b.id] },
    });
    const id = created.json().id as string;
    expect((await post(`/broadcasts/${id}/start`)).statusCode).toBe(200);
    await until('completed', async () => (await get(`/broadcasts/${id}`)).json().state === 'completed');
    // Let the status webhooks of the first send arrive (delivered and read), then rewrite the outcome.
    await until('delivered', async () => {
      const { counts } = (await get(`/broadcasts/${id}`)).json();
      return counts.delivered + counts.read === 2;
    });
    // As if WhatsApp had refused A for now (131049) and B for good (131026).
    const db = bed.server.ctx.db;
    const rows = await db.select().from(broadcastRecipients).where(eq(broadcastRecipients.broadcastId, id));
    for (const row of rows)
      await db
        .update(broadcastRecipients)
        .set({
          state: 'failed',
          errorCode: row.contactId === a.id ? '131049' : '131026',
          errorMessage: 'refused',
          retryable: row.contactId === a.id,
          providerMessageId: null,
        })
        .where(eq(broadcastRecipients.id, row.id));
    expect((await get(`/broadcasts/${id}`)).json().retryable).toBe(1);
    const retry = await post(`/broadcasts/${id}/retry-failed`);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json().retried).toBe(1);
    await until('sent again', async () => (await bed.sentTo(a.waId)).length === 2);
    const done = await until('completed again', async () => {
      const x = (await get(`/broadcasts/${id}`)).json();
      return x.state === 'completed' ? x : null;
    });
    expect(done.counts.failed).toBe(1);
    expect((await bed.sentTo(b.waId)).length).toBe(1);
    const draft = await post('/broadcasts', {
      channelId: bed.channel.id,
      ...sale,
      audience: { contactIds: [a.id] },
    });
    const refused = await post(`/broadcasts/${draft.json().id}/retry-failed`);
    expect(refused.statusCode).toBe(409);
  });

  it("WhatsApp's quality rating is stored, and a paused template pauses its scheduled broadcasts", async () => {
    const simControl = (path: string, body: unknown) =>
      fetch(`${bed.sim.url}/_sim/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const quality = await simControl('templates/audience_sale/quality', { score: 'YELLOW' });
    expect(quality.status, await quality.clone().text()).toBe(200);
    await until('quality stored', async () => {
      const list = (await get('/templates')).json() as Record<
        string,
        { name: string; qualityScore: string | null }[]
      >;
      const items = Object.values(list).find(Array.isArray) ?? [];
      return items.some((t) => t.name === 'audience_sale' && t.qualityScore === 'YELLOW');
    });

    const c = await contact('Paused Template');
    await consent(c.id, 'granted');
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const created = await post('/broadcasts', {
      channelId: bed.channel.id,
      ...sale,
      audience: { contactIds: [c.id] },
      scheduledAt: later,
    });
    const id = created.json().id as string;
    expect((await post(`/broadcasts/${id}/start`)).json().state).toBe('scheduled');
    const paused = await simControl('templates/audience_sale/status', { status: 'PAUSED' });
    expect(paused.status, await paused.clone().text()).toBe(200);
    const b = await until('broadcast paused', async () => {
      const x = (await get(`/broadcasts/${id}`)).json();
      return x.state === 'paused' ? x : null;
    });
    expect(b.pauseReason).toBe('template_paused');
    expect(b.pauseDetail).toContain('PAUSED');
    expect((await bed.sentTo(c.waId)).length).toBe(0);
    await simControl('templates/audience_sale/status', { status: 'APPROVED' });
  });
});
