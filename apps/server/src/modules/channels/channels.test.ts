import { signPayload } from '@parley/whatsapp';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.js';
import { channels } from '../../db/schema.js';
import { as, buildMember, type Person } from '../../test/harness.js';
import { type SandboxInstall, startSandboxInstall } from '../../test/sandbox-install.js';
import {
  startWhatsAppTestbed,
  until,
  type WhatsAppTenant,
  type WhatsAppTestbed,
} from '../../test/whatsapp-testbed.js';
import { CHANNEL_CACHE_TTL_MS, ChannelCache } from './channel-cache.js';
import { channelAppSecret, channelCredentials } from './service.js';

/**
 * Renaming a connected number and renewing its access token and app secret
 * (`PATCH /api/v1/workspaces/:workspaceId/channels/:channelId`), against the real server and a
 * simulator over HTTP. Each test that changes credentials uses a workspace (and simulator) of its own.
 */
let bed: WhatsAppTestbed;

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
});
afterAll(async () => bed?.close());

const channelPath = (t: WhatsAppTenant, channelId = t.channel.id) =>
  `/api/v1/workspaces/${t.workspaceId}/channels/${channelId}`;

function patchChannel(
  t: WhatsAppTenant,
  person: Person,
  payload: Record<string, unknown>,
  channelId?: string,
) {
  return as(bed.server, person, { method: 'PATCH', url: channelPath(t, channelId), payload });
}

async function channelRow(channelId: string) {
  const [row] = await bed.server.ctx.db.select().from(channels).where(eq(channels.id, channelId));
  return row!;
}

/** Every row of the tables a channel's secrets could end up in, as text. */
async function storedText(t: WhatsAppTenant): Promise<string> {
  const rows = rowsOf<{ row: string }>(
    await bed.server.ctx.db.execute(sql`
      select c::text as row from channels c where c.workspace_id = ${t.workspaceId}
      union all select a::text from audit_events a where a.workspace_id = ${t.workspaceId}
      union all select j::text from jobs j where j.workspace_id = ${t.workspaceId}`),
  );
  return rows.map((r) => r.row).join('\n');
}

/** A customer writes, so that the conversation's 24-hour window is open. */
async function customerConversation(t: WhatsAppTenant, waId: string, name: string) {
  await t.inbound(waId, name, { type: 'text', text: { body: 'Hallo, ist jemand da?' } });
  return until(`the conversation of ${name}`, () => t.conversationOf(t.owner, name));
}

/** Sends a text as the owner and waits until the simulator received it. */
async function sendAndSeeAtSimulator(t: WhatsAppTenant, conversationId: string, waId: string, text: string) {
  const res = await as(bed.server, t.owner, {
    method: 'POST',
    url: `/api/v1/workspaces/${t.workspaceId}/conversations/${conversationId}/messages`,
    payload: { text },
  });
  expect(res.statusCode, res.body).toBe(202);
  return until(`"${text}" at the simulator`, async () =>
    (await t.sentTo(waId)).find((s) => (s.body.text as { body?: string } | undefined)?.body === text),
  );
}

/** A minimal, well-formed delivery with no changes. */
const emptyDelivery = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });

