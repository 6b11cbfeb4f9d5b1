import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templates } from '../../db/schema.js';
import { as, buildMember, type Person } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';

/**
 * The template manager over the real server and the simulator: create (checked against Meta's rules),
 * review by webhook, refusals, delete, and who may do it.
 */
let bed: WhatsAppTestbed;
let agent: Person;
const url = (rest: string) => `/api/v1/workspaces/${bed.workspaceId}${rest}`;
const create = (payload: Record<string, unknown>, who: Person = bed.owner) =>
  as(bed.server, who, { method: 'POST', url: url(`/channels/${bed.channel.id}/templates`), payload });

type Template = { id: string; name: string; language: string; status: string; statusReason: string | null };
async function listed(name: string): Promise<Template | undefined> {
  const res = await as(bed.server, bed.owner, {
    method: 'GET',
    url: url(`/templates?channelId=${bed.channel.id}`),
  });
  return (res.json().templates as Template[]).find((t) => t.name === name);
}

const valid = {
  name: 'winter_sale',
  category: 'MARKETING',
  language: 'de',
  header: { format: 'TEXT', text: 'Winterschlussverkauf' },
  body: { text: 'Hallo {{1}}, bis Sonntag {{2}} % auf alles.', examples: ['Erika', '20'] },
  footer: 'Abmelden mit STOP',
  buttons: [
    { type: 'QUICK_REPLY', text: 'Abmelden' },
    {
      type: 'URL',
      text: 'Zum Shop',
      url: 'https://shop.example/sale/{{1}}',
      example: 'https://shop.example/sale/w26',
    },
  ],
};

beforeAll(async () => {
  bed = await startWhatsAppTestbed({
    sim: { templateReview: { delayMs: 0, rules: [], defaultOutcome: 'APPROVED' } },
  });
  agent = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent');
});
afterAll(async () => bed?.close());

