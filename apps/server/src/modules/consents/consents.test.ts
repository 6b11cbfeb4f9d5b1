import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.js';
import { as, buildMember, type Person } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';
import { CONSENT_NO, CONSENT_YES } from './keywords.js';
import { DEFAULT_CONSENT_SETTINGS } from './service.js';

/**
 * The consent ledger over the real server and the simulator: the API, the double opt-in by keyword
 * and button, the opt-out by keyword in the transaction that stores the message, and the table that
 * refuses to be changed.
 */
let bed: WhatsAppTestbed;
let agent: Person;
const url = (rest: string) => `/api/v1/workspaces/${bed.workspaceId}${rest}`;
const post = (path: string, payload: Record<string, unknown>, who: Person = bed.owner) =>
  as(bed.server, who, { method: 'POST', url: url(path), payload });
const get = (path: string, who: Person = bed.owner) => as(bed.server, who, { method: 'GET', url: url(path) });
let seq = 0;
const nextWaId = () => `49171${String(process.pid % 1000).padStart(3, '0')}${String(seq++).padStart(4, '0')}`;

type History = {
  items: {
    action: string;
    source: string;
    messageId: string | null;
    wording: string | null;
    evidence: string | null;
  }[];
  current: { marketing: string; service: string };
};
const history = async (contactId: string) => (await get(`/contacts/${contactId}/consents`)).json() as History;

/**
 * A customer writes; resolves once the server stored the message (webhooks may be processed after
 * they are answered), with the contact's id. The ledger is read right after: what the message did to
 * consent is committed with it.
 */
async function writes(waId: string, name: string, message: Record<string, unknown>): Promise<string> {
  const res = await bed.inbound(waId, name, message, { wait: true });
  expect(res.delivered).toBe(true);
  await until(`message ${res.id} stored`, async () => {
    const rows = rowsOf<{ id: string }>(
      await bed.server.ctx.db.execute(sql`select id from messages where provider_message_id = ${res.id}`),
    );
    return rows.length > 0;
  });
  const conv = await until(`conversation of ${name}`, () => bed.conversationOf(bed.owner, name));
  return conv.contact.id;
}

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
  agent = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent');
});
afterAll(async () => bed?.close());

