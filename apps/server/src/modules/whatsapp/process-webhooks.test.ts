import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.js';
import { messages, webhookEvents } from '../../db/schema.js';
import { as } from '../../test/harness.js';
import { startWhatsAppTestbed, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';
import {
  processWebhooksPump,
  replayFailedDeliveries,
  WEBHOOK_BATCH,
  WEBHOOK_MAX_ATTEMPTS,
} from './process-webhooks.js';
import { carriesOnlyStatuses } from './webhook-routes.js';

/** The batch pump that turns stored deliveries into messages: batches, crash safety, a bad delivery. */
let bed: WhatsAppTestbed;

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
});
afterAll(async () => bed?.close());

let counter = 0;
function delivery(from: string, text: string, wamid = `wamid.PUMP.${process.pid}.${++counter}`) {
  return deliveryOf(from, { type: 'text', text: { body: text } }, { wamid });
}

/** A delivery of one message of any type; `name: null` sends no profile name. */
function deliveryOf(
  from: string,
  message: Record<string, unknown>,
  opts: { wamid?: string; name?: string | null } = {},
) {
  const wamid = opts.wamid ?? `wamid.PUMP.${process.pid}.${++counter}`;
  const name = opts.name === undefined ? `Pumpe ${from}` : opts.name;
  return {
    wamid,
    body: messagesChange({
      contacts: [name === null ? { wa_id: from } : { profile: { name }, wa_id: from }],
      messages: [{ from, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), ...message }],
    }),
  };
}

/** A signed-ready delivery body with one `messages` change of the test number carrying `value`. */
function messagesChange(value: Record<string, unknown>): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '49301234567', phone_number_id: bed.phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  });
}

const countMessages = async (wamids: string[]) =>
  (
    await bed.server.ctx.db.select({ id: messages.id, wamid: messages.providerMessageId }).from(messages)
  ).filter((m) => wamids.includes(m.wamid ?? '')).length;