describe('template manager', () => {
  it('creates a template at Meta as PENDING; the review webhook makes it APPROVED', async () => {
    const res = await create(valid);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: 'winter_sale', language: 'de', category: 'MARKETING' });
    expect(['PENDING', 'APPROVED']).toContain(res.json().status);
    const approved = await until('approved', async () => {
      const t = await listed('winter_sale');
      return t?.status === 'APPROVED' ? t : null;
    });
    expect(approved.id).toBe(res.json().id);
    const again = await create(valid);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('template_exists');
  });

  it('names every broken rule with a code, and sends nothing to Meta', async () => {
    const res = await create({
      name: 'Winter Sale!',
      category: 'MARKETING',
      language: 'de',
      body: { text: '{{1}} und {{3}}', examples: [] },
      footer: 'x'.repeat(61),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('template_rules_broken');
    const rules = (res.json().error.details.issues as { rule: string }[]).map((i) => i.rule);
    expect(rules).toEqual(
      expect.arrayContaining([
        'name_format',
        'variables_not_sequential',
        'variable_sample_missing',
        'footer_too_long',
      ]),
    );
    expect(await listed('Winter Sale!')).toBeUndefined();
  });

  it('keeps the reason of a rejection', async () => {
    const res = await create({ ...valid, name: 'rejected_offer' });
    expect(res.statusCode, res.body).toBe(201);
    await until('approved first', async () => (await listed('rejected_offer'))?.status === 'APPROVED');
    // Meta's review (here: the simulator's control API) rejects it later; the webhook carries why.
    const r = await fetch(`${bed.sim.url}/_sim/templates/rejected_offer/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'REJECTED', reason: 'INVALID_FORMAT' }),
    });
    expect(r.status, await r.text()).toBe(200);
    const rejected = await until('rejected', async () => {
      const t = await listed('rejected_offer');
      return t?.status === 'REJECTED' ? t : null;
    });
    expect(rejected.statusReason).toBe('INVALID_FORMAT');
  });

  it('deletes at Meta and here; agents may neither create nor delete', async () => {
    const res = await create({ ...valid, name: 'short_lived' });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    expect((await create({ ...valid, name: 'by_agent' }, agent)).statusCode).toBe(403);
    const byAgent = await as(bed.server, agent, { method: 'DELETE', url: url(`/templates/${id}`) });
    expect(byAgent.statusCode).toBe(403);
    const del = await as(bed.server, bed.owner, { method: 'DELETE', url: url(`/templates/${id}`) });
    expect(del.statusCode, del.body).toBe(204);
    expect(await listed('short_lived')).toBeUndefined();
    // Meta no longer has it either: a sync does not bring it back.
    const sync = await as(bed.server, bed.owner, {
      method: 'POST',
      url: url(`/channels/${bed.channel.id}/templates/sync`),
    });
    expect(sync.statusCode).toBe(200);
    expect(await listed('short_lived')).toBeUndefined();
  });

  it("a template without Meta's id is deleted by name at Meta, so every language of it goes here too", async () => {
    for (const language of ['de', 'en'])
      expect((await create({ ...valid, name: 'nameless_id', language })).statusCode).toBe(201);
    const all = (
      await as(bed.server, bed.owner, { method: 'GET', url: url(`/templates?channelId=${bed.channel.id}`) })
    ).json().templates as Template[];
    const de = all.find((t) => t.name === 'nameless_id' && t.language === 'de')!;
    await bed.server.ctx.db
      .update(templates)
      .set({ providerTemplateId: null })
      .where(eq(templates.id, de.id));
    const del = await as(bed.server, bed.owner, { method: 'DELETE', url: url(`/templates/${de.id}`) });
    expect(del.statusCode, del.body).toBe(204);
    const left = (
      await as(bed.server, bed.owner, { method: 'GET', url: url(`/templates?channelId=${bed.channel.id}`) })
    ).json().templates as Template[];
    expect(left.filter((t) => t.name === 'nameless_id')).toEqual([]);
    expect(bed.sim.core.templates.list().filter((t) => t.name === 'nameless_id')).toEqual([]);
  });

  it('a sync keeps a template whose create Meta has not answered yet, and drops one whose create never finished', async () => {
    const sync = () =>
      as(bed.server, bed.owner, { method: 'POST', url: url(`/channels/${bed.channel.id}/templates/sync`) });
    const row = (name: string, at: Date) => ({
      workspaceId: bed.workspaceId,
      channelId: bed.channel.id,
      name,
      language: 'de',
      category: 'UTILITY',
      status: 'PENDING',
      components: [],
      syncedAt: at,
      updatedAt: at,
    });
    // As a create leaves it while Meta's answer is on its way: stored, without Meta's id.
    await bed.server.ctx.db
      .insert(templates)
      .values([row('in_flight', new Date()), row('abandoned', new Date(Date.now() - 3_600_000))]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await sync()).statusCode).toBe(200);
    expect(await listed('in_flight')).toMatchObject({ status: 'PENDING' });
    expect(await listed('abandoned')).toBeUndefined();
  });

  it('a sync does not undo a status a webhook set while its pages loaded, but corrects an older one', async () => {
    const sync = () =>
      as(bed.server, bed.owner, { method: 'POST', url: url(`/channels/${bed.channel.id}/templates/sync`) });
    expect((await sync()).statusCode).toBe(200);
    expect(await listed('hello_world')).toMatchObject({ status: 'APPROVED' });
    const mark = (updatedAt: Date) =>
      bed.server.ctx.db
        .update(templates)
        .set({ status: 'PAUSED', updatedAt })
        .where(and(eq(templates.channelId, bed.channel.id), eq(templates.name, 'hello_world')));
    // Changed after the sync asked Meta: newer than Meta's list.
    await mark(new Date(Date.now() + 60_000));
    expect((await sync()).statusCode).toBe(200);
    expect(await listed('hello_world')).toMatchObject({ status: 'PAUSED' });
    // Changed before: Meta's list is the truth.
    await mark(new Date(Date.now() - 60_000));
    expect((await sync()).statusCode).toBe(200);
    expect(await listed('hello_world')).toMatchObject({ status: 'APPROVED' });
  });
});
