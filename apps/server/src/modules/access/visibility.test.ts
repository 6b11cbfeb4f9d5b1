import { eq } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelTeams, conversations, teamMembers, teams } from '../../db/schema.js';
import { as, buildMember, type Person } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';
import { canSee, conversationRooms, visibleConversationsWhere } from './index.js';

let bed: WhatsAppTestbed;
let inTeam: Person;
let outside: Person;
let admin: Person;
const sockets: Socket[] = [];

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
  inTeam = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Ina Inteam');
  outside = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Otto Outside');
  admin = await buildMember(bed.server, bed.workspaceId, bed.owner, 'admin', 'Ada Admin');
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await bed?.close();
});

function connect(person: Person): Promise<Socket> {
  const s = io(bed.serverUrl, {
    transports: ['websocket'],
    extraHeaders: { cookie: person.cookie },
    reconnection: false,
    forceNew: true,
  });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

const base = () => `/api/v1/workspaces/${bed.workspaceId}`;

describe('who sees what (pure rules)', () => {
  const row = { workspaceId: 'w', channelId: 'c1', assigneeId: null as string | null };
  it.each([
    [{ all: true as const, workspaceId: 'w', userId: 'u' }, row, true],
    [{ all: false as const, workspaceId: 'w', userId: 'u', channelIds: ['c1'] }, row, true],
    [{ all: false as const, workspaceId: 'w', userId: 'u', channelIds: ['c2'] }, row, false],
    [
      { all: false as const, workspaceId: 'w', userId: 'u', channelIds: [] },
      { ...row, assigneeId: 'u' },
      true,
    ],
    [{ all: true as const, workspaceId: 'other', userId: 'u' }, row, false],
  ])('canSee(%o, %o) is %s', (v, c, expected) => {
    expect(canSee(v, c)).toBe(expected);
  });

  it('routes conversation events to staff, the channel and every assignee given, once each', () => {
    expect(conversationRooms('w', 'c', 'a', 'a', null, 'b')).toEqual([
      'staff:w',
      'channel:c',
      'user:a',
      'user:b',
    ]);
    expect(visibleConversationsWhere({ all: true, workspaceId: 'w', userId: 'u' })).toBeDefined();
  });
});

describe('who sees what (over HTTP and Socket.IO)', () => {
  it('shows a channel given to no team to every agent', async () => {
    await bed.inbound('4915100000001', 'Early Emil', { type: 'text', text: { body: 'hallo' } });
    const conv = await until('Emil', () => bed.conversationOf(outside, 'Early Emil'));
    expect(conv.id).toBeDefined();
  });

  it('hides a channel given to other teams from an agent outside them: 404 for it, its messages and media; no events', async () => {
    // Give the channel to Ina's team only.
    const db = bed.server.ctx.db;
    const [team] = await db
      .insert(teams)
      .values({ workspaceId: bed.workspaceId, name: 'Support' })
      .returning();
    await db
      .insert(teamMembers)
      .values({ teamId: team!.id, userId: inTeam.id, workspaceId: bed.workspaceId });
    await db
      .insert(channelTeams)
      .values({ channelId: bed.channel.id, teamId: team!.id, workspaceId: bed.workspaceId });

    const inSocket = await connect(inTeam);
    const outSocket = await connect(outside);
    const adminSocket = await connect(admin);
    const seen = { in: 0, out: 0, admin: 0 };
    inSocket.on('message.created', () => seen.in++);
    outSocket.on('message.created', () => seen.out++);
    adminSocket.on('message.created', () => seen.admin++);

    await bed.inbound(
      '4915100000002',
      'Secret Sabine',
      {
        type: 'image',
        image: { mime_type: 'image/png', caption: 'foto' },
      },
      { file: { bytes: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), mimeType: 'image/png' } },
    );
    const conv = await until('Sabine for Ina', () => bed.conversationOf(inTeam, 'Secret Sabine'));
    await until('events at Ina and the admin', async () => seen.in > 0 && seen.admin > 0);
    const messages = await bed.messagesOf(inTeam, conv.id);
    const mediaId = await until('the stored image', async () => {
      const m = (await bed.messagesOf(inTeam, conv.id))[0];
      return m?.media?.status === 'stored' ? m.media.id : undefined;
    });
    expect(messages.length).toBeGreaterThan(0);

    // Ina and the admin see it; Otto does not, not even in counts, search or media.
    const list = await as(bed.server, outside, { method: 'GET', url: `${base()}/conversations` });
    expect(list.statusCode).toBe(200);
    expect(list.json().conversations.map((c: { id: string }) => c.id)).not.toContain(conv.id);
    const search = await as(bed.server, outside, { method: 'GET', url: `${base()}/conversations?q=Sabine` });
    expect(search.json().conversations).toHaveLength(0);
    for (const url of [
      `${base()}/conversations/${conv.id}`,
      `${base()}/conversations/${conv.id}/messages`,
      `${base()}/media/${mediaId}`,
    ]) {
      const res = await as(bed.server, outside, { method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('not_found');
      const ok = await as(bed.server, inTeam, { method: 'GET', url });
      expect(ok.statusCode, url).toBe(200);
    }
    for (const [method, url, payload] of [
      ['POST', `${base()}/conversations/${conv.id}/messages`, { text: 'hi' }],
      ['POST', `${base()}/conversations/${conv.id}/read`, undefined],
      ['POST', `${base()}/conversations/${conv.id}/status`, { status: 'resolved' }],
      ['POST', `${base()}/conversations/${conv.id}/assignment`, { assigneeId: null }],
      ['POST', `${base()}/conversations/${conv.id}/take`, undefined],
      ['POST', `${base()}/conversations/${conv.id}/notes`, { text: 'psst' }],
      ['POST', `${base()}/conversations/${conv.id}/priority`, { priority: 'high' }],
      ['PUT', `${base()}/conversations/${conv.id}/labels`, { labelIds: [] }],
    ] as const) {
      const res = await as(bed.server, outside, { method, url, ...(payload ? { payload } : {}) });
      expect(res.statusCode, url).toBe(404);
    }
    // A note by Ina and her "viewing" signal reach the admin, never Otto.
    const adminBefore = seen.admin;
    const note = await as(bed.server, inTeam, {
      method: 'POST',
      url: `${base()}/conversations/${conv.id}/notes`,
      payload: { text: 'intern' },
    });
    expect(note.statusCode).toBe(201);
    await until('the note at the admin', async () => seen.admin > adminBefore);
    const activity = { admin: 0, out: 0 };
    adminSocket.on('conversation.activity', (p: { userId: string; state: string }) => {
      if (p.userId === inTeam.id && p.state === 'viewing') activity.admin++;
    });
    outSocket.on('conversation.activity', () => activity.out++);
    inSocket.emit('conversation.activity', { conversationId: conv.id, state: 'viewing' });
    outSocket.emit('conversation.activity', { conversationId: conv.id, state: 'typing' });
    await until('viewing at the admin', async () => activity.admin > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(activity.out).toBe(0);
    expect(seen.out).toBe(0);

    // Assigned to Otto, he sees it (and its events) although his teams are not given the channel.
    await db.update(conversations).set({ assigneeId: outside.id }).where(eqId(conv.id));
    const mine = await as(bed.server, outside, { method: 'GET', url: `${base()}/conversations/${conv.id}` });
    expect(mine.statusCode).toBe(200);
    await bed.inbound('4915100000002', 'Secret Sabine', { type: 'text', text: { body: 'noch da?' } });
    await until('the event at Otto', async () => seen.out > 0);
  });

  it("lets a live socket follow a team change at once: added to the team, the channel's events arrive without reconnecting", async () => {
    const newcomer = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Nina Neu');
    const db = bed.server.ctx.db;
    const [team] = await db.insert(teams).values({ workspaceId: bed.workspaceId, name: 'Sales' }).returning();
    await db
      .insert(channelTeams)
      .values({ channelId: bed.channel.id, teamId: team!.id, workspaceId: bed.workspaceId });
    const socket = await connect(newcomer);
    let got = 0;
    socket.on('message.created', () => got++);
    await bed.inbound('4915100000004', 'Frueh Frieda', { type: 'text', text: { body: 'eins' } });
    await until('Frieda for the admin', () => bed.conversationOf(bed.owner, 'Frueh Frieda'));
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toBe(0);
    const changed = new Promise((resolve) => socket.once('access.changed', resolve));
    const res = await as(bed.server, bed.owner, {
      method: 'PUT',
      url: `${base()}/teams/${team!.id}/members`,
      payload: { userIds: [newcomer.id] },
    });
    expect(res.statusCode).toBe(200);
    await changed;
    await bed.inbound('4915100000003', 'Neue Nora', { type: 'text', text: { body: 'hallo' } });
    await until('the event at Nina', async () => got > 0);
  });
});

const eqId = (id: string) => eq(conversations.id, id);