describe('processing stored deliveries', () => {
  it('stores a delivery while processing is down and processes it exactly once when it is back, duplicates too', async () => {
    await bed.server.ctx.jobs.stop();
    const first = delivery('4915100000901', 'Während der Wartung');
    for (let i = 0; i < 3; i++) expect((await bed.postWebhook(first.body)).status).toBe(200);
    const others = Array.from({ length: WEBHOOK_BATCH + 10 }, (_, i) =>
      delivery(`4915100009${String(i).padStart(3, '0')}`, `Nachricht ${i}`),
    );
    for (const d of others) expect((await bed.postWebhook(d.body)).status).toBe(200);
    // Acknowledged and stored, nothing processed yet.
    expect(await countMessages([first.wamid])).toBe(0);
    const pending = await bed.server.ctx.db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(eq(webhookEvents.status, 'pending'));
    expect(pending.length).toBeGreaterThanOrEqual(WEBHOOK_BATCH + 13);

    // Back up: the first batch takes at most WEBHOOK_BATCH deliveries in one transaction, the rest follow.
    const firstBatch = await processWebhooksPump.run(bed.server.ctx);
    expect(firstBatch).toBe(WEBHOOK_BATCH);
    bed.server.ctx.jobs.start();
    await bed.server.ctx.jobs.drain();
    expect(await countMessages([first.wamid])).toBe(1);
    expect(await countMessages(others.map((d) => d.wamid))).toBe(WEBHOOK_BATCH + 10);
    const left = await bed.server.ctx.db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(eq(webhookEvents.status, 'pending'));
    expect(left).toHaveLength(0);
  });

  it("a customer's message goes before a newsletter's backlog of status deliveries (the fast lane)", async () => {
    await bed.server.ctx.jobs.stop();
    const statusDelivery = (i: number) =>
      messagesChange({
        statuses: [
          {
            id: `wamid.LANE.${process.pid}.${i}`,
            status: 'delivered',
            timestamp: String(Math.floor(Date.now() / 1000)),
            recipient_id: '4915100007777',
          },
        ],
      });
    for (let i = 0; i < WEBHOOK_BATCH + 20; i++)
      expect((await bed.postWebhook(statusDelivery(i))).status).toBe(200);
    const urgent = delivery('4915100000902', 'Ist mein Paket unterwegs?');
    expect((await bed.postWebhook(urgent.body)).status).toBe(200);
    const lanes = rowsOf<{ status_only: boolean; n: string | number }>(
      await bed.server.ctx.db.execute(
        sql`select status_only, count(*) as n from webhook_events where status = 'pending' group by 1`,
      ),
    );
    expect(Object.fromEntries(lanes.map((l) => [String(l.status_only), Number(l.n)]))).toEqual({
      true: WEBHOOK_BATCH + 20,
      false: 1,
    });
    // One batch: the customer's message (received last) is in it, the statuses fill the rest.
    expect(await processWebhooksPump.run(bed.server.ctx)).toBe(WEBHOOK_BATCH);
    expect(await countMessages([urgent.wamid])).toBe(1);
    const left = rowsOf<{ n: string | number }>(
      await bed.server.ctx.db.execute(sql`select count(*) as n from webhook_events where status = 'pending'`),
    );
    expect(Number(left[0]!.n)).toBe(21);
    bed.server.ctx.jobs.start();
    await bed.server.ctx.jobs.drain();
    const after = rowsOf<{ n: string | number }>(
      await bed.server.ctx.db.execute(sql`select count(*) as n from webhook_events where status = 'pending'`),
    );
    expect(Number(after[0]!.n)).toBe(0);
  });

  it('tells status-only deliveries from those with messages or other changes', () => {
    const change = (field: string, value: Record<string, unknown>) => ({
      entry: [{ changes: [{ field, value }] }],
    });
    expect(carriesOnlyStatuses(change('messages', { statuses: [{ id: 'w' }] }))).toBe(true);
    expect(
      carriesOnlyStatuses(change('messages', { statuses: [{ id: 'w' }], messages: [{ id: 'm' }] })),
    ).toBe(false);
    expect(carriesOnlyStatuses(change('messages', { messages: [{ id: 'm' }] }))).toBe(false);
    expect(carriesOnlyStatuses(change('message_template_status_update', { event: 'APPROVED' }))).toBe(false);
    expect(carriesOnlyStatuses({ entry: [] })).toBe(false);
    expect(carriesOnlyStatuses(null)).toBe(false);
  });

  it('one batch with several messages of one customer: one contact and conversation, each message once, counted right', async () => {
    await bed.server.ctx.jobs.stop();
    const from = '4915100000970';
    const first = deliveryOf(
      from,
      { type: 'text', text: { body: 'Erste im Stapel' } },
      { name: 'Stapel Kundin' },
    );
    const second = deliveryOf(from, { type: 'text', text: { body: 'Zweite im Stapel' } }, { name: null });
    const batch = [
      first,
      second,
      second, // redelivered by Meta in the same batch
      deliveryOf(
        from,
        { type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } },
        { name: null },
      ),
      deliveryOf(
        '4915100000971',
        { type: 'text', text: { body: 'Jemand anderes' } },
        { name: 'Stapel Zwei' },
      ),
    ];
    for (const d of batch) expect((await bed.postWebhook(d.body)).status).toBe(200);
    expect(await processWebhooksPump.run(bed.server.ctx)).toBe(5);
    bed.server.ctx.jobs.start();

    // The name came with the first message; the later ones without a profile name keep it.
    const conversation = await bed.conversationOf(bed.owner, 'Stapel Kundin');
    expect(conversation).toMatchObject({ unreadCount: 2, lastMessagePreview: 'Zweite im Stapel' });
    const page = await bed.messagesOf(bed.owner, conversation!.id);
    expect(page.map((m) => [m.type, m.text])).toEqual([
      ['reaction', null],
      ['text', 'Zweite im Stapel'],
      ['text', 'Erste im Stapel'],
    ]);
    expect(await bed.conversationOf(bed.owner, 'Stapel Zwei')).toMatchObject({ unreadCount: 1 });
    // One contact and one conversation for the customer, however many of their messages were in the batch.
    const convs = await bed.server.ctx.db.execute(
      sql`select count(*)::int as n, count(distinct contact_id)::int as contacts from conversations where contact_id = ${conversation!.contact.id}`,
    );
    const [counts] = rowsOf<{ n: number; contacts: number }>(convs);
    expect(counts).toEqual({ n: 1, contacts: 1 });
    const sameName = (
      await as(bed.server, bed.owner, {
        method: 'GET',
        url: `/api/v1/workspaces/${bed.workspaceId}/conversations?limit=100`,
      })
    ).json().conversations as { contact: { name: string } }[];
    expect(sameName.filter((c) => c.contact.name === 'Stapel Kundin')).toHaveLength(1);
  });

  it('a delivery that cannot be processed does not hold up the others; it is retried, then set aside', async () => {
    await bed.server.ctx.jobs.stop();
    const good = [delivery('4915100000950', 'Gut eins'), delivery('4915100000951', 'Gut zwei')];
    const bad = delivery('4915100000952', 'Wird beschädigt');
    for (const d of [good[0]!, bad, good[1]!]) expect((await bed.postWebhook(d.body)).status).toBe(200);
    // Damage the stored ciphertext of one delivery: it no longer decrypts.
    const [original] = await bed.server.ctx.db
      .select({ payload: webhookEvents.payload })
      .from(webhookEvents)
      .where(sql`${webhookEvents.id} = (select max(id) - 1 from webhook_events)`);
    const [damaged] = await bed.server.ctx.db
      .update(webhookEvents)
      .set({ payload: sql`left(${webhookEvents.payload}, 40) || 'AAAA'` })
      .where(sql`${webhookEvents.id} = (select max(id) - 1 from webhook_events)`)
      .returning({ id: webhookEvents.id });
    expect(await processWebhooksPump.run(bed.server.ctx)).toBe(3);
    expect(await countMessages(good.map((d) => d.wamid))).toBe(2);
    const [row] = await bed.server.ctx.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.id, damaged!.id));
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    expect(row!.error).toBeTruthy();

    // The last attempt sets it aside: stored, marked failed, never lost.
    await bed.server.ctx.db
      .update(webhookEvents)
      .set({ attempts: WEBHOOK_MAX_ATTEMPTS - 1, nextAttemptAt: new Date(Date.now() - 1000) })
      .where(eq(webhookEvents.id, damaged!.id));
    await processWebhooksPump.run(bed.server.ctx);
    const [after] = await bed.server.ctx.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.id, damaged!.id));
    expect(after).toMatchObject({ status: 'failed', attempts: WEBHOOK_MAX_ATTEMPTS });
    expect(await countMessages([bad.wamid])).toBe(0);

    // The cause fixed (here: the payload restored), `parley webhooks replay <id>` processes it once.
    await bed.server.ctx.db
      .update(webhookEvents)
      .set({ payload: original!.payload })
      .where(eq(webhookEvents.id, damaged!.id));
    expect(await replayFailedDeliveries(bed.server.ctx.db, { id: damaged!.id + 1000 })).toBe(0);
    expect(await replayFailedDeliveries(bed.server.ctx.db, { id: damaged!.id })).toBe(1);
    expect(await processWebhooksPump.run(bed.server.ctx)).toBe(1);
    expect(await countMessages([bad.wamid])).toBe(1);
    const [replayed] = await bed.server.ctx.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.id, damaged!.id));
    expect(replayed).toMatchObject({ status: 'processed', attempts: 0, error: null });
    bed.server.ctx.jobs.start();
  });
});