describe('renaming a number', () => {
  it('renames it, shows the new name in the list and records which field changed', async () => {
    const res = await patchChannel(bed, bed.owner, { name: '  Kundenservice  ' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: bed.channel.id, name: 'Kundenservice', isSandbox: false });
    expect(res.json()).not.toHaveProperty('accessToken');
    expect(res.json()).not.toHaveProperty('appSecret');
    expect(res.json()).not.toHaveProperty('verifyToken');

    const list = await as(bed.server, bed.owner, {
      method: 'GET',
      url: `/api/v1/workspaces/${bed.workspaceId}/channels`,
    });
    expect(list.json().channels.map((c: { name: string }) => c.name)).toEqual(['Kundenservice']);

    const audit = await as(bed.server, bed.owner, {
      method: 'GET',
      url: `/api/v1/workspaces/${bed.workspaceId}/audit-events`,
    });
    const entry = audit.json().events.find((e: { type: string }) => e.type === 'channel.updated');
    expect(entry).toMatchObject({
      subjectType: 'channel',
      subjectId: bed.channel.id,
      actorId: bed.owner.id,
      data: { changed: ['name'] },
    });
    expect(audit.json().chainValid).toBe(true);
  });

  it('lets an admin rename it, refuses agents (403) and changes nothing then', async () => {
    const admin = await buildMember(bed.server, bed.workspaceId, bed.owner, 'admin', 'Ada Admin');
    const agent = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Axel Agent');
    const byAdmin = await patchChannel(bed, admin, { name: 'Vertrieb' });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    const before = await channelRow(bed.channel.id);
    for (const payload of [
      { name: 'Von Axel' },
      { accessToken: 'agent-token-1234567' },
      { appSecret: 'agent-secret-123' },
    ]) {
      const res = await patchChannel(bed, agent, payload);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    expect(await channelRow(bed.channel.id)).toEqual(before);
  });

  it('answers 404 for a channel of another workspace, through either workspace path', async () => {
    const other = await bed.addWorkspace({ name: 'Andere GmbH' });
    const before = await channelRow(other.channel.id);
    // Our workspace in the path, their channel id.
    const mixed = await patchChannel(bed, bed.owner, { name: 'Übernommen' }, other.channel.id);
    expect(mixed.statusCode).toBe(404);
    expect(mixed.json().error.code).toBe('not_found');
    // Their workspace and channel: we are not a member.
    const foreign = await patchChannel(other, bed.owner, { name: 'Übernommen' });
    expect(foreign.statusCode).toBe(404);
    expect(await channelRow(other.channel.id)).toEqual(before);
  });

  it('answers 400 with every issue, and with one for an empty body', async () => {
    const empty = await patchChannel(bed, bed.owner, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('validation_failed');
    const bad = await patchChannel(bed, bed.owner, { name: ' ', accessToken: 'short', appSecret: 'x' });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.accessToken', 'body.appSecret']));
  });
});

describe('renewing the access token', () => {
  it('refuses a token WhatsApp does not accept (422 at the field), stores nothing, and the old token still sends', async () => {
    const t = await bed.addWorkspace();
    const conv = await customerConversation(t, '4915100000301', 'Wanda Wartet');
    const before = await channelRow(t.channel.id);

    const res = await patchChannel(t, t.owner, { accessToken: 'not-the-token-at-all-123' });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'whatsapp_credentials_rejected',
      details: { graphCode: 190, issues: [{ path: 'body.accessToken' }] },
    });
    // Also not when a rename comes with it: all or nothing.
    const withName = await patchChannel(t, t.owner, { name: 'Neu', accessToken: 'not-the-token-at-all-123' });
    expect(withName.statusCode).toBe(422);
    expect(await channelRow(t.channel.id)).toEqual(before);

    await sendAndSeeAtSimulator(t, conv.id, '4915100000301', 'Wir sind gleich für Sie da.');
  });

  it('stores a new token once WhatsApp accepts it (encrypted, never in logs) and sends with it', async () => {
    const t = await bed.addWorkspace();
    const conv = await customerConversation(t, '4915100000302', 'Rolf Rotation');
    const newToken = 'EAAG-rotated-token-only-in-memory-7c1d';
    expect((await channelRow(t.channel.id)).qualityRating).toBe('GREEN');
    // Meta rotated the token: from now on only the new one works; and the number's rating changed.
    await t.simConfig({ accessToken: newToken, qualityRating: 'YELLOW' });

    const res = await patchChannel(t, t.owner, { accessToken: ` ${newToken} ` });
    expect(res.statusCode, res.body).toBe(200);
    // Refreshed from the Graph API's answer.
    expect(res.json()).toMatchObject({
      qualityRating: 'YELLOW',
      displayPhoneNumber: expect.stringContaining('301234567'),
    });

    const row = await channelRow(t.channel.id);
    expect((await channelCredentials(bed.server.ctx, bed.server.ctx.db, row)).accessToken).toBe(newToken);
    expect(await storedText(t)).not.toContain(newToken);
    expect(await storedText(t)).not.toContain('rotated-token-only');
    expect(bed.server.logs.join('\n')).not.toContain(newToken);

    await sendAndSeeAtSimulator(t, conv.id, '4915100000302', 'Gesendet mit dem neuen Token.');
    const audit = await as(bed.server, t.owner, {
      method: 'GET',
      url: `/api/v1/workspaces/${t.workspaceId}/audit-events`,
    });
    const entry = audit.json().events.find((e: { type: string }) => e.type === 'channel.updated');
    expect(entry.data).toEqual({ changed: ['accessToken'] });
  });
});

