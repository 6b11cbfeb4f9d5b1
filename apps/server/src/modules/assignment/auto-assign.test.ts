import crypto from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, contacts, conversations, memberships } from '../../db/schema.js';
import { as, buildMember, type Person } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';
import { drainQueue, PRESENCE_TIMEOUT_MS, requestAutoAssign } from './auto-assign.js';
import { type Candidate, chooseAgent } from './choose.js';

describe('chooseAgent (pure)', () => {
  const candidate = fc.record({
    userId: fc.uuid(),
    load: fc.nat({ max: 12 }),
    capacity: fc.nat({ max: 12 }),
    lastAssignedAt: fc.option(fc.nat({ max: 1_000_000 }), { nil: null }),
  });

  it('picks someone below capacity exactly when there is someone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('round_robin', 'least_busy'),
        fc.array(candidate, { maxLength: 8 }),
        (mode, cs) => {
          const pick = chooseAgent(mode as 'round_robin', cs);
          const room = cs.filter((c) => c.load < c.capacity);
          if (room.length === 0) expect(pick).toBeNull();
          else expect(pick && pick.load < pick.capacity).toBe(true);
        },
      ),
    );
  });

  it('least-busy picks a lowest load; round-robin the one assigned longest ago', () => {
    fc.assert(
      fc.property(fc.array(candidate, { minLength: 1, maxLength: 8 }), (cs) => {
        const room = cs.filter((c) => c.load < c.capacity);
        fc.pre(room.length > 0);
        const lb = chooseAgent('least_busy', cs) as Candidate;
        expect(lb.load).toBe(Math.min(...room.map((c) => c.load)));
        const rr = chooseAgent('round_robin', cs) as Candidate;
        expect(rr.lastAssignedAt ?? -1).toBe(Math.min(...room.map((c) => c.lastAssignedAt ?? -1)));
      }),
    );
  });

  it('spreads evenly: round-robin over equal agents hands out in turn', () => {
    const cs: Candidate[] = ['a', 'b', 'c'].map((userId) => ({
      userId,
      load: 0,
      capacity: 5,
      lastAssignedAt: null,
    }));
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const p = chooseAgent('round_robin', cs)!;
      order.push(p.userId);
      p.load++;
      p.lastAssignedAt = i;
    }
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });
});

let bed: WhatsAppTestbed;
let agents: Person[];
let waSeq = 4915300000000;
const base = () => `/api/v1/workspaces/${bed.workspaceId}`;

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
  agents = [];
  for (const name of ['Ada Auto', 'Bo Auto', 'Cem Auto', 'Dana Auto'])
    agents.push(await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', name));
});
afterAll(async () => bed?.close());

async function customer(name: string) {
  const waId = String(++waSeq);
  await bed.inbound(waId, name, { type: 'text', text: { body: 'Hallo' } });
  return until(name, () => bed.conversationOf(bed.owner, name));
}

async function conversation(id: string) {
  const res = await as(bed.server, bed.owner, { method: 'GET', url: `${base()}/conversations/${id}` });
  return res.json() as { assigneeId: string | null; queuedAt: string | null; status: string };
}

