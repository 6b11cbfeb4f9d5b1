import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts } from '../../db/schema.js';
import { as } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';
import { consentStatesOf, recordConsents } from '../consents/service.js';

/**
 * Broadcasts through the real server over HTTP and the simulator over HTTP: validation, the consent
 * gate, counts and pages, state changes, and how WhatsApp's refusals are handled.
 */
let bed: WhatsAppTestbed;
const url = (rest: string) => `/api/v1/workspaces/${bed.workspaceId}${rest}`;
let phoneSeq = 0;

const post = (path: string, payload?: unknown) =>
  as(bed.server, bed.owner, { method: 'POST', url: url(path), ...(payload ? { payload } : {}) });
const get = (path: string) => as(bed.server, bed.owner, { method: 'GET', url: url(path) });

async function contact(name: string): Promise<{ id: string; waId: string }> {
  const waId = `49160${String(process.pid % 1000).padStart(3, '0')}${String(phoneSeq++).padStart(4, '0')}`;
  const res = await post('/contacts', { phone: `+${waId}`, name });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, waId };
}

async function consent(contactId: string, action: 'requested' | 'granted' | 'withdrawn'): Promise<string> {
  const [row] = await recordConsents(bed.server.ctx, bed.server.ctx.db, [
    { workspaceId: bed.workspaceId, contactId, purpose: 'marketing', action, source: 'web_form' },
  ]);
  return row!.id;
}

type Counts = Record<'total' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped', number>;
type Recipient = {
  contactId: string;
  state: string;
  consentEntryId: string | null;
  error?: { code: string; retryable: boolean };
};

