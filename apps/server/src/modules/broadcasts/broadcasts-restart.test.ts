import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { broadcastRecipients, broadcasts, jobs } from '../../db/schema.js';
import { as } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';

/**
 * At most once per recipient across crashes and several server instances: a recipient claimed by a
 * worker that died is never resent (reported unknown after the grace period), a send whose answer was
 * lost is reconciled from its status webhooks, and two servers on one database send each recipient once.
 */
let bed: WhatsAppTestbed;
let second: FastifyInstance | null = null;
const url = (rest: string) => `/api/v1/workspaces/${bed.workspaceId}${rest}`;
let phoneSeq = 0;
const post = (path: string, payload?: unknown) =>
  as(bed.server, bed.owner, { method: 'POST', url: url(path), ...(payload ? { payload } : {}) });
const get = (path: string) => as(bed.server, bed.owner, { method: 'GET', url: url(path) });

async function contacts(n: number, prefix: string) {
  const out: { id: string; waId: string }[] = [];
  for (let i = 0; i < n; i++) {
    const waId = `49170${String(process.pid % 1000).padStart(3, '0')}${String(phoneSeq++).padStart(4, '0')}`;
    const res = await post('/contacts', { phone: `+${waId}`, name: `${prefix} ${i}` });
    expect(res.statusCode, res.body).toBe(201);
    out.push({ id: res.json().id, waId });
  }
  return out;
}

const orderReady = {
  templateName: 'order_ready',
  language: 'en_US',
  variables: { 'header.1': 'A-9', '1': { field: 'contact.name' }, '2': 'A-9', '3': 'Hauptstraße 5' },
};

async function create(contactIds: string[], scheduledAt?: string): Promise<string> {
  const res = await post('/broadcasts', {
    channelId: bed.channel.id,
    ...orderReady,
    audience: { contactIds },
    ...(scheduledAt ? { scheduledAt } : {}),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

type Recipient = { contactId: string; state: string };
async function recipients(id: string): Promise<Recipient[]> {
  const res = await get(`/broadcasts/${id}/recipients?limit=500`);
  return res.json().items;
}

/** Lets the broadcast's job run now (a scheduled one, or one waiting for outcomes). */
async function runNow(broadcastId: string) {
  const db = bed.server.ctx.db;
  await db.update(broadcasts).set({ scheduledAt: new Date() }).where(eq(broadcasts.id, broadcastId));
  await db
    .update(jobs)
    .set({ runAt: new Date() })
    .where(and(eq(jobs.singletonKey, `broadcast:${broadcastId}`), eq(jobs.status, 'queued')));
  bed.server.ctx.jobs.poke();
}

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
  const sync = await post(`/channels/${bed.channel.id}/templates/sync`);
  expect(sync.statusCode, sync.body).toBe(200);
});
afterAll(async () => {
  await second?.close();
  await bed?.close();
});

describe('at most once per recipient', () => {
  it('a recipient claimed by a worker that died is not resent, and is reported unknown after the grace period', async () => {
    const people = await contacts(4, 'Crash');
    const id = await create(
      people.map((p) => p.id),
      new Date(Date.now() + 3600_000).toISOString(),
    );
    expect((await post(`/broadcasts/${id}/start`)).json().state).toBe('scheduled');
    // What a worker leaves behind when it dies between committing its claim and the Graph API call.
    const db = bed.server.ctx.db;
    await db
      .update(broadcastRecipients)
      .set({ state: 'sending', sendStartedAt: new Date() })
      .where(and(eq(broadcastRecipients.broadcastId, id), eq(broadcastRecipients.contactId, people[0]!.id)));
    await runNow(id);
    await until('the others sent', async () => {
      const rs = await recipients(id);
      return rs.filter((r) => ['sent', 'delivered', 'read'].includes(r.state)).length === 3;
    });
    expect((await recipients(id)).find((r) => r.contactId === people[0]!.id)?.state).toBe('sending');
    expect((await get(`/broadcasts/${id}`)).json().state).toBe('running');
    // The grace period passes without a status webhook for it.
    await db
      .update(broadcastRecipients)
      .set({ sendStartedAt: sql`now() - interval '11 minutes'` })
      .where(and(eq(broadcastRecipients.broadcastId, id), eq(broadcastRecipients.contactId, people[0]!.id)));
    await runNow(id);
    const done = await until('completed', async () => {
      const b = (await get(`/broadcasts/${id}`)).json();
      return b.state === 'completed' ? b : null;
    });
    expect(done.counts).toMatchObject({ total: 4, unknown: 1 });
    expect(await bed.sentTo(people[0]!.waId)).toHaveLength(0);
    for (const p of people.slice(1)) expect(await bed.sentTo(p.waId)).toHaveLength(1);
  });

  it('a send whose API answer was lost is not resent: its status webhooks reconcile it', async () => {
    const people = await contacts(3, 'Lost');
    const id = await create(people.map((p) => p.id));
    await bed.faults({ api: { lostResponse: 1 } });
    try {
      await post(`/broadcasts/${id}/start`);
      await until('all reconciled from webhooks', async () => {
        const rs = await recipients(id);
        return rs.every((r) => ['sent', 'delivered', 'read'].includes(r.state));
      });
    } finally {
      await bed.faults({});
    }
    for (const p of people) expect(await bed.sentTo(p.waId)).toHaveLength(1);
  });

  it('two server instances on one database send each recipient exactly once', async () => {
    const built = await buildApp({
      config: bed.server.config,
      database: bed.server.database,
      masterKey: bed.server.masterKey,
      logger: false,
    });
    second = built.app;
    await second.ready();
    const people = await contacts(120, 'Twin');
    const id = await create(people.map((p) => p.id));
    await post(`/broadcasts/${id}/start`);
    built.ctx.jobs.poke();
    const done = await until(
      'completed',
      async () => {
        const b = (await get(`/broadcasts/${id}`)).json();
        return b.state === 'completed' ? b : null;
      },
      30_000,
    );
    expect(done.counts.total).toBe(120);
    expect(done.counts.sent + done.counts.delivered + done.counts.read).toBe(120);
    for (const p of people) expect(await bed.sentTo(p.waId)).toHaveLength(1);
  });
});

describe('the daily messaging limit', () => {
  it('pauses the broadcast with daily_limit when the tier is used up', async () => {
    await bed.simConfig({ rules: { messagingLimitTier: 'TIER_50' } });
    try {
      const people = await contacts(52, 'Limit');
      const id = await create(people.map((p) => p.id));
      await post(`/broadcasts/${id}/start`);
      const paused = await until('paused', async () => {
        const b = (await get(`/broadcasts/${id}`)).json();
        return b.state === 'paused' ? b : null;
      });
      expect(paused.pauseReason).toBe('daily_limit');
      expect(paused.resumeAt).not.toBeNull();
      // Earlier tests of this workspace reached contacts too: the limit counts all of the last 24 h.
      expect(paused.counts.queued).toBeGreaterThan(0);
      const sent = paused.counts.sent + paused.counts.delivered + paused.counts.read;
      expect(sent).toBeLessThanOrEqual(50);
    } finally {
      await bed.simConfig({ rules: { messagingLimitTier: 'TIER_250' } });
    }
  });
});