describe('automatic assignment over the real routes', () => {
  it('hands new conversations to available agents within capacity, queues the rest, and hands out on resolve', async () => {
    const [ada, bo] = agents as [Person, Person];
    const owner = bed.owner;
    // Only Ada and Bo work the number; each takes one at a time.
    const team = await as(bed.server, owner, {
      method: 'POST',
      url: `${base()}/teams`,
      payload: { name: 'Auto' },
    });
    const teamId = team.json().id;
    await as(bed.server, owner, {
      method: 'PUT',
      url: `${base()}/teams/${teamId}/members`,
      payload: { userIds: [ada.id, bo.id] },
    });
    const routing = await as(bed.server, owner, {
      method: 'PUT',
      url: `${base()}/channels/${bed.channel.id}/routing`,
      payload: { autoAssign: 'round_robin', defaultTeamId: teamId, teamIds: [teamId] },
    });
    expect(routing.statusCode, routing.body).toBe(200);
    expect(routing.json()).toMatchObject({ autoAssign: 'round_robin', teamIds: [teamId] });
    for (const p of [ada, bo]) {
      const r = await as(bed.server, owner, {
        method: 'PATCH',
        url: `${base()}/members/${p.id}/routing`,
        payload: { capacity: 1 },
      });
      expect(r.statusCode, r.body).toBe(204);
      expect(
        (
          await as(bed.server, p, {
            method: 'PUT',
            url: `${base()}/presence`,
            payload: { availability: 'available' },
          })
        ).statusCode,
      ).toBe(204);
    }

    const first = await customer('Auto Anton');
    const second = await customer('Auto Berta');
    const third = await customer('Auto Carl');
    const a1 = await until('first assigned', async () => (await conversation(first.id)).assigneeId);
    const a2 = await until('second assigned', async () => (await conversation(second.id)).assigneeId);
    expect(new Set([a1, a2])).toEqual(new Set([ada.id, bo.id]));
    // Nobody has room for the third: it waits in the queue, visible there.
    const waiting = await until('third queued', async () => {
      const c = await conversation(third.id);
      return c.queuedAt ? c : undefined;
    });
    expect(waiting.assigneeId).toBeNull();
    const queue = await as(bed.server, owner, { method: 'GET', url: `${base()}/conversations?queued=true` });
    expect(queue.json().conversations.map((c: { id: string }) => c.id)).toEqual([third.id]);
    const board = (await as(bed.server, owner, { method: 'GET', url: `${base()}/routing/agents` })).json();
    expect(board.queued).toBe(1);
    expect(board.agents.find((a: { userId: string }) => a.userId === ada.id)).toMatchObject({
      availability: 'available',
      load: 1,
      capacity: 1,
    });

    // Ada resolves hers: the queued one goes to her at once.
    const adas = a1 === ada.id ? first : second;
    const resolved = await as(bed.server, ada, {
      method: 'POST',
      url: `${base()}/conversations/${adas.id}/status`,
      payload: { status: 'resolved' },
    });
    expect(resolved.statusCode).toBe(204);
    expect(await until('third handed to Ada', async () => (await conversation(third.id)).assigneeId)).toBe(
      ada.id,
    );
    const line = (
      await as(bed.server, ada, { method: 'GET', url: `${base()}/conversations/${third.id}/messages` })
    )
      .json()
      .messages.find((m: { kind: string }) => m.kind === 'activity');
    expect(line.content).toMatchObject({
      action: 'assigned',
      via: 'auto',
      actorId: null,
      assigneeId: ada.id,
    });

    // Absent: Bo gets nothing new; Ada (full) neither, so the next one waits — until Bo is back.
    await as(bed.server, owner, {
      method: 'PATCH',
      url: `${base()}/members/${bo.id}/routing`,
      payload: { absentUntil: new Date(Date.now() + 7 * 86400_000).toISOString(), capacity: 5 },
    });
    const fourth = await customer('Auto Dora');
    await until('fourth queued', async () => (await conversation(fourth.id)).queuedAt);
    expect((await conversation(fourth.id)).assigneeId).toBeNull();
    // Absence cover: Ada takes over absent Bo's open conversations in one action.
    const bos = a1 === bo.id ? first : second;
    const over = await as(bed.server, ada, {
      method: 'POST',
      url: `${base()}/members/${bo.id}/takeover`,
      payload: {},
    });
    expect(over.statusCode, over.body).toBe(200);
    expect(over.json()).toEqual({ moved: 1 });
    expect((await conversation(bos.id)).assigneeId).toBe(ada.id);
    await as(bed.server, owner, {
      method: 'PATCH',
      url: `${base()}/members/${bo.id}/routing`,
      payload: { absentUntil: null },
    });
    expect(await until('fourth handed to Bo', async () => (await conversation(fourth.id)).assigneeId)).toBe(
      bo.id,
    );

    // An agent may not take over a colleague who is here.
    const refused = await as(bed.server, bo, {
      method: 'POST',
      url: `${base()}/members/${ada.id}/takeover`,
      payload: {},
    });
    expect(refused.statusCode).toBe(409);

    await as(bed.server, owner, {
      method: 'PUT',
      url: `${base()}/channels/${bed.channel.id}/routing`,
      payload: { autoAssign: 'off', defaultTeamId: null, teamIds: [] },
    });
  });
});