async function broadcast(body: Record<string, unknown>): Promise<string> {
  const res = await post('/broadcasts', { channelId: bed.channel.id, ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function settled(id: string, states = ['completed']) {
  return until(`broadcast ${states.join('/')}`, async () => {
    const b = (await get(`/broadcasts/${id}`)).json() as {
      state: string;
      counts: Counts;
      pauseReason: string | null;
      pauseCode: number | null;
    };
    return states.includes(b.state) ? b : null;
  });
}

async function allRecipients(id: string, limit = 100): Promise<{ items: Recipient[]; pages: number }> {
  const items: Recipient[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await get(`/broadcasts/${id}/recipients?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { items: Recipient[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  return { items, pages };
}

const sale = { templateName: 'spring_sale', language: 'de', variables: { '1': { field: 'contact.name' } } };

beforeAll(async () => {
  bed = await startWhatsAppTestbed({
    sim: { templateReview: { delayMs: 0, rules: [], defaultOutcome: 'APPROVED' } },
  });
  await bed.simConfig({ rules: { perUserMarketingLimit: null } });
  const created = await fetch(`${bed.sim.url}/v24.0/102290129340398/message_templates`, {
    method: 'POST',
    headers: { authorization: 'Bearer sim-access-token-123', 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'spring_sale',
      language: 'de',
      category: 'MARKETING',
      components: [
        { type: 'BODY', text: 'Hallo {{1}}, 20 % auf alles bis Sonntag.', example: { body_text: [['Ana']] } },
      ],
    }),
  });
  expect(created.status, await created.clone().text()).toBe(200);
  await until('spring_sale approved', async () =>
    bed.sim.core.templates.list().some((t) => t.name === 'spring_sale' && t.status === 'APPROVED'),
  );
  const sync = await post(`/channels/${bed.channel.id}/templates/sync`);
  expect(sync.statusCode, sync.body).toBe(200);
});
afterAll(async () => bed?.close());

describe('creating a broadcast', () => {
  it('refuses a template the number does not have approved, and names every placeholder without a value', async () => {
    const a = await contact('Ana');
    const unknown = await post('/broadcasts', {
      channelId: bed.channel.id,
      templateName: 'no_such_template',
      language: 'de',
      audience: { contactIds: [a.id] },
    });
    expect(unknown.statusCode, unknown.body).toBe(422);
    expect(unknown.json().error.code).toBe('template_not_approved');
    const missing = await post('/broadcasts', {
      channelId: bed.channel.id,
      templateName: 'order_ready',
      language: 'en_US',
      audience: { contactIds: [a.id] },
      variables: { '2': 'A-1' },
    });
    expect(missing.statusCode, missing.body).toBe(422);
    expect(missing.json().error.code).toBe('template_variables_missing');
    expect(
      missing
        .json()
        .error.details.issues.map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(['body.variables.1', 'body.variables.3', 'body.variables.header.1']);
    const id = await broadcast({ ...sale, audience: { contactIds: [a.id] } });
    expect((await get(`/broadcasts/${id}`)).json()).toMatchObject({
      id,
      state: 'draft',
      counts: { total: 0 },
    });
  });

  it('answers 404 for a broadcast of another workspace', async () => {
    const a = await contact('Anna Andere');
    const id = await broadcast({ ...sale, audience: { contactIds: [a.id] } });
    const other = await bed.addWorkspace();
    const res = await as(bed.server, other.owner, {
      method: 'GET',
      url: `/api/v1/workspaces/${other.workspaceId}/broadcasts/${id}`,
    });
    expect(res.statusCode, res.body).toBe(404);
  });
});

describe('the consent gate', () => {
  it('a marketing broadcast reaches only contacts whose marketing consent is granted, and records the entry', async () => {
    const none = await contact('Nora Nichts');
    const requested = await contact('Rita Requested');
    const granted = await contact('Greta Granted');
    const withdrawn = await contact('Willi Withdrawn');
    const blocked = await contact('Bernd Blocked');
    await consent(requested.id, 'requested');
    const entry = await consent(granted.id, 'granted');
    await consent(withdrawn.id, 'granted');
    await consent(withdrawn.id, 'withdrawn');
    await consent(blocked.id, 'granted');
    await bed.server.ctx.db
      .update(contacts)
      .set({ blockedAt: new Date() })
      .where(eq(contacts.id, blocked.id));
    const people = [none, requested, granted, withdrawn, blocked];
    const id = await broadcast({ ...sale, audience: { contactIds: people.map((p) => p.id) } });
    const started = await post(`/broadcasts/${id}/start`);
    expect(started.statusCode, started.body).toBe(200);
    const done = await settled(id);
    expect(done.counts.total).toBe(5);
    expect(done.counts.skipped).toBe(4);
    expect(done.counts.sent + done.counts.delivered + done.counts.read).toBe(1);
    const { items } = await allRecipients(id);
    const byContact = new Map(items.map((r) => [r.contactId, r]));
    expect(byContact.get(none.id)?.error?.code).toBe('no_consent');
    expect(byContact.get(requested.id)?.error?.code).toBe('no_consent');
    expect(byContact.get(withdrawn.id)?.error?.code).toBe('opted_out');
    expect(byContact.get(blocked.id)?.error?.code).toBe('blocked');
    expect(byContact.get(granted.id)?.consentEntryId).toBe(entry);
    for (const p of [none, requested, withdrawn, blocked]) expect(await bed.sentTo(p.waId)).toHaveLength(0);
    const sent = await bed.sentTo(granted.waId);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.body)).toContain('Greta Granted');
  });

  it('re-checks consent when sending: a withdrawal after the broadcast was created stops the send', async () => {
    const p = await contact('Stefan Stopp');
    await consent(p.id, 'granted');
    const id = await broadcast({ ...sale, audience: { contactIds: [p.id] } });
    await consent(p.id, 'withdrawn');
    await post(`/broadcasts/${id}/start`);
    const done = await settled(id);
    expect(done.counts.skipped).toBe(1);
    expect((await allRecipients(id)).items[0]?.error?.code).toBe('opted_out');
    expect(await bed.sentTo(p.waId)).toHaveLength(0);
  });
});

describe('counts and pages', () => {
  it('a utility broadcast over a label and listed contacts sends once per contact; recipients page through', async () => {
    const people = [];
    for (let i = 0; i < 7; i++) people.push(await contact(`Paula Page ${i}`));
    const label = await post('/labels', { name: `Stammkunden ${Date.now()}`, color: '#00aa00' });
    expect(label.statusCode, label.body).toBe(201);
    const labelId = label.json().id;
    for (const p of people.slice(0, 4)) {
      const r = await as(bed.server, bed.owner, {
        method: 'PUT',
        url: url(`/contacts/${p.id}/labels`),
        payload: { labelIds: [labelId] },
      });
      expect(r.statusCode, r.body).toBeLessThan(300);
    }
    const id = await broadcast({
      templateName: 'order_ready',
      language: 'en_US',
      // Contacts 2 and 3 are both listed and labelled: still one recipient each.
      audience: { labelIds: [labelId], contactIds: people.slice(2).map((p) => p.id) },
      variables: { 'header.1': 'A-7', '1': { field: 'contact.name' }, '2': 'A-7', '3': 'Hauptstraße 5' },
    });
    await post(`/broadcasts/${id}/start`);
    const done = await settled(id);
    expect(done.counts.total).toBe(7);
    expect(done.counts.sent + done.counts.delivered + done.counts.read).toBe(7);
    const { items, pages } = await allRecipients(id, 3);
    expect(pages).toBe(3);
    expect(new Set(items.map((r) => r.contactId))).toEqual(new Set(people.map((p) => p.id)));
    for (const p of people) expect(await bed.sentTo(p.waId)).toHaveLength(1);
    const list = await get('/broadcasts');
    expect(list.json().items.some((b: { id: string }) => b.id === id)).toBe(true);
  });
});

describe('state changes', () => {
  it('a scheduled broadcast waits, can be paused and cancelled, and a cancelled one cannot resume', async () => {
    const p = await contact('Sara Später');
    await consent(p.id, 'granted');
    const id = await broadcast({
      ...sale,
      audience: { contactIds: [p.id] },
      scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const early = await post(`/broadcasts/${id}/pause`);
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json().error.code).toBe('broadcast_state_invalid');
    expect((await post(`/broadcasts/${id}/start`)).json()).toMatchObject({
      state: 'scheduled',
      counts: { total: 1, queued: 1 },
    });
    expect((await post(`/broadcasts/${id}/pause`)).json()).toMatchObject({
      state: 'paused',
      pauseReason: 'manual',
    });
    expect((await post(`/broadcasts/${id}/cancel`)).json()).toMatchObject({ state: 'cancelled' });
    const again = await post(`/broadcasts/${id}/resume`);
    expect(again.statusCode, again.body).toBe(409);
    await bed.server.ctx.jobs.drain();
    expect(await bed.sentTo(p.waId)).toHaveLength(0);
  });
});

describe("WhatsApp's refusals", () => {
  it('131049 (per-user marketing cap) fails the recipient as retryable later, without an immediate retry', async () => {
    const p = await contact('Mia Marketing');
    await consent(p.id, 'granted');
    await bed.simConfig({ rules: { perUserMarketingLimit: 0 } });
    try {
      const id = await broadcast({ ...sale, audience: { contactIds: [p.id] } });
      await post(`/broadcasts/${id}/start`);
      await until('the recipient failed', async () => (await allRecipients(id)).items[0]?.state === 'failed');
      const r = (await allRecipients(id)).items[0]!;
      expect(r.error).toMatchObject({ code: '131049', retryable: true });
      expect((await settled(id)).counts.failed).toBe(1);
      expect(await bed.sentTo(p.waId)).toHaveLength(1);
    } finally {
      await bed.simConfig({ rules: { perUserMarketingLimit: null } });
    }
  });

  it('131048 (spam restriction) pauses the broadcast with the error; resuming after it ends sends the rest once', async () => {
    const people = [await contact('Sven Spam 1'), await contact('Sven Spam 2')];
    for (const p of people) await consent(p.id, 'granted');
    await bed.faults({ api: { sendError: 1, sendErrorCode: 131048 } });
    const id = await broadcast({ ...sale, audience: { contactIds: people.map((p) => p.id) } });
    try {
      await post(`/broadcasts/${id}/start`);
      const paused = await settled(id, ['paused']);
      expect(paused).toMatchObject({ pauseReason: 'whatsapp_error', pauseCode: 131048 });
      expect(paused.counts.queued).toBe(2);
    } finally {
      await bed.faults({});
    }
    const resumed = await post(`/broadcasts/${id}/resume`);
    expect(resumed.statusCode, resumed.body).toBe(200);
    const done = await settled(id);
    expect(done.counts.sent + done.counts.delivered + done.counts.read).toBe(2);
    for (const p of people) expect(await bed.sentTo(p.waId)).toHaveLength(1);
  });

  it('131050 (the customer stopped marketing in WhatsApp) fails the recipient and withdraws marketing consent in the ledger', async () => {
    const p = await contact('Olga Optout');
    await consent(p.id, 'granted');
    await bed.faults({ api: { sendError: 1, sendErrorCode: 131050 } });
    const id = await broadcast({ ...sale, audience: { contactIds: [p.id] } });
    try {
      await post(`/broadcasts/${id}/start`);
      expect((await settled(id)).counts.failed).toBe(1);
    } finally {
      await bed.faults({});
    }
    expect((await allRecipients(id)).items[0]?.error).toMatchObject({ code: '131050', retryable: false });
    const states = await consentStatesOf(bed.server.ctx.db, bed.workspaceId, [p.id], bed.channel.id);
    expect(states.get(p.id)?.marketing.state).toBe('withdrawn');
  });
});
