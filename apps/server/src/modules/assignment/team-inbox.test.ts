import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.js';
import { conversations, jobs, scheduledMessages } from '../../db/schema.js';
import { as, buildMember, type Person } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';

/** Assignment, take, notes and mentions, labels, snooze and bulk actions over the real routes. */
let bed: WhatsAppTestbed;
let anna: Person;
let ben: Person;
let carla: Person;
let waSeq = 4915200000000;

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
  anna = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Anna Agent');
  ben = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Ben Agent');
  carla = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Carla Agent');
});
afterAll(async () => bed?.close());

const base = () => `/api/v1/workspaces/${bed.workspaceId}`;
const call = (
  person: Person,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  payload?: object,
) =>
  as(bed.server, person, { method, url: `${base()}${path}`, ...(payload !== undefined ? { payload } : {}) });

/** A customer writes; resolves with their conversation. */
async function customer(name: string, text = 'Hallo') {
  const waId = String(++waSeq);
  await bed.inbound(waId, name, { type: 'text', text: { body: text } });
  const conv = await until(name, () => bed.conversationOf(bed.owner, name));
  return { ...conv, waId };
}

type Msg = { kind: string; type: string; text: string | null; content: Record<string, unknown> | null };
async function thread(person: Person, conversationId: string): Promise<Msg[]> {
  const res = await call(person, 'GET', `/conversations/${conversationId}/messages?limit=100`);
  expect(res.statusCode).toBe(200);
  return res.json().messages;
}

describe('assignment', () => {
  it('assigns to a person and a team, shows an activity line and notifies the assignee', async () => {
    const conv = await customer('Assign Arne');
    const team = await call(bed.owner, 'POST', '/teams', { name: 'Support Assign' });
    expect(team.statusCode).toBe(201);
    const res = await call(bed.owner, 'POST', `/conversations/${conv.id}/assignment`, {
      assigneeId: anna.id,
      teamId: team.json().id,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: conv.id, assigneeId: anna.id, teamId: team.json().id });
    expect(res.json().assignedAt).not.toBeNull();

    const lines = (await thread(bed.owner, conv.id)).filter((m) => m.kind === 'activity');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.content).toMatchObject({
      action: 'assigned',
      actorId: bed.owner.id,
      assigneeId: anna.id,
      previousAssigneeId: null,
      via: 'manual',
    });

    const notes = (await call(anna, 'GET', '/notifications')).json();
    expect(
      notes.notifications.filter((n: { conversationId: string }) => n.conversationId === conv.id),
    ).toEqual([expect.objectContaining({ type: 'assignment', actorId: bed.owner.id, readAt: null })]);
    expect(notes.unread).toBeGreaterThan(0);
    const read = await call(anna, 'POST', '/notifications/read', {});
    expect(read.json()).toEqual({ unread: 0 });

    // Omitted teamId keeps the team; null unassigns.
    const un = await call(bed.owner, 'POST', `/conversations/${conv.id}/assignment`, { assigneeId: null });
    expect(un.json()).toMatchObject({ assigneeId: null, teamId: team.json().id, assignedAt: null });
    const mine = await call(anna, 'GET', '/conversations?assignee=me');
    expect(mine.json().conversations.map((c: { id: string }) => c.id)).not.toContain(conv.id);
  });

  it('refuses an assignee who is not an active member, and an unknown team', async () => {
    const conv = await customer('Refuse Rita');
    const stranger = await call(bed.owner, 'POST', `/conversations/${conv.id}/assignment`, {
      assigneeId: crypto.randomUUID(),
    });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json().error.details.issues[0].path).toBe('body.assigneeId');
    const team = await call(bed.owner, 'POST', `/conversations/${conv.id}/assignment`, {
      assigneeId: null,
      teamId: crypto.randomUUID(),
    });
    expect(team.statusCode).toBe(400);
  });

  it('lets exactly one of several concurrent takers win; the others get already_assigned', async () => {
    const conv = await customer('Race Rudi');
    const takers = [anna, ben, carla, bed.owner, anna, ben];
    const results = await Promise.all(takers.map((p) => call(p, 'POST', `/conversations/${conv.id}/take`)));
    const won = results.filter((r) => r.statusCode === 200);
    expect(won).toHaveLength(1);
    for (const r of results.filter((x) => x.statusCode !== 200)) {
      expect(r.statusCode).toBe(409);
      expect(r.json().error.code).toBe('already_assigned');
    }
    const [row] = await bed.server.ctx.db.select().from(conversations).where(eq(conversations.id, conv.id));
    expect(row!.assigneeId).toBe(won[0]!.json().assigneeId);
    const lines = (await thread(bed.owner, conv.id)).filter((m) => m.kind === 'activity');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.content).toMatchObject({ via: 'take', assigneeId: row!.assigneeId });
  });
});

