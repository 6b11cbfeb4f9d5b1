import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelTeams, media, quickReplies, teamMembers, teams } from '../../db/schema.js';
import { as, buildMember, buildWorkspace, type Person } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';
import { deleteUnattachedUploads } from '../media/index.js';

/** Quick replies over real HTTP, on the real database, sending through the simulator. */
let bed: WhatsAppTestbed;
let admin: Person;
let agent: Person;
let colleague: Person;

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
  admin = await buildMember(bed.server, bed.workspaceId, bed.owner, 'admin', 'Ada Admin');
  agent = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Ina Inteam');
  colleague = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Carl Colleague');
});
afterAll(async () => bed?.close());

const base = (ws = bed.workspaceId) => `/api/v1/workspaces/${ws}/quick-replies`;
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

type QuickReply = {
  id: string;
  shortcut: string;
  title: string;
  text: string;
  scope: string;
  media: { id: string; kind: string; filename: string | null; mimeType: string; size: number | null } | null;
};

async function create(person: Person, body: Record<string, unknown>) {
  return as(bed.server, person, { method: 'POST', url: base(), payload: body });
}
async function createOk(person: Person, body: Record<string, unknown>): Promise<QuickReply> {
  const res = await create(person, { title: 'Titel', text: 'Text', scope: 'personal', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
async function list(person: Person): Promise<QuickReply[]> {
  const res = await as(bed.server, person, { method: 'GET', url: base() });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().quickReplies;
}
const use = (person: Person, id: string, conversationId: string) =>
  as(bed.server, person, { method: 'POST', url: `${base()}/${id}/use`, payload: { conversationId } });

async function customer(waId: string, name: string) {
  const { delivered } = await bed.inbound(
    waId,
    name,
    { type: 'text', text: { body: 'Hallo!' } },
    { wait: true },
  );
  expect(delivered).toBe(true);
  return until(`the conversation of ${name}`, () => bed.conversationOf(bed.owner, name));
}

const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(20_000, 9)]);

async function upload(person: Person, bytes = png): Promise<string> {
  const res = await bed.upload(person, bytes, 'image/png', 'preisliste.png');
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function download(person: Person, mediaId: string): Promise<Buffer> {
  const res = await as(bed.server, person, {
    method: 'GET',
    url: `/api/v1/workspaces/${bed.workspaceId}/media/${mediaId}`,
  });
  expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
  return res.rawPayload;
}

describe('quick replies: create, list, change, delete', () => {
  it('creates shared and personal ones, lists them per person, changes and deletes them', async () => {
    const shared = await createOk(admin, {
      shortcut: unique('Begruessung'),
      title: 'Begrüßung',
      text: 'Hallo {{contact.first_name}}!',
      scope: 'shared',
    });
    expect(shared).toMatchObject({
      title: 'Begrüßung',
      text: 'Hallo {{contact.first_name}}!',
      scope: 'shared',
    });
    const mine = await createOk(agent, { shortcut: unique('danke'), title: 'Danke', text: 'Vielen Dank!' });
    expect(mine.scope).toBe('personal');

    const agentSees = (await list(agent)).map((q) => q.id);
    expect(agentSees).toContain(shared.id);
    expect(agentSees).toContain(mine.id);
    expect((await list(colleague)).map((q) => q.id)).toContain(shared.id);

    const changed = await as(bed.server, agent, {
      method: 'PATCH',
      url: `${base()}/${mine.id}`,
      payload: { title: 'Dankeschön', text: 'Danke, {{agent.first_name}}' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ title: 'Dankeschön', text: 'Danke, {{agent.first_name}}' });
    expect(changed.json().shortcut).toBe(mine.shortcut);

    expect((await as(bed.server, agent, { method: 'DELETE', url: `${base()}/${mine.id}` })).statusCode).toBe(
      204,
    );
    expect((await list(agent)).map((q) => q.id)).not.toContain(mine.id);
    expect((await as(bed.server, agent, { method: 'DELETE', url: `${base()}/${mine.id}` })).statusCode).toBe(
      404,
    );
  });

  it('stores title and text encrypted', async () => {
    const q = await createOk(agent, {
      shortcut: unique('geheim'),
      title: 'Geheimer Titel',
      text: 'Geheimer Text 4711',
    });
    const [row] = await bed.server.ctx.db.select().from(quickReplies).where(eq(quickReplies.id, q.id));
    expect(row!.text).not.toContain('4711');
    expect(row!.title).not.toContain('Geheimer');
    expect((await list(agent)).find((x) => x.id === q.id)?.text).toBe('Geheimer Text 4711');
  });

  it('answers 400 with every issue for a bad shortcut, an empty title and a too long text', async () => {
    const res = await create(agent, {
      shortcut: 'mit leerzeichen',
      title: '',
      text: 'x'.repeat(4097),
      scope: 'x',
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.shortcut', 'body.title', 'body.text', 'body.scope']));
  });
});

describe('quick replies: shortcuts', () => {
  it('refuses a shortcut taken in the same scope ignoring case (409), in create and rename', async () => {
    const shortcut = unique('Oeffnungszeiten');
    await createOk(admin, { shortcut, scope: 'shared' });
    const dup = await create(bed.owner, {
      shortcut: shortcut.toLowerCase(),
      title: 'x',
      text: 'y',
      scope: 'shared',
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('quick_reply_shortcut_taken');
    expect(dup.json().error.details.issues[0].path).toBe('body.shortcut');

    // Other scopes may use it: a personal one of each person.
    const personal = await createOk(agent, { shortcut });
    await createOk(colleague, { shortcut: shortcut.toUpperCase() });
    const second = await createOk(agent, { shortcut: unique('zweite') });
    const rename = await as(bed.server, agent, {
      method: 'PATCH',
      url: `${base()}/${second.id}`,
      payload: { shortcut: shortcut.toUpperCase() },
    });
    expect(rename.statusCode).toBe(409);
    expect(rename.json().error.code).toBe('quick_reply_shortcut_taken');
    // Saving one's own shortcut again is not a conflict with itself.
    const same = await as(bed.server, agent, {
      method: 'PATCH',
      url: `${base()}/${personal.id}`,
      payload: { shortcut, title: 'Neu' },
    });
    expect(same.statusCode, same.body).toBe(200);
    // Moving the personal one to shared collides with the shared one.
    const adminsPersonal = await createOk(admin, { shortcut });
    const move = await as(bed.server, admin, {
      method: 'PATCH',
      url: `${base()}/${adminsPersonal.id}`,
      payload: { scope: 'shared' },
    });
    expect(move.statusCode).toBe(409);
    expect(move.json().error.code).toBe('quick_reply_shortcut_taken');
  });
});

describe('quick replies: who may do what', () => {
  it('lets agents write only personal ones; shared ones are for owners and admins', async () => {
    const denied = await create(agent, { shortcut: unique('team'), title: 'x', text: 'y', scope: 'shared' });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('forbidden');

    const shared = await createOk(bed.owner, { shortcut: unique('shared'), scope: 'shared' });
    const patch = await as(bed.server, agent, {
      method: 'PATCH',
      url: `${base()}/${shared.id}`,
      payload: { text: 'gekapert' },
    });
    expect(patch.statusCode).toBe(403);
    expect(
      (await as(bed.server, agent, { method: 'DELETE', url: `${base()}/${shared.id}` })).statusCode,
    ).toBe(403);
    const mine = await createOk(agent, { shortcut: unique('eigen') });
    const promote = await as(bed.server, agent, {
      method: 'PATCH',
      url: `${base()}/${mine.id}`,
      payload: { scope: 'shared' },
    });
    expect(promote.statusCode).toBe(403);
    expect((await list(agent)).find((q) => q.id === shared.id)?.text).toBe('Text');

    // An admin may share their personal one.
    const adminsOwn = await createOk(admin, { shortcut: unique('teilen') });
    const shareIt = await as(bed.server, admin, {
      method: 'PATCH',
      url: `${base()}/${adminsOwn.id}`,
      payload: { scope: 'shared' },
    });
    expect(shareIt.statusCode, shareIt.body).toBe(200);
    expect(shareIt.json().scope).toBe('shared');
    expect((await list(colleague)).map((q) => q.id)).toContain(adminsOwn.id);
  });

  it("answers 404 for someone else's personal one, even to an admin", async () => {
    const conv = await customer('4915100000701', 'Petra Privat');
    const mine = await createOk(agent, { shortcut: unique('privat'), text: 'nur meins' });
    for (const person of [colleague, admin, bed.owner]) {
      expect((await list(person)).map((q) => q.id)).not.toContain(mine.id);
      const patch = await as(bed.server, person, {
        method: 'PATCH',
        url: `${base()}/${mine.id}`,
        payload: { text: 'x' },
      });
      expect(patch.statusCode).toBe(404);
      expect(
        (await as(bed.server, person, { method: 'DELETE', url: `${base()}/${mine.id}` })).statusCode,
      ).toBe(404);
      expect((await use(person, mine.id, conv.id)).statusCode).toBe(404);
    }
    expect((await use(agent, mine.id, conv.id)).statusCode).toBe(200);
  });

  it("answers 404 for another workspace's quick reply and workspace", async () => {
    const other = await buildWorkspace(bed.server);
    const shared = await createOk(bed.owner, { shortcut: unique('fremd'), scope: 'shared' });
    const cross = await as(bed.server, other.owner, {
      method: 'PATCH',
      url: `${base(other.workspace.id)}/${shared.id}`,
      payload: { text: 'Hijack' },
    });
    expect(cross.statusCode).toBe(404);
    const crossDelete = await as(bed.server, other.owner, {
      method: 'DELETE',
      url: `${base(other.workspace.id)}/${shared.id}`,
    });
    expect(crossDelete.statusCode).toBe(404);
    expect(
      (await as(bed.server, other.owner, { method: 'GET', url: base(other.workspace.id) })).json(),
    ).toEqual({
      quickReplies: [],
    });
    const direct = await as(bed.server, other.owner, { method: 'GET', url: base() });
    expect(direct.statusCode).toBe(404);
  });

  it("refuses to attach someone else's upload or a file that was sent already", async () => {
    const theirs = await upload(colleague);
    const res = await create(agent, {
      shortcut: unique('fremddatei'),
      title: 'x',
      text: 'y',
      scope: 'personal',
      mediaId: theirs,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.issues[0].path).toBe('body.mediaId');

    const conv = await customer('4915100000702', 'Sven Schon');
    const sentFile = await upload(agent);
    const sent = await as(bed.server, agent, {
      method: 'POST',
      url: `/api/v1/workspaces/${bed.workspaceId}/conversations/${conv.id}/messages`,
      payload: { media: { mediaId: sentFile } },
    });
    expect(sent.statusCode, sent.body).toBe(202);
    const again = await create(agent, {
      shortcut: unique('gesendet'),
      title: 'x',
      text: 'y',
      scope: 'personal',
      mediaId: sentFile,
    });
    expect(again.statusCode).toBe(400);
  });
});

describe('quick replies: use', () => {
  it("fills in the contact's, the agent's and the workspace's names", async () => {
    const conv = await customer('4915100000711', 'Maria Schmidt');
    const q = await createOk(bed.owner, {
      shortcut: unique('gruss'),
      scope: 'shared',
      text: 'Hallo {{contact.first_name}} ({{contact.name}}, {{contact.phone}}), hier ist {{agent.first_name}} / {{agent.name}} von {{workspace.name}}. {{order.id}} <b>',
    });
    const res = await use(agent, q.id, conv.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      text: 'Hallo Maria (Maria Schmidt, +4915100000711), hier ist Ina / Ina Inteam von Acme GmbH. {{order.id}} <b>',
      mediaId: null,
    });
    // The stored text is unchanged: rendering happens per use.
    expect((await list(agent)).find((x) => x.id === q.id)?.text).toContain('{{contact.first_name}}');
  });

  it('gives every use a fresh copy of the attachment, and two sends with two uses both go out', async () => {
    const conv = await customer('4915100000721', 'Bernd Bilder');
    const original = await upload(agent);
    const q = await createOk(agent, {
      shortcut: unique('preise'),
      text: 'Unsere Preise, {{contact.first_name}}',
      mediaId: original,
    });
    expect(q.media).toEqual({
      id: original,
      kind: 'image',
      filename: 'preisliste.png',
      mimeType: 'image/png',
      size: png.length,
    });
    const first = (await use(agent, q.id, conv.id)).json();
    const second = (await use(agent, q.id, conv.id)).json();
    expect(first.text).toBe('Unsere Preise, Bernd');
    expect(first.mediaId).toBeTruthy();
    expect(new Set([first.mediaId, second.mediaId, original]).size).toBe(3);
    expect(await download(agent, first.mediaId)).toEqual(png);
    expect(await download(agent, second.mediaId)).toEqual(png);
    const rows = await bed.server.ctx.db
      .select({ storageKey: media.storageKey, uploadedBy: media.uploadedBy, direction: media.direction })
      .from(media)
      .where(sql`${media.id} in (${first.mediaId}, ${second.mediaId}, ${original})`);
    expect(new Set(rows.map((r) => r.storageKey)).size).toBe(3);
    expect(rows.every((r) => r.uploadedBy === agent.id && r.direction === 'outbound')).toBe(true);

    const sends = [];
    for (const u of [first, second]) {
      const res = await as(bed.server, agent, {
        method: 'POST',
        url: `/api/v1/workspaces/${bed.workspaceId}/conversations/${conv.id}/messages`,
        payload: { media: { mediaId: u.mediaId, caption: u.text } },
      });
      expect(res.statusCode, res.body).toBe(202);
      sends.push(res.json().id as string);
    }
    for (const id of sends) {
      await until(`message ${id} sent`, async () => {
        const m = (await bed.messagesOf(agent, conv.id)).find((x) => x.id === id);
        return m && ['sent', 'delivered', 'read'].includes(m.status) ? m : null;
      });
    }
    const atSim = (await bed.sentTo('4915100000721')).filter((x) => x.type === 'image');
    expect(atSim).toHaveLength(2);
    // The quick reply keeps its own file.
    expect((await list(agent)).find((x) => x.id === q.id)?.media?.id).toBe(original);
    expect(await download(agent, original)).toEqual(png);
  });

  it("keeps a quick reply's file through the clean-up of unsent uploads", async () => {
    const kept = await upload(agent);
    const stray = await upload(agent);
    const q = await createOk(agent, { shortcut: unique('aufheben'), mediaId: kept });
    const twoDaysAgo = new Date(Date.now() - 2 * 86400_000);
    await bed.server.ctx.db
      .update(media)
      .set({ createdAt: twoDaysAgo })
      .where(sql`${media.id} in (${kept}, ${stray})`);
    await deleteUnattachedUploads(bed.server.ctx);
    const left = await bed.server.ctx.db
      .select({ id: media.id })
      .from(media)
      .where(sql`${media.id} in (${kept}, ${stray})`);
    expect(left.map((r) => r.id)).toEqual([kept]);
    expect(await download(agent, kept)).toEqual(png);
    expect((await list(agent)).find((x) => x.id === q.id)?.media?.id).toBe(kept);

    // Once the attachment is removed from the quick reply, the clean-up takes it.
    const removed = await as(bed.server, agent, {
      method: 'PATCH',
      url: `${base()}/${q.id}`,
      payload: { mediaId: null },
    });
    expect(removed.json().media).toBeNull();
    await deleteUnattachedUploads(bed.server.ctx);
    expect(await bed.server.ctx.db.select().from(media).where(eq(media.id, kept))).toEqual([]);
  });

  it("answers 404 to an agent outside the teams of the conversation's channel", async () => {
    const tenant = await bed.addWorkspace({ name: 'Geheim GmbH' });
    const inTeam = await buildMember(bed.server, tenant.workspaceId, tenant.owner, 'agent', 'Tina Team');
    const outside = await buildMember(bed.server, tenant.workspaceId, tenant.owner, 'agent', 'Otto Outside');
    const db = bed.server.ctx.db;
    const [team] = await db
      .insert(teams)
      .values({ workspaceId: tenant.workspaceId, name: 'Support' })
      .returning();
    await db
      .insert(teamMembers)
      .values({ teamId: team!.id, userId: inTeam.id, workspaceId: tenant.workspaceId });
    await db
      .insert(channelTeams)
      .values({ channelId: tenant.channel.id, teamId: team!.id, workspaceId: tenant.workspaceId });
    await tenant.inbound('4915100000731', 'Geheime Gerda', { type: 'text', text: { body: 'Hallo' } });
    const conv = await until('Gerda', () => tenant.conversationOf(inTeam, 'Geheime Gerda'));
    const created = await as(bed.server, tenant.owner, {
      method: 'POST',
      url: base(tenant.workspaceId),
      payload: { shortcut: 'hallo', title: 'Hallo', text: 'Hallo {{contact.name}}', scope: 'shared' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const url = `${base(tenant.workspaceId)}/${created.json().id}/use`;
    const denied = await as(bed.server, outside, {
      method: 'POST',
      url,
      payload: { conversationId: conv.id },
    });
    expect(denied.statusCode).toBe(404);
    expect(denied.json().error.code).toBe('not_found');
    const allowed = await as(bed.server, inTeam, {
      method: 'POST',
      url,
      payload: { conversationId: conv.id },
    });
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(allowed.json().text).toBe('Hallo Geheime Gerda');
    // A conversation of another workspace is 404 too.
    const foreign = await customer('4915100000732', 'Fremde Frieda');
    const cross = await as(bed.server, tenant.owner, {
      method: 'POST',
      url,
      payload: { conversationId: foreign.id },
    });
    expect(cross.statusCode).toBe(404);
  });
});