describe('consents API', () => {
  it('appends entries and answers the history oldest first with the current state per purpose', async () => {
    const created = await post('/contacts', { phone: `+${nextWaId()}`, name: 'Lena Ledger' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await history(id)).current).toEqual({ marketing: 'none', service: 'none' });

    const granted = await post(`/contacts/${id}/consents`, {
      purpose: 'marketing',
      action: 'granted',
      source: 'web_form',
      evidence: 'Form v3, IP 203.0.113.0/24, checkbox ticked',
    });
    expect(granted.statusCode, granted.body).toBe(201);
    expect(granted.json()).toMatchObject({ action: 'granted', source: 'web_form', contactId: id });
    const byAgent = await post(
      `/contacts/${id}/consents`,
      { purpose: 'marketing', action: 'withdrawn', source: 'agent', evidence: 'Asked on the phone' },
      agent,
    );
    expect(byAgent.statusCode, byAgent.body).toBe(201);
    expect(byAgent.json().actorUserId).toBe(agent.id);

    const h = await history(id);
    expect(h.items.map((i) => i.action)).toEqual(['granted', 'withdrawn']);
    expect(h.items[0]!.evidence).toBe('Form v3, IP 203.0.113.0/24, checkbox ticked');
    expect(h.current).toEqual({ marketing: 'withdrawn', service: 'none' });
    // The evidence is encrypted at rest.
    const raw = rowsOf<{ evidence: string }>(
      await bed.server.ctx.db.execute(sql`select evidence from consents where contact_id = ${id}`),
    );
    expect(raw.every((r) => !r.evidence.includes('Form v3') && !r.evidence.includes('phone'))).toBe(true);
  });

  it('refuses bad input with a clear code and another workspace’s contact as unknown', async () => {
    const created = await post('/contacts', { phone: `+${nextWaId()}`, name: 'Vera Valid' });
    const id = created.json().id as string;
    const bad = await post(`/contacts/${id}/consents`, { purpose: 'spam', action: 'granted', source: 'api' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    const requested = await post(`/contacts/${id}/consents`, {
      purpose: 'marketing',
      action: 'requested',
      source: 'api',
    });
    expect(requested.statusCode).toBe(400);
    const other = await bed.addWorkspace({ name: 'Other GmbH' });
    const foreign = await as(bed.server, other.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${other.workspaceId}/contacts/${id}/consents`,
      payload: { purpose: 'marketing', action: 'granted', source: 'api' },
    });
    expect(foreign.statusCode).toBe(404);
    expect((await history(id)).items).toHaveLength(0);
  });

  it('keeps the settings: agents read them, only admins change them, a keyword cannot mean both', async () => {
    const read = await get('/consent-settings', agent);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(DEFAULT_CONSENT_SETTINGS);
    const byAgent = await as(bed.server, agent, {
      method: 'PATCH',
      url: url('/consent-settings'),
      payload: { optInKeywords: ['JA'] },
    });
    expect(byAgent.statusCode).toBe(403);
    const clash = await as(bed.server, bed.owner, {
      method: 'PATCH',
      url: url('/consent-settings'),
      payload: { optInKeywords: ['stop'] },
    });
    expect(clash.statusCode).toBe(400);
    expect(clash.json().error.code).toBe('validation_failed');
    const changed = await as(bed.server, bed.owner, {
      method: 'PATCH',
      url: url('/consent-settings'),
      payload: { optOutKeywords: [...DEFAULT_CONSENT_SETTINGS.optOutKeywords, 'Kündigen'] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().optOutKeywords).toContain('Kündigen');
  });
});

describe('double opt-in and opt-out in WhatsApp', () => {
  it('START asks the question; only the confirming button grants; STOP withdraws at once and answers', async () => {
    const waId = nextWaId();
    const contactId = await writes(waId, 'Olga Optin', { type: 'text', text: { body: 'start' } });
    const asked = await until('confirmation question', async () =>
      (await bed.sentTo(waId)).find((s) => s.type === 'interactive'),
    );
    const buttons = (asked.body.interactive as { action: { buttons: { reply: { id: string } }[] } }).action
      .buttons;
    expect(buttons.map((b) => b.reply.id)).toEqual([CONSENT_YES, CONSENT_NO]);
    let h = await history(contactId);
    expect(h.items.map((i) => [i.action, i.source])).toEqual([['requested', 'keyword']]);
    expect(h.current.marketing).toBe('requested');

    // Something else is not an answer.
    await writes(waId, 'Olga Optin', { type: 'text', text: { body: 'Was kostet der Versand?' } });
    expect((await history(contactId)).current.marketing).toBe('requested');

    await writes(waId, 'Olga Optin', {
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: CONSENT_YES, title: 'Ja, anmelden' } },
    });
    h = await history(contactId);
    expect(h.current.marketing).toBe('granted');
    const grant = h.items.at(-1)!;
    expect(grant).toMatchObject({
      action: 'granted',
      source: 'button',
      wording: DEFAULT_CONSENT_SETTINGS.confirmQuestion,
    });
    const answer = rowsOf<{ id: string }>(
      await bed.server.ctx.db.execute(
        sql`select id from messages where id = ${grant.messageId} and direction = 'inbound' and type = 'interactive'`,
      ),
    );
    expect(answer).toHaveLength(1);
    await until('confirmation', async () =>
      (await bed.sentTo(waId)).find(
        (s) =>
          s.type === 'text' &&
          (s.body.text as { body: string }).body === DEFAULT_CONSENT_SETTINGS.confirmedReply,
      ),
    );

    // STOP (any case, with punctuation): withdrawn as soon as the webhook was answered.
    await writes(waId, 'Olga Optin', { type: 'text', text: { body: 'Stopp!' } });
    h = await history(contactId);
    expect(h.current.marketing).toBe('withdrawn');
    expect(h.items.at(-1)).toMatchObject({ action: 'withdrawn', source: 'keyword' });
    await until('opt-out reply', async () =>
      (await bed.sentTo(waId)).find(
        (s) =>
          s.type === 'text' &&
          (s.body.text as { body: string }).body === DEFAULT_CONSENT_SETTINGS.optOutReply,
      ),
    );
  });

  it('a "no" to the question withdraws; a "yes" without an open question grants nothing', async () => {
    const waId = nextWaId();
    const contactId = await writes(waId, 'Nina Nein', { type: 'text', text: { body: 'Ja, anmelden' } });
    expect((await history(contactId)).items).toHaveLength(0);
    await writes(waId, 'Nina Nein', { type: 'text', text: { body: 'Anmelden' } });
    await writes(waId, 'Nina Nein', { type: 'text', text: { body: 'nein, danke' } });
    const h = await history(contactId);
    expect(h.items.map((i) => i.action)).toEqual(['requested', 'withdrawn']);
    expect(h.current.marketing).toBe('withdrawn');
  });

  it('an unsubscribe button in a template withdraws (source button)', async () => {
    const waId = nextWaId();
    const contactId = await writes(waId, 'Bea Button', {
      type: 'button',
      button: { payload: 'x', text: 'Abmelden' },
    });
    const h = await history(contactId);
    expect(h.items.map((i) => [i.action, i.source])).toEqual([['withdrawn', 'button']]);
  });
});

describe("WhatsApp's own opt-out", () => {
  it('a user_preferences "stop" webhook withdraws marketing consent with source meta', async () => {
    const waId = nextWaId();
    const contactId = await writes(waId, 'Mia Meta', { type: 'text', text: { body: 'Hallo' } });
    await post(`/contacts/${contactId}/consents`, {
      purpose: 'marketing',
      action: 'granted',
      source: 'web_form',
    });
    const r = await fetch(`${bed.sim.url}/_sim/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ wa_id: waId, name: 'Mia Meta', marketing_opt_out: true }),
    });
    expect(r.status, await r.text()).toBeLessThan(300);
    const h = await until('meta opt-out', async () => {
      const x = await history(contactId);
      return x.current.marketing === 'withdrawn' ? x : null;
    });
    expect(h.items.at(-1)).toMatchObject({ action: 'withdrawn', source: 'meta' });
  });
});

