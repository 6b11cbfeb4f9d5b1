import { signPayload } from '@parley/whatsapp';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, webhookEvents } from '../../db/schema.js';
import { as, buildMember, buildWorkspace } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';

/** The real server with the simulator over real HTTP: webhooks in, Graph API calls out. */
let bed: WhatsAppTestbed;

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
});
afterAll(async () => bed?.close());

describe('connecting a number', () => {
  it('checks credentials against the Graph API and shows the number', async () => {
    const list = (
      await as(bed.server, bed.owner, {
        method: 'GET',
        url: `/api/v1/workspaces/${bed.workspaceId}/channels`,
      })
    ).json();
    expect(list.channels[0]).toMatchObject({ name: 'Hauptnummer', status: 'active', isSandbox: false });
    expect(list.channels[0].displayPhoneNumber).toMatch(/49/);
    expect(list.channels[0].webhookUrl).toBe(`http://parley.test/webhooks/whatsapp/${bed.channel.id}`);
    expect(JSON.stringify(list)).not.toContain(bed.accessToken);
    expect(JSON.stringify(list)).not.toContain(bed.appSecret);
    const bad = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${bed.workspaceId}/channels`,
      payload: {
        type: 'whatsapp',
        name: 'X',
        phoneNumberId: '999',
        wabaId: '1',
        accessToken: 'wrong-token-123',
        appSecret: 'whatever1',
        graphBaseUrl: bed.sim.url,
      },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('whatsapp_credentials_rejected');
  });

  it('answers the verification handshake only with the right verify token', async () => {
    const ok = await fetch(
      `${bed.serverUrl}/webhooks/whatsapp/${bed.channel.id}?hub.mode=subscribe&hub.verify_token=${bed.channel.verifyToken}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(
      `${bed.serverUrl}/webhooks/whatsapp/${bed.channel.id}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`,
    );
    expect(wrong.status).toBe(403);
  });

  it('agents cannot connect numbers', async () => {
    const agent = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent');
    const res = await as(bed.server, agent, {
      method: 'POST',
      url: `/api/v1/workspaces/${bed.workspaceId}/channels`,
      payload: {},
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('a conversation end to end', () => {
  it('receives a customer message, answers it, and follows the ticks', async () => {
    await bed.inbound('4915112345678', 'Erika Musterfrau', {
      type: 'text',
      text: { body: 'Hallo, habt ihr heute offen?' },
    });
    const conv = await until('the conversation', () => bed.conversationOf(bed.owner, 'Erika Musterfrau'));
    expect(conv.unreadCount).toBe(1);
    expect(conv.lastMessagePreview).toBe('Hallo, habt ihr heute offen?');
    const msgs = await bed.messagesOf(bed.owner, conv.id);
    expect(msgs[0]).toMatchObject({
      direction: 'inbound',
      type: 'text',
      text: 'Hallo, habt ihr heute offen?',
      status: 'received',
    });

    const sent = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${bed.workspaceId}/conversations/${conv.id}/messages`,
      payload: { text: 'Ja, bis 18 Uhr! 🥐' },
    });
    expect(sent.statusCode).toBe(202);
    expect(sent.json().status).toBe('pending');
    const messageId = sent.json().id;
    const delivered = await until('delivered', async () => {
      const m = (await bed.messagesOf(bed.owner, conv.id)).find((x) => x.id === messageId);
      return m?.status === 'delivered' ? m : null;
    });
    expect(delivered.providerMessageId).toMatch(/^wamid\./);
    const list = await bed.sentTo('4915112345678');
    expect(JSON.stringify(list)).toContain('Ja, bis 18 Uhr!');
    expect(JSON.stringify(list)).toContain(messageId); // biz_opaque_callback_data
    expect(JSON.stringify(list).split('Ja, bis 18 Uhr!').length - 1).toBe(1); // sent once
  });

  it('stores a redelivered message once, even 20 times in parallel', async () => {
    const payload = JSON.stringify({
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
                contacts: [{ profile: { name: 'Duplicate Dora' }, wa_id: '4917600000001' }],
                messages: [
                  {
                    from: '4917600000001',
                    id: 'wamid.DUPLICATE-TEST-1',
                    timestamp: '1796000000',
                    type: 'text',
                    text: { body: 'einmal bitte' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const post = () => bed.postWebhook(payload);
    const statuses = await Promise.all(Array.from({ length: 20 }, post));
    expect(statuses.every((r) => r.status === 200)).toBe(true);
    const conv = await until('Dora', () => bed.conversationOf(bed.owner, 'Duplicate Dora'));
    await bed.server.ctx.jobs.drain();
    expect(await bed.messagesOf(bed.owner, conv.id)).toHaveLength(1);
    const fresh = await until('unread settled', () => bed.conversationOf(bed.owner, 'Duplicate Dora'));
    expect(fresh.unreadCount).toBe(1);
  });

  it('refuses a bad signature with 401 and stores nothing', async () => {
    const count = async () =>
      Number(
        (
          (await bed.server.ctx.db.execute(
            sql`select count(*)::int as n from webhook_events`,
          )) as unknown as {
            rows: { n: number }[];
          }
        ).rows[0]!.n,
      );
    const before = await count();
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
    for (const sig of [
      null,
      'sha1=abc',
      signPayload('wrong-secret', body),
      signPayload(bed.appSecret, `${body} `),
    ]) {
      const r = await bed.postWebhook(body, sig);
      expect(r.status).toBe(401);
    }
    expect(await count()).toBe(before);
  });

  it('acknowledges a delivery for another phone number but attaches nothing', async () => {
    const payload = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '1', phone_number_id: '555000' },
                contacts: [{ profile: { name: 'Foreign Fred' }, wa_id: '4917600000002' }],
                messages: [
                  {
                    from: '4917600000002',
                    id: 'wamid.FOREIGN-1',
                    timestamp: '1796000000',
                    type: 'text',
                    text: { body: 'wrong number' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const r = await bed.postWebhook(payload);
    expect(r.status).toBe(200);
    const rows = await until('the delivery is recorded as unattached', async () => {
      const found = await bed.server.ctx.db
        .select()
        .from(webhookEvents)
        .where(eq(webhookEvents.status, 'unattached'));
      return found.length > 0 ? found : null;
    });
    expect(rows.length).toBeGreaterThan(0);
    expect(await bed.conversationOf(bed.owner, 'Foreign Fred')).toBeUndefined();
  });

  it('blocks free text when the 24-hour window is closed', async () => {
    await bed.inbound('4915199999999', 'Old Olga', { type: 'text', text: { body: 'lange her' } });
    const conv = await until('Olga', () => bed.conversationOf(bed.owner, 'Old Olga'));
    await bed.server.ctx.db
      .update(conversations)
      .set({ lastInboundAt: new Date(Date.now() - 25 * 3600_000) })
      .where(eq(conversations.id, conv.id));
    const res = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${bed.workspaceId}/conversations/${conv.id}/messages`,
      payload: { text: 'Hallo?' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('reply_window_closed');
  });

  it('syncs templates and sends an approved template when the window is closed', async () => {
    const sync = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${bed.workspaceId}/channels/${bed.channel.id}/templates/sync`,
    });
    expect(sync.statusCode, sync.body).toBe(200);
    expect(sync.json().synced).toBeGreaterThan(0);
    const list = (
      await as(bed.server, bed.owner, {
        method: 'GET',
        url: `/api/v1/workspaces/${bed.workspaceId}/templates?status=APPROVED`,
      })
    ).json();
    const hello = list.templates.find((t: { name: string }) => t.name === 'hello_world');
    expect(hello).toMatchObject({ status: 'APPROVED', bodyParameters: [] });
    const shipped = list.templates.find((t: { name: string }) => t.name === 'order_shipped');
    expect(shipped?.bodyParameters.length).toBeGreaterThan(0);

    await bed.inbound('4915188888888', 'Template Tina', { type: 'text', text: { body: 'alt' } });
    const conv = await until('Tina', () => bed.conversationOf(bed.owner, 'Template Tina'));
    await bed.server.ctx.db
      .update(conversations)
      .set({ lastInboundAt: new Date(Date.now() - 30 * 3600_000) })
      .where(eq(conversations.id, conv.id));
    const url = `/api/v1/workspaces/${bed.workspaceId}/conversations/${conv.id}/messages`;
    const wrong = await as(bed.server, bed.owner, {
      method: 'POST',
      url,
      payload: { template: { templateId: shipped.id, body: [] } },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details.issues[0].path).toBe('body.template.body');
    const res = await as(bed.server, bed.owner, {
      method: 'POST',
      url,
      payload: { template: { templateId: hello.id } },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ type: 'template', status: 'pending' });
    const sentOk = await until('template sent', async () => {
      const m = (await bed.messagesOf(bed.owner, conv.id)).find((x) => x.id === res.json().id);
      return m && m.status !== 'pending' ? m : null;
    });
    expect(['sent', 'delivered']).toContain(sentOk.status);
    const atSim = JSON.stringify(await bed.sentTo('4915188888888'));
    expect(atSim).toContain('hello_world');
  });

  it('sends read receipts to the customer only when the workspace turned them on', async () => {
    const { id: wamid } = await bed.inbound('4915177777777', 'Receipt Rita', {
      type: 'text',
      text: { body: 'gelesen?' },
    });
    const conv = await until('Rita', () => bed.conversationOf(bed.owner, 'Receipt Rita'));
    const readUrl = `/api/v1/workspaces/${bed.workspaceId}/conversations/${conv.id}/read`;
    const ws = (
      await as(bed.server, bed.owner, { method: 'GET', url: `/api/v1/workspaces/${bed.workspaceId}` })
    ).json();
    expect(ws.sendReadReceipts).toBe(false);
    expect((await as(bed.server, bed.owner, { method: 'POST', url: readUrl })).statusCode).toBe(204);
    await bed.server.ctx.jobs.drain();
    expect(bed.sim.state.inbound.get(wamid)?.readByBusiness).toBe(false);

    const on = await as(bed.server, bed.owner, {
      method: 'PATCH',
      url: `/api/v1/workspaces/${bed.workspaceId}`,
      payload: { sendReadReceipts: true },
    });
    expect(on.json().sendReadReceipts).toBe(true);
    expect((await as(bed.server, bed.owner, { method: 'POST', url: readUrl })).statusCode).toBe(204);
    await until(
      'the customer sees blue ticks',
      async () => bed.sim.state.inbound.get(wamid)?.readByBusiness === true,
    );
    const off = await as(bed.server, bed.owner, {
      method: 'PATCH',
      url: `/api/v1/workspaces/${bed.workspaceId}`,
      payload: { sendReadReceipts: false },
    });
    expect(off.json().sendReadReceipts).toBe(false);
  });

  it('stores message text, names and phone numbers only encrypted', async () => {
    const dump = await bed.server.ctx.db.execute(sql`select string_agg(m::text, ' ') as all from messages m`);
    const text = String((dump as unknown as { rows: { all: string }[] }).rows[0]!.all);
    expect(text.length).toBeGreaterThan(100);
    expect(text).not.toContain('Hallo, habt ihr heute offen?');
    const contactsDump = JSON.stringify(
      (await bed.server.ctx.db.execute(sql`select * from contacts`)) as unknown,
    );
    expect(contactsDump).not.toContain('4915112345678');
    expect(contactsDump).not.toContain('Erika');
    const eventsDump = JSON.stringify(
      (await bed.server.ctx.db.execute(sql`select * from webhook_events`)) as unknown,
    );
    expect(eventsDump).not.toContain('einmal bitte');
  });

  it("another workspace cannot read this workspace's conversations (404)", async () => {
    const other = await buildWorkspace(bed.server);
    const conv = await until('Erika', () => bed.conversationOf(bed.owner, 'Erika Musterfrau'));
    const res = await as(bed.server, other.owner, {
      method: 'GET',
      url: `/api/v1/workspaces/${other.workspace.id}/conversations/${conv.id}/messages`,
    });
    expect(res.statusCode).toBe(404);
  });
});