describe('renewing the app secret', () => {
  it('takes effect at once: a webhook signed with the old secret is refused (401), one with the new accepted', async () => {
    const t = await bed.addWorkspace();
    const newSecret = 'app-secret-after-reset-5e4f3a';
    // The channel row is in the webhook cache now.
    expect((await t.postWebhook(emptyDelivery)).status).toBe(200);

    const res = await patchChannel(t, t.owner, { appSecret: newSecret });
    expect(res.statusCode, res.body).toBe(200);

    expect((await t.postWebhook(emptyDelivery, signPayload(t.appSecret, emptyDelivery))).status).toBe(401);
    expect((await t.postWebhook(emptyDelivery, signPayload(newSecret, emptyDelivery))).status).toBe(200);

    // Meta signs with the new secret too: a customer's message arrives.
    await t.simConfig({ appSecret: newSecret });
    const sent = await t.inbound(
      '4915100000303',
      'Sina Signatur',
      { type: 'text', text: { body: 'Hallo' } },
      {
        wait: true,
      },
    );
    expect(sent.delivered).toBe(true);
    await until('the conversation', () => t.conversationOf(t.owner, 'Sina Signatur'));

    const row = await channelRow(t.channel.id);
    expect(await channelAppSecret(bed.server.ctx, bed.server.ctx.db, row)).toBe(newSecret);
    expect(await storedText(t)).not.toContain(newSecret);
    expect(bed.server.logs.join('\n')).not.toContain(newSecret);
    // The token was not touched.
    expect((await channelCredentials(bed.server.ctx, bed.server.ctx.db, row)).accessToken).toBe(
      t.accessToken,
    );
  });
});

describe('the webhook channel cache', () => {
  it('reuses a row for 30 s, forgets it on invalidate, and does not keep a read that raced a change', async () => {
    const t = await bed.addWorkspace();
    let now = 1_000_000;
    const cache = new ChannelCache(bed.server.ctx.db, () => now);
    const rename = (name: string) =>
      bed.server.ctx.db.update(channels).set({ name }).where(eq(channels.id, t.channel.id));

    expect((await cache.find(t.channel.id))?.name).toBe('Hauptnummer');
    await rename('Zweitname');
    expect((await cache.find(t.channel.id))?.name).toBe('Hauptnummer');
    now += CHANNEL_CACHE_TTL_MS + 1;
    expect((await cache.find(t.channel.id))?.name).toBe('Zweitname');
    await rename('Drittname');
    cache.invalidate(t.channel.id);
    expect((await cache.find(t.channel.id))?.name).toBe('Drittname');

    // A read in flight while the channel changes answers, but is not kept.
    cache.invalidate(t.channel.id);
    const inFlight = cache.find(t.channel.id);
    cache.invalidate(t.channel.id);
    await inFlight;
    await rename('Viertname');
    expect((await cache.find(t.channel.id))?.name).toBe('Viertname');
    expect(await cache.find('00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});

describe('the sandbox number', () => {
  let sandbox: SandboxInstall;
  beforeAll(async () => {
    sandbox = await startSandboxInstall({ workspaceName: 'Sandkasten GmbH', email: 'sina@sandbox.test' });
  });
  afterAll(async () => sandbox?.close());

  const request = (method: string, path: string, body?: unknown) =>
    fetch(`${sandbox.url}${path}`, {
      method,
      headers: { cookie: sandbox.cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('can be renamed, but its credentials cannot be changed (409)', async () => {
    const list = (await (
      await request('GET', `/api/v1/workspaces/${sandbox.workspaceId}/channels`)
    ).json()) as {
      channels: { id: string; name: string; isSandbox: boolean }[];
    };
    const ch = list.channels.find((c) => c.isSandbox)!;
    const path = `/api/v1/workspaces/${sandbox.workspaceId}/channels/${ch.id}`;
    for (const body of [
      { accessToken: 'my-own-sandbox-token-1' },
      { appSecret: 'my-own-sandbox-secret' },
      { name: 'Test', accessToken: 'my-own-sandbox-token-1' },
    ]) {
      const res = await request('PATCH', path, body);
      expect(res.status).toBe(409);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('conflict');
      expect(error.message).toMatch(/sandbox/i);
    }
    const renamed = await request('PATCH', path, { name: 'Testnummer' });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as { name: string }).name).toBe('Testnummer');

    // Its simulator's control API cannot change them either; the sandbox still works.
    const simConfig = await request('POST', '/_sandbox/_sim/config', { accessToken: 'taken-over-123' });
    expect(simConfig.status).toBe(403);
    const sent = await sandbox.inbound({
      from: '4915700000077',
      name: 'Sandra Sandbox',
      message: { type: 'text', text: { body: 'Geht noch?' } },
    });
    expect(sent.status).toBe(200);
    await until('the conversation', () => sandbox.conversationOf('Sandra Sandbox'));
  });
});