describe('the queue', () => {
  it('lists queued conversations first in, first out, page by page', async () => {
    const owner = bed.owner;
    // A team without members works the number: nobody can get anything, everything waits.
    const team = (
      await as(bed.server, owner, { method: 'POST', url: `${base()}/teams`, payload: { name: 'Leer' } })
    ).json();
    await as(bed.server, owner, {
      method: 'PUT',
      url: `${base()}/channels/${bed.channel.id}/routing`,
      payload: { autoAssign: 'round_robin', defaultTeamId: null, teamIds: [team.id] },
    });
    const ids: string[] = [];
    for (const name of ['Fifo Eins', 'Fifo Zwei', 'Fifo Drei']) {
      const c = await customer(name);
      await until(`${name} queued`, async () => (await conversation(c.id)).queuedAt);
      ids.push(c.id);
    }
    // Newest activity on the first one: it keeps its place in the queue.
    await bed.inbound(String(waSeq - 2), 'Fifo Eins', { type: 'text', text: { body: 'Noch da?' } });
    await until(
      'bumped',
      async () => (await bed.conversationOf(owner, 'Fifo Eins'))?.lastMessagePreview === 'Noch da?',
    );
    const page = async (before?: string) =>
      (
        await as(bed.server, owner, {
          method: 'GET',
          url: `${base()}/conversations?queued=true&limit=2${before ? `&before=${encodeURIComponent(before)}` : ''}`,
        })
      ).json() as { conversations: { id: string }[]; nextCursor: string | null };
    const one = await page();
    expect(one.conversations.map((c) => c.id)).toEqual(ids.slice(0, 2));
    expect(one.nextCursor).toMatch(/^q:/);
    const two = await page(one.nextCursor!);
    expect(two.conversations.map((c) => c.id)).toEqual(ids.slice(2));
    expect(two.nextCursor).toBeNull();
    const bad = await as(bed.server, owner, {
      method: 'GET',
      url: `${base()}/conversations?queued=true&before=nonsense`,
    });
    expect(bad.statusCode).toBe(400);
    await as(bed.server, owner, {
      method: 'PUT',
      url: `${base()}/channels/${bed.channel.id}/routing`,
      payload: { autoAssign: 'off', defaultTeamId: null, teamIds: [] },
    });
  });
});

describe('automatic assignment under concurrency (property, real database)', () => {
  it('never exceeds a capacity and never leaves a conversation queued while an available agent has room', async () => {
    const ctx = bed.server.ctx;
    const ws = bed.workspaceId;
    const agentIds = agents.map((a) => a.id);
    const agentState = fc.record({
      capacity: fc.nat({ max: 6 }),
      availability: fc.constantFrom('available', 'available', 'away'),
      online: fc.boolean(),
      absent: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(agentState, { minLength: agentIds.length, maxLength: agentIds.length }),
        fc.constantFrom('round_robin', 'least_busy'),
        fc.integer({ min: 1, max: 20 }),
        async (states, mode, n) => {
          const now = Date.now();
          await ctx.db.delete(conversations).where(eq(conversations.channelId, bed.channel.id));
          await ctx.db
            .update(channels)
            .set({ autoAssign: mode as 'round_robin' })
            .where(eq(channels.id, bed.channel.id));
          for (const [i, s] of states.entries()) {
            await ctx.db
              .update(memberships)
              .set({
                capacity: s.capacity,
                availability: s.availability as 'available',
                presenceSeenAt: s.online ? new Date(now) : new Date(now - 2 * PRESENCE_TIMEOUT_MS),
                absentUntil: s.absent ? new Date(now + 86400_000) : null,
              })
              .where(and(eq(memberships.workspaceId, ws), eq(memberships.userId, agentIds[i]!)));
          }
          // Nobody else may get any (the owner is offline and has no room).
          await ctx.db
            .update(memberships)
            .set({ capacity: 0 })
            .where(and(eq(memberships.workspaceId, ws), eq(memberships.userId, bed.owner.id)));
          const contactRows = await ctx.db
            .insert(contacts)
            .values(Array.from({ length: n }, () => ({ workspaceId: ws, waIdHash: crypto.randomUUID() })))
            .returning({ id: contacts.id });
          // n conversations arrive at once, each asking for a run, while runs are going on.
          const convRows = await ctx.db
            .insert(conversations)
            .values(contactRows.map((c) => ({ workspaceId: ws, channelId: bed.channel.id, contactId: c.id })))
            .returning({ id: conversations.id });
          await Promise.all(
            convRows.flatMap((c) => [
              ctx.db.transaction((tx) => requestAutoAssign(tx, ws, c.id)),
              drainQueue(ctx, ws),
            ]),
          );
          await drainQueue(ctx, ws);

          const rows = await ctx.db
            .select()
            .from(conversations)
            .where(
              inArray(
                conversations.id,
                convRows.map((c) => c.id),
              ),
            );
          const load = new Map<string, number>();
          for (const r of rows) {
            // Each is assigned or waits in the queue; never both, never neither.
            expect(r.assigneeId === null).toBe(r.queuedAt !== null);
            if (r.assigneeId) load.set(r.assigneeId, (load.get(r.assigneeId) ?? 0) + 1);
          }
          for (const [i, s] of states.entries()) {
            const l = load.get(agentIds[i]!) ?? 0;
            expect(l).toBeLessThanOrEqual(s.capacity);
            const eligible = s.availability === 'available' && s.online && !s.absent;
            if (!eligible) expect(l).toBe(0);
            if (eligible && l < s.capacity) expect(rows.filter((r) => r.queuedAt !== null)).toHaveLength(0);
          }
          expect(load.get(bed.owner.id) ?? 0).toBe(0);
        },
      ),
      { numRuns: 12 },
    );
  });
});
