import { type RunningSimulator, startSimulator } from '@parley/wa-sim';
import { and, eq, lt, or, type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.js';
import { conversations, instanceSettings } from '../../db/schema.js';
import { as, buildWorkspace, type Person, startTestServer, type TestServer } from '../../test/harness.js';
import { enqueueSearchBackfill } from './backfill-tokens.job.js';
import { type SearchBounds, searchConversations } from './search-conversations.js';
import { splitWords } from './tokenizer.js';

/** Search over the real routes: the real server, two workspaces, each with a simulator over HTTP. */
let server: TestServer;
let serverUrl: string;
const sims: RunningSimulator[] = [];
type Tenant = { workspaceId: string; owner: Person; sim: RunningSimulator };
let a: Tenant;
let b: Tenant;

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A workspace with a WhatsApp number connected to its own simulator. */
async function tenant(phoneNumberId: string): Promise<Tenant> {
  const secret = `app-secret-${phoneNumberId}`;
  const sim = await startSimulator({
    appSecret: secret,
    accessToken: 'sim-access-token-123',
    phoneNumberId,
    wabaId: '102290129340398',
    displayPhoneNumber: '+49 30 1234567',
    statusDelays: { sentMs: 0, deliveredMs: 20, readMs: null },
    webhook: { retryInitialDelayMs: 20, retryMaxDelayMs: 200 },
  });
  sims.push(sim);
  const { workspace, owner } = await buildWorkspace(server);
  const res = await as(server, owner, {
    method: 'POST',
    url: `/api/v1/workspaces/${workspace.id}/channels`,
    payload: {
      type: 'whatsapp',
      name: 'Hauptnummer',
      phoneNumberId,
      wabaId: '102290129340398',
      accessToken: 'sim-access-token-123',
      appSecret: secret,
      graphBaseUrl: sim.url,
      graphApiVersion: 'v24.0',
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const channel = res.json();
  const cfg = await fetch(`${sim.url}/_sim/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      webhookUrl: `${serverUrl}/webhooks/whatsapp/${channel.id}`,
      verifyToken: channel.verifyToken,
    }),
  });
  expect(cfg.status).toBe(200);
  return { workspaceId: workspace.id, owner, sim };
}

async function inbound(t: Tenant, from: string, name: string, message: Record<string, unknown>) {
  const r = await fetch(`${t.sim.url}/_sim/inbound?wait=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, name, message }),
  });
  expect(r.status, await r.clone().text()).toBe(200);
}

type Listed = { id: string; contact: { name: string | null } };

async function list(t: Tenant, query: string) {
  return as(server, t.owner, {
    method: 'GET',
    url: `/api/v1/workspaces/${t.workspaceId}/conversations?${query}`,
  });
}

/** The contact names of the conversations a search finds, in the order returned. */
async function search(t: Tenant, q: string, extra = ''): Promise<(string | null)[]> {
  const res = await list(t, `q=${encodeURIComponent(q)}${extra}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().conversations as Listed[]).map((c) => c.contact.name);
}

async function conversationOf(t: Tenant, name: string) {
  return until(name, async () => {
    const all = (await list(t, 'limit=100')).json().conversations as Listed[];
    return all.find((c) => c.contact.name === name);
  });
}

const texts = {
  erika: 'Hallo, habt ihr heute offen? Ich brauche Größe 42.',
  jonas: 'Wo bleibt meine Bestellung 4711? Ich brauche sie bis Montag.',
  reply: 'Ja, bis 18 Uhr geöffnet 🥐',
  zoe: 'Rückruf erwünscht',
  other: 'Geheimwort Quokka',
};

beforeAll(async () => {
  server = await startTestServer();
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  serverUrl = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  a = await tenant('106540352242922');
  b = await tenant('106540352242933');
  await inbound(a, '4915112345678', 'Erika Müller', { type: 'text', text: { body: texts.erika } });
  await inbound(a, '4917098765432', 'Jonas Schmidt', { type: 'text', text: { body: texts.jonas } });
  await inbound(a, '436601234567', 'Zoë Weber', {
    type: 'interactive',
    interactive: { type: 'button_reply', button_reply: { id: 'callback', title: texts.zoe } },
  });
  await inbound(b, '4915199999999', 'Kai Fremd', { type: 'text', text: { body: texts.other } });
  await conversationOf(a, 'Zoë Weber');
  await conversationOf(b, 'Kai Fremd');
  const erika = await conversationOf(a, 'Erika Müller');
  const sent = await as(server, a.owner, {
    method: 'POST',
    url: `/api/v1/workspaces/${a.workspaceId}/conversations/${erika.id}/messages`,
    payload: { text: texts.reply },
  });
  expect(sent.statusCode, sent.body).toBe(202);
});

afterAll(async () => {
  for (const sim of sims) await sim.close();
  await server?.close();
});

describe('search by contact', () => {
  it.each([
    ['a name prefix of 4 letters', 'Erik', ['Erika Müller']],
    ['a longer name prefix, with the umlaut typed or not', 'Müll', ['Erika Müller']],
    ['a longer name prefix', 'mulle', ['Erika Müller']],
    ['first and last name', 'erika müller', ['Erika Müller']],
    ['a diacritic-free spelling', 'zoe', ['Zoë Weber']],
    ['the full international number', '+49 151 12345678', ['Erika Müller']],
    ['the WhatsApp id as digits', '4915112345678', ['Erika Müller']],
    ['the national number with 0', '0151 12345678', ['Erika Müller']],
    ['the number with 00', '0049 151 12345678', ['Erika Müller']],
    ['the last digits', '2345678', ['Erika Müller']],
    ['the first digits', '43660', ['Zoë Weber']],
  ])('finds %s', async (_label, q, expected) => {
    expect(await search(a, q)).toEqual(expected);
  });
});

describe('search by message', () => {
  it.each([
    ['a word in an inbound message', 'heute', ['Erika Müller']],
    ['a word in the agent’s reply', 'geöffnet', ['Erika Müller']],
    ['a button title', 'Rückruf', ['Zoë Weber']],
    ['a number in a message', '4711', ['Jonas Schmidt']],
    ['the last word as a prefix (as you type)', 'meine Bestell', ['Jonas Schmidt']],
    ['two words (AND)', 'bestellung montag', ['Jonas Schmidt']],
    ['ß written as ss', 'grosse', ['Erika Müller']],
  ])('finds %s', async (_label, q, expected) => {
    expect(await search(a, q)).toEqual(expected);
  });

  it.each([
    ['words from two different conversations (AND)', 'heute bestellung'],
    ['a word nobody wrote', 'Kündigung'],
    ['a prefix of fewer than 4 letters', 'heu'],
    ['a prefix that is not the last word', 'Bestell meine'],
    ['the middle of a word', 'stellung'],
    ['a word that is only in another workspace', 'Quokka'],
    ['another workspace’s contact', 'Kai Fremd'],
  ])('finds nothing for %s', async (_label, q) => {
    expect(await search(a, q)).toEqual([]);
  });

  it('finds the other workspace’s word in that workspace only', async () => {
    expect(await search(b, 'quokka')).toEqual(['Kai Fremd']);
    expect(await search(b, 'heute')).toEqual([]);
  });

  it('keeps the order (newest activity first), the filters and the pages', async () => {
    expect(await search(a, 'ich')).toEqual(['Erika Müller', 'Jonas Schmidt']);
    expect(await search(a, 'ich', '&status=pending')).toEqual([]);
    expect(await search(a, 'ich', '&status=open&assignee=unassigned')).toEqual([
      'Erika Müller',
      'Jonas Schmidt',
    ]);
    const first = (await list(a, 'q=ich&limit=1')).json();
    expect(first.conversations.map((c: Listed) => c.contact.name)).toEqual(['Erika Müller']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await list(a, `q=ich&limit=1&before=${encodeURIComponent(first.nextCursor)}`)).json();
    expect(second.conversations.map((c: Listed) => c.contact.name)).toEqual(['Jonas Schmidt']);
    expect(second.nextCursor).toBeNull();
  });
});

describe('search bounds', () => {
  /** Every match, following `resumeAfter` from page to page (pages of 100 are never full here). */
  async function allPages(q: string, bounds: SearchBounds) {
    const ids: string[] = [];
    let filter: SQL | undefined;
    for (let page = 0; page < 50; page++) {
      const found = await searchConversations(server.ctx, a.workspaceId, q, filter, 100, bounds);
      ids.push(...found.ids);
      const at = found.resumeAfter;
      if (!at) return ids;
      filter = or(
        lt(conversations.lastMessageAt, at.lastMessageAt),
        and(eq(conversations.lastMessageAt, at.lastMessageAt), lt(conversations.id, at.id)),
      );
    }
    throw new Error('the search did not end');
  }
  const walking: SearchBounds = {
    probeLimit: 1,
    maxDecryptions: 1000,
    walkRound: 1,
    walkRounds: 1,
    candidateRounds: 1,
  };

  it.each([
    'ich',
    'heute',
    'Erik',
    'Bestell',
    'meine Bestell',
    'brauch',
    '2345678',
    'Rückruf',
    'zoe',
    'Quokka',
  ])('walking the list one conversation at a time finds the same as the index for %j', async (q) => {
    const fromIndex = await searchConversations(server.ctx, a.workspaceId, q, undefined, 100);
    expect(fromIndex.resumeAfter).toBeNull();
    expect(await allPages(q, walking)).toEqual(fromIndex.ids);
  });

  it('stops at the decryption budget and says where to resume', async () => {
    const budget = { ...walking, probeLimit: 5000, candidateRounds: 10, maxDecryptions: 0 };
    const first = await searchConversations(server.ctx, a.workspaceId, 'brauch', undefined, 100, budget);
    expect(first.ids).toHaveLength(1);
    expect(first.resumeAfter?.id).toBe(first.ids[0]);
    const all = await searchConversations(server.ctx, a.workspaceId, 'brauch', undefined, 100);
    expect(all.ids).toHaveLength(2);
    expect(await allPages('brauch', budget)).toEqual(all.ids);
  });
});

describe('hostile queries', () => {
  it.each([
    ["'; drop table messages; --"],
    ['%'],
    ['%%_%'],
    ['\\'],
    ['" OR 1=1 --'],
    ['<script>alert(1)</script>'],
    ['🙂'],
    ['\u0000'],
    ['a'.repeat(100)],
    [`${'x'.repeat(60)} heute`],
  ])('answers %j with 200 and no match', async (q) => {
    expect(await search(a, q)).toEqual([]);
  });

  it.each([
    ['too long', `q=${'a'.repeat(101)}`],
    ['empty', 'q='],
    ['only spaces', 'q=%20%20'],
    ['given twice', 'q=heute&q=offen'],
  ])('answers 400 when q is %s', async (_label, query) => {
    const res = await list(a, query);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
  });
});

describe('the blind index', () => {
  it('stores no plaintext word, name or number in the token columns', async () => {
    const rows = rowsOf<{ tokens: string[] }>(
      await server.ctx.db.execute(sql`
        select search_tokens as tokens from messages
        union all select name_tokens from contacts`),
    );
    const stored = rows.flatMap((r) => r.tokens);
    expect(stored.length).toBeGreaterThan(50);
    for (const token of stored) expect(token).toMatch(/^[A-Za-z0-9_-]{16}$/);
    // Words of 5+ characters: a shorter one could appear by chance in 96 random bits.
    const dump = stored.join(' ');
    const words = [...Object.values(texts), 'Erika Müller Jonas Schmidt Zoë Weber Kai Fremd'];
    const plain = [...words.flatMap((t) => t.split(/[^\p{L}\p{N}]+/u)), ...words.flatMap(splitWords)];
    for (const word of [...plain.filter((w) => w.length >= 5), '4915112345678', '2345678']) {
      expect(dump).not.toContain(word);
    }
  });

  it('the backfill job fills tokens of rows written before search existed', async () => {
    await server.ctx.jobs.drain();
    await server.ctx.db.execute(
      sql`update messages set search_tokens = '{}' where workspace_id = ${a.workspaceId}`,
    );
    await server.ctx.db.execute(
      sql`update contacts set name_tokens = '{}' where workspace_id = ${a.workspaceId}`,
    );
    expect(await search(a, 'heute')).toEqual([]);
    expect(await search(a, 'Erika')).toEqual([]);
    await server.ctx.db.delete(instanceSettings).where(eq(instanceSettings.key, 'search_backfill'));
    await enqueueSearchBackfill(server.ctx);
    await server.ctx.jobs.drain();
    expect(await search(a, 'heute')).toEqual(['Erika Müller']);
    expect(await search(a, 'Erika')).toEqual(['Erika Müller']);
    expect(await search(a, '0151 12345678')).toEqual(['Erika Müller']);
    expect(await search(b, 'quokka')).toEqual(['Kai Fremd']);
    // Once done, a new start's backfill finds the marker and does nothing.
    const [marker] = await server.ctx.db
      .select()
      .from(instanceSettings)
      .where(eq(instanceSettings.key, 'search_backfill'));
    expect(marker?.value).toEqual({ phase: 'done', after: null });
  });
});
