import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildWorkspace } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';

/** Reactions, retries and sending limits, against the simulator over real HTTP. */
let bed: WhatsAppTestbed;

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
});
afterAll(async () => bed?.close());

const url = (rest: string) => `/api/v1/workspaces/${bed.workspaceId}${rest}`;

async function customer(waId: string, name: string, text = 'Hallo!') {
  const { id: wamid } = await bed.inbound(waId, name, { type: 'text', text: { body: text } });
  const conv = await until('the conversation', () => bed.conversationOf(bed.owner, name));
  const inboundMessage = await until('the message', async () =>
    (await bed.messagesOf(bed.owner, conv.id)).find((m) => m.providerMessageId === wamid),
  );
  return { conv, wamid, inboundMessage };
}

async function send(conversationId: string, payload: Record<string, unknown>) {
  return as(bed.server, bed.owner, {
    method: 'POST',
    url: url(`/conversations/${conversationId}/messages`),
    payload,
  });
}

async function statusOf(conversationId: string, messageId: string, wanted: string[], ms = 15_000) {
  return until(
    `message ${messageId} in ${wanted.join('/')}`,
    async () => {
      const m = (await bed.messagesOf(bed.owner, conversationId)).find((x) => x.id === messageId);
      return m && wanted.includes(m.status) ? m : null;
    },
    ms,
  );
}