describe('internal notes and mentions', () => {
  it('stores a note as kind "note" and never sends it to WhatsApp', async () => {
    const conv = await customer('Note Nora');
    const secret = `Intern: Kunde zahlt spät ${crypto.randomUUID()}`;
    const note = await call(anna, 'POST', `/conversations/${conv.id}/notes`, { text: secret });
    expect(note.statusCode, note.body).toBe(201);
    expect(note.json()).toMatchObject({ kind: 'note', text: secret, senderUserId: anna.id });
    // A real reply afterwards: once it reached the simulator, every job before it ran too.
    const reply = await call(anna, 'POST', `/conversations/${conv.id}/messages`, { text: 'Gern geschehen' });
    expect(reply.statusCode).toBe(202);
    const sent = await until('the reply at the simulator', async () => {
      const s = await bed.sentTo(conv.waId);
      return s.length > 0 ? s : undefined;
    });
    expect(JSON.stringify(sent)).not.toContain(secret);
    expect(sent.map((s) => s.type)).toEqual(['text']);
    const notes = (await thread(anna, conv.id)).filter((m) => m.kind === 'note');
    expect(notes.map((m) => m.text)).toEqual([secret]);
    // Not the preview either.
    const c = (await call(anna, 'GET', `/conversations/${conv.id}`)).json();
    expect(c.lastMessagePreview).not.toContain('Intern');
    // A note in an empty body is refused.
    expect((await call(anna, 'POST', `/conversations/${conv.id}/notes`, { text: '  ' })).statusCode).toBe(
      400,
    );
  });

  it('gives each mentioned colleague a notification of their own; two notes are two notifications', async () => {
    const conv = await customer('Mention Max');
    const before = async (p: Person) =>
      (await call(p, 'GET', '/notifications?limit=100'))
        .json()
        .notifications.filter(
          (n: { type: string; conversationId: string }) =>
            n.type === 'mention' && n.conversationId === conv.id,
        ).length;
    const text = `@[Ben Agent](${ben.id}) und @[Carla Agent](${carla.id}) bitte prüfen, @[Ben Agent](${ben.id})!`;
    expect((await call(anna, 'POST', `/conversations/${conv.id}/notes`, { text })).statusCode).toBe(201);
    expect(
      (await call(anna, 'POST', `/conversations/${conv.id}/notes`, { text: `@[Ben](${ben.id}) noch mal` }))
        .statusCode,
    ).toBe(201);
    expect(await before(ben)).toBe(2);
    expect(await before(carla)).toBe(1);
    // The author is not notified of their own mention.
    await call(anna, 'POST', `/conversations/${conv.id}/notes`, { text: `@[Anna](${anna.id}) ich` });
    expect(await before(anna)).toBe(0);
  });
});

