import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, webhookEvents } from '../../db/schema.js';
import { startWhatsAppTestbed, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';
import { processWebhooksPump, replayFailedDeliveries, WEBHOOK_MAX_ATTEMPTS } from './process-webhooks.js';

/** The batch pump that turns stored deliveries into messages: batches, crash safety, a bad delivery. */
let bed: WhatsAppTestbed;

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
});
afterAll(async () => bed?.close());

let counter = 0;
function delivery(from: string, text: string, wamid = `wamid.PUMP.${process.pid}.${++counter}`) {
  return {
    wamid,
    body: JSON.stringify({
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
                contacts: [{ profile: { name: `Pumpe ${from}` }, wa_id: from }],
                messages: [
                  {
                    from,
                    id: wamid,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: text },
                  },
                ],
              },
            },
          ],
        },
      ],
    }),
  };
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
    const others = Array.from({ length: 60 }, (_, i) =>
      delivery(`49151000009${String(i).padStart(2, '0')}`, `Nachricht ${i}`),
    );
    for (const d of others) expect((await bed.postWebhook(d.body)).status).toBe(200);
    // Acknowledged and stored, nothing processed yet.
    expect(await countMessages([first.wamid])).toBe(0);
    const pending = await bed.server.ctx.db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(eq(webhookEvents.status, 'pending'));
    expect(pending.length).toBeGreaterThanOrEqual(63);

    // Back up: the first batch takes at most WEBHOOK_BATCH deliveries in one transaction, the rest follow.
    const firstBatch = await processWebhooksPump.run(bed.server.ctx);
    expect(firstBatch).toBe(50);
    bed.server.ctx.jobs.start();
    await bed.server.ctx.jobs.drain();
    expect(await countMessages([first.wamid])).toBe(1);
    expect(await countMessages(others.map((d) => d.wamid))).toBe(60);
    const left = await bed.server.ctx.db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(eq(webhookEvents.status, 'pending'));
    expect(left).toHaveLength(0);
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