describe('reactions', () => {
  it('reacts to a customer message and removes the reaction again', async () => {
    const { conv, wamid, inboundMessage } = await customer('4915100000101', 'Rita Reaktion');
    const res = await send(conv.id, { reaction: { messageId: inboundMessage.id, emoji: '👍' } });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({
      type: 'reaction',
      content: { reaction: { message_id: wamid, emoji: '👍' } },
    });
    await statusOf(conv.id, res.json().id, ['sent', 'delivered', 'read']);
    const removed = await send(conv.id, { reaction: { messageId: inboundMessage.id, emoji: '' } });
    expect(removed.statusCode).toBe(202);
    await statusOf(conv.id, removed.json().id, ['sent', 'delivered', 'read']);
    const atSim = (await bed.sentTo('4915100000101')).filter((s) => s.type === 'reaction');
    expect(atSim.map((s) => s.body.reaction)).toEqual([
      { message_id: wamid, emoji: '👍' },
      { message_id: wamid, emoji: '' },
    ]);
    // A reaction is not the conversation's latest message.
    expect((await bed.conversationOf(bed.owner, 'Rita Reaktion'))?.lastMessagePreview).toBe('Hallo!');
  });

  it("a customer's reaction neither reopens a resolved conversation nor becomes its preview", async () => {
    const { conv } = await customer('4915100000104', 'Rudi Reagiert', 'Danke für die schnelle Hilfe');
    const reply = await send(conv.id, { text: 'Gern geschehen!' });
    const replied = await statusOf(conv.id, reply.json().id, ['sent', 'delivered', 'read']);
    const resolved = await as(bed.server, bed.owner, {
      method: 'POST',
      url: url(`/conversations/${conv.id}/status`),
      payload: { status: 'resolved' },
    });
    expect(resolved.statusCode).toBe(204);
    const { id: reactionId } = await bed.inbound('4915100000104', 'Rudi Reagiert', {
      type: 'reaction',
      reaction: { message_id: replied.providerMessageId, emoji: '❤️' },
    });
    await until('the reaction', async () =>
      (await bed.messagesOf(bed.owner, conv.id)).find((m) => m.providerMessageId === reactionId),
    );
    const after = await as(bed.server, bed.owner, { method: 'GET', url: url(`/conversations/${conv.id}`) });
    expect(after.json()).toMatchObject({
      status: 'resolved',
      lastMessagePreview: 'Gern geschehen!',
      unreadCount: 1, // only the first message
    });
  });

  it('refuses a reaction to a message of another conversation', async () => {
    const a = await customer('4915100000102', 'Anna Andere');
    const b = await customer('4915100000103', 'Bernd Beispiel');
    const res = await send(a.conv.id, { reaction: { messageId: b.inboundMessage.id, emoji: '👍' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.issues[0].path).toBe('body.reaction.messageId');
  });
});

describe('retrying a failed message', () => {
  it('a send refused for an expired token can be retried once the token works again, and is sent once', async () => {
    const { conv } = await customer('4915100000201', 'Tom Token');
    await bed.simConfig({ tokenExpired: true });
    const res = await send(conv.id, { text: 'Ihre Bestellung ist unterwegs.' });
    expect(res.statusCode).toBe(202);
    const failed = await statusOf(conv.id, res.json().id, ['failed']);
    expect(failed).toMatchObject({ errorCode: 190, retryable: true });
    await bed.simConfig({ tokenExpired: false });

    const retry = await as(bed.server, bed.owner, {
      method: 'POST',
      url: url(`/conversations/${conv.id}/messages/${failed.id}/retry`),
    });
    expect(retry.statusCode, retry.body).toBe(202);
    expect(retry.json()).toMatchObject({ id: failed.id, status: 'pending', errorCode: null });
    await statusOf(conv.id, failed.id, ['sent', 'delivered', 'read']);
    const atSim = (await bed.sentTo('4915100000201')).filter((s) => s.type === 'text');
    expect(atSim).toHaveLength(1);

    const again = await as(bed.server, bed.owner, {
      method: 'POST',
      url: url(`/conversations/${conv.id}/messages/${failed.id}/retry`),
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('message_not_retryable');
  });

  it('answers 404 for a message of another workspace', async () => {
    const { conv, inboundMessage } = await customer('4915100000202', 'Olga Other');
    const outsider = (await buildWorkspace(bed.server)).owner;
    const res = await as(bed.server, outsider, {
      method: 'POST',
      url: url(`/conversations/${conv.id}/messages/${inboundMessage.id}/retry`),
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('order', () => {
  it("sends one conversation's messages in the order they were written, even when an upload comes first", async () => {
    const { conv } = await customer('4915100000601', 'Olli Ordnung');
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(64_000, 7),
    ]);
    const uploaded = await bed.upload(bed.owner, png, 'image/png', 'foto.png');
    expect(uploaded.status, await uploaded.clone().text()).toBe(201);
    const image = await send(conv.id, {
      media: { mediaId: ((await uploaded.json()) as { id: string }).id, caption: 'Erst das Bild' },
    });
    const text = await send(conv.id, { text: 'Dann der Text' });
    const last = await send(conv.id, { text: 'Und zum Schluss das' });
    for (const r of [image, text, last]) await statusOf(conv.id, r.json().id, ['sent', 'delivered', 'read']);
    const atSim = await bed.sentTo('4915100000601');
    expect(atSim.map((x) => x.type)).toEqual(['image', 'text', 'text']);
    expect(atSim.map((x) => (x.body.text as { body?: string } | undefined)?.body ?? 'image')).toEqual([
      'image',
      'Dann der Text',
      'Und zum Schluss das',
    ]);
  });
});

describe('a send whose answer was lost', () => {
  it('is reconciled by the status webhook carrying our id and never sent twice', async () => {
    const { conv } = await customer('4915100000501', 'Lena Lost');
    // Status webhooks come late (3 s): a quick blind retry would send a second copy before them.
    await bed.simConfig({ statusDelays: { sentMs: 3000, deliveredMs: 3020 } });
    await bed.faults({ api: { lostResponse: 1 } });
    let messageId: string;
    try {
      const res = await send(conv.id, { text: 'Antwort ging verloren' });
      messageId = res.json().id;
      // WhatsApp performed the send and answered 500; its status webhooks name our message id.
      await statusOf(conv.id, messageId, ['sent', 'delivered', 'read']);
    } finally {
      await bed.faults({ api: { lostResponse: 0 } });
      await bed.simConfig({ statusDelays: { sentMs: 0, deliveredMs: 20 } });
    }
    // The retry that was scheduled for the 500 runs now and must not send again.
    await bed.server.ctx.db.execute(
      sql`update jobs set run_at = now() where name = 'whatsapp.send-message' and status = 'queued'`,
    );
    await bed.server.ctx.jobs.drain();
    const texts = (await bed.sentTo('4915100000501')).filter((x) => x.type === 'text');
    expect(texts).toHaveLength(1);
    const [m] = (await bed.messagesOf(bed.owner, conv.id)).filter((x) => x.id === messageId!);
    expect(m?.providerMessageId).toBe(texts[0]!.wamid);
  });
});

describe('sending limits', () => {
  it('over the number throughput (130429) every message is still sent, and once', async () => {
    const people = ['4915100000301', '4915100000302', '4915100000303', '4915100000304'];
    const convs = [];
    for (const [i, waId] of people.entries()) convs.push((await customer(waId, `Kundin ${i}`)).conv);
    await bed.simConfig({ rules: { throughputMps: 1 } });
    try {
      const sent = await Promise.all(convs.map((c, i) => send(c.id, { text: `Nachricht ${i}` })));
      for (const [i, r] of sent.entries()) {
        expect(r.statusCode).toBe(202);
        await statusOf(convs[i]!.id, r.json().id, ['sent', 'delivered', 'read'], 30_000);
      }
      for (const waId of people)
        expect((await bed.sentTo(waId)).filter((s) => s.type === 'text')).toHaveLength(1);
    } finally {
      await bed.simConfig({ rules: { throughputMps: 80 } });
    }
  });

  it('a pair-rate error (131056) delays only that customer', async () => {
    const busy = await customer('4915100000401', 'Paula Paar');
    const other = await customer('4915100000402', 'Otto Anders');
    await bed.simConfig({ rules: { pairBurst: 1, pairIntervalMs: 2000 } });
    try {
      const first = await send(busy.conv.id, { text: 'Eins' });
      await statusOf(busy.conv.id, first.json().id, ['sent', 'delivered', 'read']);
      const second = await send(busy.conv.id, { text: 'Zwei' });
      const elsewhere = await send(other.conv.id, { text: 'Für Otto' });
      const started = Date.now();
      await statusOf(other.conv.id, elsewhere.json().id, ['sent', 'delivered', 'read']);
      const ottoMs = Date.now() - started;
      await statusOf(busy.conv.id, second.json().id, ['sent', 'delivered', 'read'], 20_000);
      const paulaMs = Date.now() - started;
      expect(ottoMs).toBeLessThan(paulaMs);
      const texts = (await bed.sentTo('4915100000401')).filter((s) => s.type === 'text');
      expect(texts.map((s) => (s.body.text as { body: string }).body)).toEqual(['Eins', 'Zwei']);
    } finally {
      await bed.simConfig({ rules: { pairBurst: 45, pairIntervalMs: 6000 } });
    }
  });
});