describe('the ledger is append-only', () => {
  it('refuses to change or delete an entry, and lets an erased contact’s entries lose the contact', async () => {
    const created = await post('/contacts', { phone: `+${nextWaId()}`, name: 'Anna Append' });
    const id = created.json().id as string;
    await post(`/contacts/${id}/consents`, {
      purpose: 'marketing',
      action: 'granted',
      source: 'import',
      evidence: 'row 7',
    });
    const db = bed.server.ctx.db;
    const refusal = (q: Promise<unknown>) =>
      q.then(
        () => 'allowed',
        (err: Error & { cause?: Error }) => String(err.cause?.message ?? err.message),
      );
    expect(
      await refusal(db.execute(sql`update consents set action = 'withdrawn' where contact_id = ${id}`)),
    ).toMatch(/append-only/);
    expect(await refusal(db.execute(sql`delete from consents where contact_id = ${id}`))).toMatch(
      /append-only/,
    );
    await db.execute(sql`update consents set contact_id = null, evidence = null where contact_id = ${id}`);
    const left = rowsOf<{ n: number }>(
      await db.execute(
        sql`select count(*)::int as n from consents where workspace_id = ${bed.workspaceId} and contact_id is null and source = 'import'`,
      ),
    );
    expect(left[0]!.n).toBeGreaterThanOrEqual(1);
  });
});