describe('labels', () => {
  it('creates labels (201 with an id), refuses duplicates, labels conversations and filters by label', async () => {
    const created = await call(bed.owner, 'POST', '/labels', { name: 'VIP', color: '#D4A017' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ id: expect.any(String), name: 'VIP', color: '#d4a017' });
    const dup = await call(bed.owner, 'POST', '/labels', { name: 'vip', color: '#000000' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('label_name_taken');
    expect((await call(anna, 'POST', '/labels', { name: 'Agentlabel', color: '#000000' })).statusCode).toBe(
      403,
    );
    expect((await call(bed.owner, 'POST', '/labels', { name: 'Bad', color: 'red' })).statusCode).toBe(400);

    const a = await customer('Label Lena');
    const b = await customer('Label Luis');
    const put = await call(anna, 'PUT', `/conversations/${a.id}/labels`, { labelIds: [created.json().id] });
    expect(put.statusCode, put.body).toBe(200);
    const unknown = await call(anna, 'PUT', `/conversations/${b.id}/labels`, {
      labelIds: [crypto.randomUUID()],
    });
    expect(unknown.statusCode).toBe(400);

    const filtered = (await call(anna, 'GET', `/conversations?labelId=${created.json().id}`)).json();
    expect(filtered.conversations.map((c: { id: string }) => c.id)).toEqual([a.id]);
    expect(filtered.conversations[0].labelIds).toEqual([created.json().id]);
    expect((await call(anna, 'GET', `/conversations/${a.id}`)).json().labelIds).toEqual([created.json().id]);

    // Deleting the label takes it off the conversation.
    expect((await call(bed.owner, 'DELETE', `/labels/${created.json().id}`)).statusCode).toBe(204);
    expect((await call(anna, 'GET', `/conversations/${a.id}`)).json().labelIds).toEqual([]);
  });
});

describe('label filter on both sides of its plan (2,000 conversations)', () => {
  it('pages a label on 2,001 and one on 2,000 conversations completely, newest first, with other filters', async () => {
    const ws = await bed.addWorkspace({ name: 'Label plans' });
    const mk = async (name: string) => {
      const res = await as(bed.server, ws.owner, {
        method: 'POST',
        url: `/api/v1/workspaces/${ws.workspaceId}/labels`,
        payload: { name, color: '#336699' },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const big = await mk('Big');
    const small = await mk('Small');
    // 2,100 conversations set-based, one minute apart; every 3rd resolved; 'Big' on the newest 2,001,
    // 'Small' on 2,000 of them (skipping the newest 50, so its first page is not the unfiltered one).
    const db = bed.server.ctx.db;
    await db.execute(sql`
      insert into contacts (id, workspace_id, wa_id_hash)
      select gen_random_uuid(), ${ws.workspaceId}, 'label-plan-' || g from generate_series(1, 2100) g`);
    await db.execute(sql`
      insert into conversations (workspace_id, channel_id, contact_id, status, last_message_at)
      select ${ws.workspaceId}, ${ws.channel.id}, c.id,
        case when substr(c.wa_id_hash, 12)::int % 3 = 0 then 'resolved' else 'open' end,
        timestamptz '2026-01-01T00:00:00Z' + (substr(c.wa_id_hash, 12)::int || ' minutes')::interval
      from contacts c where c.workspace_id = ${ws.workspaceId} and c.wa_id_hash like 'label-plan-%'`);
    const newest = rowsOf<{ id: string; status: string }>(
      await db.execute(sql`select id, status from conversations where workspace_id = ${ws.workspaceId}
        order by last_message_at desc, id desc`),
    );
    expect(newest).toHaveLength(2100);
    const bigIds = newest.slice(0, 2001);
    const smallIds = newest.slice(50, 2050);
    const link = (labelId: string, offset: number, count: number) =>
      db.execute(sql`insert into conversation_labels (conversation_id, label_id, workspace_id)
        select id, ${labelId}::uuid, ${ws.workspaceId}::uuid from conversations where workspace_id = ${ws.workspaceId}
        order by last_message_at desc, id desc offset ${offset} limit ${count}`);
    await link(big, 0, 2001);
    await link(small, 50, 2000);

    const all = async (query: string) => {
      const ids: string[] = [];
      let before: string | undefined;
      for (let page = 0; page < 100; page++) {
        const res = await as(bed.server, ws.owner, {
          method: 'GET',
          url: `/api/v1/workspaces/${ws.workspaceId}/conversations?${query}&limit=100${before ? `&before=${encodeURIComponent(before)}` : ''}`,
        });
        expect(res.statusCode, res.body).toBe(200);
        ids.push(...res.json().conversations.map((c: { id: string }) => c.id));
        before = res.json().nextCursor ?? undefined;
        if (!before) return ids;
      }
      throw new Error('did not end');
    };
    expect(await all(`labelId=${big}`)).toEqual(bigIds.map((r) => r.id));
    expect(await all(`labelId=${small}`)).toEqual(smallIds.map((r) => r.id));
    expect(await all(`labelId=${big}&status=open`)).toEqual(
      bigIds.filter((r) => r.status === 'open').map((r) => r.id),
    );
    expect(await all(`labelId=${small}&status=resolved`)).toEqual(
      smallIds.filter((r) => r.status === 'resolved').map((r) => r.id),
    );
  });
});

describe('status workflow', () => {
  it('snoozes until a future time and wakes early when the customer writes', async () => {
    const conv = await customer('Snooze Sven');
    const past = await call(anna, 'POST', `/conversations/${conv.id}/status`, {
      status: 'snoozed',
      snoozedUntil: new Date(Date.now() - 1000).toISOString(),
    });
    expect(past.statusCode).toBe(400);
    const missing = await call(anna, 'POST', `/conversations/${conv.id}/status`, { status: 'snoozed' });
    expect(missing.statusCode).toBe(400);
    const until1 = new Date(Date.now() + 86400_000).toISOString();
    const ok = await call(anna, 'POST', `/conversations/${conv.id}/status`, {
      status: 'snoozed',
      snoozedUntil: until1,
    });
    expect(ok.statusCode, ok.body).toBe(204);
    const snoozed = (await call(anna, 'GET', `/conversations/${conv.id}`)).json();
    expect(snoozed).toMatchObject({ status: 'snoozed', snoozedUntil: until1 });
    expect(
      (await call(anna, 'GET', '/conversations?status=snoozed'))
        .json()
        .conversations.map((c: { id: string }) => c.id),
    ).toContain(conv.id);

    await bed.inbound(conv.waId, 'Snooze Sven', { type: 'text', text: { body: 'Noch da?' } });
    const woken = await until('woken by the customer', async () => {
      const c = (await call(anna, 'GET', `/conversations/${conv.id}`)).json();
      return c.status === 'open' ? c : undefined;
    });
    expect(woken.snoozedUntil).toBeNull();
  });

  it('wakes a snoozed conversation when its time comes (the wake-up job)', async () => {
    const conv = await customer('Wake Wanda');
    const at = new Date(Date.now() + 60_000);
    expect(
      (
        await call(anna, 'POST', `/conversations/${conv.id}/status`, {
          status: 'snoozed',
          snoozedUntil: at.toISOString(),
        })
      ).statusCode,
    ).toBe(204);
    // Time passes: the snooze and its job are moved into the past instead of waiting a minute.
    const db = bed.server.ctx.db;
    await db
      .update(conversations)
      .set({ snoozedUntil: new Date(Date.now() - 1000) })
      .where(eq(conversations.id, conv.id));
    await db
      .update(jobs)
      .set({ runAt: new Date(Date.now() - 1000) })
      .where(eq(jobs.name, 'conversations.wake-snoozed'));
    bed.server.ctx.jobs.poke();
    const c = await until('woken by the job', async () => {
      const r = (await call(anna, 'GET', `/conversations/${conv.id}`)).json();
      return r.status === 'open' ? r : undefined;
    });
    expect(c.snoozedUntil).toBeNull();
    const lines = (await thread(anna, conv.id)).filter((m) => m.kind === 'activity');
    expect(lines.map((l) => l.content?.status)).toEqual(['open', 'snoozed']);
    expect(lines[0]!.content?.actorId).toBeNull();
  });

  it('sets the priority and filters by it', async () => {
    const conv = await customer('Priority Paul');
    expect(
      (await call(anna, 'POST', `/conversations/${conv.id}/priority`, { priority: 'urgent' })).statusCode,
    ).toBe(204);
    expect(
      (await call(anna, 'POST', `/conversations/${conv.id}/priority`, { priority: 'mega' })).statusCode,
    ).toBe(400);
    const list = (await call(anna, 'GET', '/conversations?priority=urgent')).json();
    expect(list.conversations.map((c: { id: string }) => c.id)).toEqual([conv.id]);
  });

  it('applies bulk actions to the conversations one may see and reports the rest', async () => {
    const a = await customer('Bulk Bea');
    const b = await customer('Bulk Bob');
    const ghost = crypto.randomUUID();
    const res = await call(anna, 'POST', '/conversations/bulk', {
      conversationIds: [a.id, b.id, ghost],
      action: { type: 'status', status: 'resolved' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(new Set(res.json().updated)).toEqual(new Set([a.id, b.id]));
    expect(res.json().notFound).toEqual([ghost]);
    for (const id of [a.id, b.id])
      expect((await call(anna, 'GET', `/conversations/${id}`)).json().status).toBe('resolved');
    const assign = await call(anna, 'POST', '/conversations/bulk', {
      conversationIds: [a.id, b.id],
      action: { type: 'assign', assigneeId: ben.id },
    });
    expect(assign.statusCode).toBe(200);
    const bens = (await call(ben, 'GET', '/conversations?assignee=me&status=resolved')).json();
    expect(new Set(bens.conversations.map((c: { id: string }) => c.id))).toEqual(new Set([a.id, b.id]));
  });
});

describe('send later', () => {
  /** Lets a scheduled send's time come now instead of in a minute. */
  async function timeComes(scheduledId: string) {
    const db = bed.server.ctx.db;
    const past = new Date(Date.now() - 1000);
    await db.update(scheduledMessages).set({ sendAt: past }).where(eq(scheduledMessages.id, scheduledId));
    await db.update(jobs).set({ runAt: past }).where(eq(jobs.name, 'messages.send-scheduled'));
    bed.server.ctx.jobs.poke();
  }
  const inAMinute = () => new Date(Date.now() + 120_000).toISOString();

  it('sends a scheduled message once when its time comes', async () => {
    const conv = await customer('Later Lotte');
    const text = `Erinnerung ${crypto.randomUUID()}`;
    const res = await call(anna, 'POST', `/conversations/${conv.id}/scheduled`, {
      sendAt: inAMinute(),
      message: { text },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'scheduled', message: { text }, authorId: anna.id });
    expect((await bed.sentTo(conv.waId)).length).toBe(0);
    await timeComes(res.json().id);
    const sent = await until('the scheduled text at the simulator', async () => {
      const s = await bed.sentTo(conv.waId);
      return s.length > 0 ? s : undefined;
    });
    expect(JSON.stringify(sent)).toContain(text);
    const list = (await call(anna, 'GET', `/conversations/${conv.id}/scheduled`)).json();
    expect(list.scheduled[0]).toMatchObject({
      id: res.json().id,
      status: 'sent',
      messageId: expect.any(String),
    });
    // Once: running the job again sends nothing more.
    await timeComes(res.json().id);
    await new Promise((r) => setTimeout(r, 300));
    expect((await bed.sentTo(conv.waId)).length).toBe(1);
  });

  it('fails with the reason and tells the author when the 24-hour window has closed by then', async () => {
    const conv = await customer('Closed Clara');
    const res = await call(anna, 'POST', `/conversations/${conv.id}/scheduled`, {
      sendAt: inAMinute(),
      message: { text: 'zu spät' },
    });
    expect(res.statusCode).toBe(201);
    await bed.server.ctx.db
      .update(conversations)
      .set({ lastInboundAt: new Date(Date.now() - 25 * 3600_000) })
      .where(eq(conversations.id, conv.id));
    await timeComes(res.json().id);
    const failed = await until('marked failed', async () => {
      const s = (await call(anna, 'GET', `/conversations/${conv.id}/scheduled`)).json().scheduled[0];
      return s.status === 'failed' ? s : undefined;
    });
    expect(failed.errorCode).toBe('reply_window_closed');
    const n = (await call(anna, 'GET', '/notifications?limit=100')).json().notifications;
    expect(
      n.filter(
        (x: { type: string; conversationId: string }) =>
          x.type === 'scheduled_failed' && x.conversationId === conv.id,
      ),
    ).toHaveLength(1);
    expect((await bed.sentTo(conv.waId)).length).toBe(0);
  });

  it('cancels before it goes; then it never goes; times in the past are refused', async () => {
    const conv = await customer('Cancel Cora');
    const res = await call(anna, 'POST', `/conversations/${conv.id}/scheduled`, {
      sendAt: inAMinute(),
      message: { text: 'doch nicht' },
    });
    const del = await call(anna, 'DELETE', `/conversations/${conv.id}/scheduled/${res.json().id}`);
    expect(del.statusCode).toBe(204);
    expect(
      (await call(anna, 'DELETE', `/conversations/${conv.id}/scheduled/${res.json().id}`)).statusCode,
    ).toBe(409);
    await timeComes(res.json().id);
    await new Promise((r) => setTimeout(r, 300));
    expect((await bed.sentTo(conv.waId)).length).toBe(0);
    const past = await call(anna, 'POST', `/conversations/${conv.id}/scheduled`, {
      sendAt: new Date(Date.now() - 60_000).toISOString(),
      message: { text: 'gestern' },
    });
    expect(past.statusCode).toBe(400);
  });
});

describe('per-person unread, message notifications and saved views', () => {
  it('keeps unread per person and lets one mark a conversation unread for themselves', async () => {
    const conv = await customer('Unread Ute');
    const get = async (p: Person) => (await call(p, 'GET', `/conversations/${conv.id}`)).json();
    expect((await get(anna)).isUnread).toBe(true);
    expect((await call(anna, 'POST', `/conversations/${conv.id}/read`)).statusCode).toBe(204);
    expect((await get(anna)).isUnread).toBe(false);
    expect((await call(anna, 'POST', `/conversations/${conv.id}/unread`)).statusCode).toBe(204);
    expect((await get(anna)).isUnread).toBe(true);
    expect((await get(ben)).isUnread).toBe(false);
    await call(ben, 'POST', `/conversations/${conv.id}/read`);
    // WhatsApp timestamps have whole seconds: the next message is a later second.
    await bed.clock({ advance: '2s' });
    await bed.inbound(conv.waId, 'Unread Ute', { type: 'text', text: { body: 'Und?' } });
    await until('unread again for Ben', async () => (await get(ben)).isUnread === true);
  });

  it('notifies the assignee of new messages, one unread notification per conversation', async () => {
    const conv = await customer('Chatty Chris');
    await call(bed.owner, 'POST', `/conversations/${conv.id}/assignment`, { assigneeId: carla.id });
    const count = async () =>
      (await call(carla, 'GET', '/notifications?limit=100'))
        .json()
        .notifications.filter(
          (n: { type: string; conversationId: string }) =>
            n.type === 'message' && n.conversationId === conv.id,
        ).length;
    await bed.inbound(conv.waId, 'Chatty Chris', { type: 'text', text: { body: 'eins' } });
    await bed.inbound(conv.waId, 'Chatty Chris', { type: 'text', text: { body: 'zwei' } });
    await until(
      'two messages',
      async () => (await bed.messagesOf(carla, conv.id)).filter((m) => m.direction === 'inbound').length >= 3,
    );
    expect(await count()).toBe(1);
  });

  it('saves personal and shared views; agents cannot share', async () => {
    const mine = await call(anna, 'POST', '/views', {
      name: 'Meine dringenden',
      filters: { assignee: 'me', priority: 'urgent' },
    });
    expect(mine.statusCode, mine.body).toBe(201);
    expect(mine.json()).toMatchObject({ shared: false, filters: { assignee: 'me', priority: 'urgent' } });
    expect(
      (await call(anna, 'POST', '/views', { name: 'Für alle', filters: {}, shared: true })).statusCode,
    ).toBe(403);
    const shared = await call(bed.owner, 'POST', '/views', {
      name: 'Warteschlange',
      filters: { queued: 'true' },
      shared: true,
    });
    expect(shared.statusCode).toBe(201);
    const annas = (await call(anna, 'GET', '/views')).json().views.map((v: { name: string }) => v.name);
    expect(annas).toEqual(expect.arrayContaining(['Meine dringenden', 'Warteschlange']));
    const bens = (await call(ben, 'GET', '/views')).json().views.map((v: { name: string }) => v.name);
    expect(bens).not.toContain('Meine dringenden');
    expect((await call(ben, 'DELETE', `/views/${mine.json().id}`)).statusCode).toBe(404);
    expect((await call(anna, 'DELETE', `/views/${shared.json().id}`)).statusCode).toBe(403);
    expect((await call(anna, 'DELETE', `/views/${mine.json().id}`)).statusCode).toBe(204);
  });
});
