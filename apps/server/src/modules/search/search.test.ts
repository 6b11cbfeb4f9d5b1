import { and, eq, lt, or, type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.js';
import { conversations, instanceSettings } from '../../db/schema.js';
import { as } from '../../test/harness.js';
import {
  startWhatsAppTestbed,
  until,
  type WhatsAppTenant,
  type WhatsAppTestbed,
} from '../../test/whatsapp-testbed.js';
import { enqueueSearchBackfill } from './backfill-tokens.job.js';
import { type SearchBounds, searchConversations } from './search-conversations.js';
import { splitWords } from './tokenizer.js';

/** Search over the real routes: the real server, two workspaces, each with a simulator over HTTP. */
let bed: WhatsAppTestbed;
let a: WhatsAppTenant;
let b: WhatsAppTenant;

type Listed = { id: string; contact: { name: string | null } };

async function list(t: WhatsAppTenant, query: string) {
  return as(bed.server, t.owner, {
    method: 'GET',
    url: `/api/v1/workspaces/${t.workspaceId}/conversations?${query}`,
  });
}

/** The contact names of the conversations a search finds, in the order returned. */
async function search(t: WhatsAppTenant, q: string, extra = ''): Promise<(string | null)[]> {
  const res = await list(t, `q=${encodeURIComponent(q)}${extra}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().conversations as Listed[]).map((c) => c.contact.name);
}

async function conversationOf(t: WhatsAppTenant, name: string) {
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

/** A customer writes; resolves once the server answered the webhook (so messages arrive in this order). */
const inbound = (t: WhatsAppTenant, from: string, name: string, message: Record<string, unknown>) =>
  t.inbound(from, name, message, { wait: true });

beforeAll(async () => {
  // Each workspace's number has a secret of its own.
  bed = await startWhatsAppTestbed({
    phoneNumberId: '106540352242922',
    appSecret: 'app-secret-106540352242922',
  });
  a = bed;
  b = await bed.addWorkspace({ phoneNumberId: '106540352242933', appSecret: 'app-secret-106540352242933' });
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
  const sent = await as(bed.server, a.owner, {
    method: 'POST',
    url: `/api/v1/workspaces/${a.workspaceId}/conversations/${erika.id}/messages`,
    payload: { text: texts.reply },
  });
  expect(sent.statusCode, sent.body).toBe(202);
});

afterAll(async () => bed?.close());

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
      const found = await searchConversations(bed.server.ctx, a.workspaceId, q, filter, 100, bounds);
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
    const fromIndex = await searchConversations(bed.server.ctx, a.workspaceId, q, undefined, 100);
    expect(fromIndex.resumeAfter).toBeNull();
    expect(await allPages(q, walking)).toEqual(fromIndex.ids);
  });

  it('stops at the decryption budget and says where to resume', async () => {
    const budget = { ...walking, probeLimit: 5000, candidateRounds: 10, maxDecryptions: 0 };
    const first = await searchConversations(bed.server.ctx, a.workspaceId, 'brauch', undefined, 100, budget);
    expect(first.ids).toHaveLength(1);
    expect(first.resumeAfter?.id).toBe(first.ids[0]);
    const all = await searchConversations(bed.server.ctx, a.workspaceId, 'brauch', undefined, 100);
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
      await bed.server.ctx.db.execute(sql`
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
    await bed.server.ctx.jobs.drain();
    await bed.server.ctx.db.execute(
      sql`update messages set search_tokens = '{}' where workspace_id = ${a.workspaceId}`,
    );
    await bed.server.ctx.db.execute(
      sql`update contacts set name_tokens = '{}' where workspace_id = ${a.workspaceId}`,
    );
    expect(await search(a, 'heute')).toEqual([]);
    expect(await search(a, 'Erika')).toEqual([]);
    await bed.server.ctx.db.delete(instanceSettings).where(eq(instanceSettings.key, 'search_backfill'));
    await enqueueSearchBackfill(bed.server.ctx);
    await bed.server.ctx.jobs.drain();
    expect(await search(a, 'heute')).toEqual(['Erika Müller']);
    expect(await search(a, 'Erika')).toEqual(['Erika Müller']);
    expect(await search(a, '0151 12345678')).toEqual(['Erika Müller']);
    expect(await search(b, 'quokka')).toEqual(['Kai Fremd']);
    // Once done, a new start's backfill finds the marker and does nothing.
    const [marker] = await bed.server.ctx.db
      .select()
      .from(instanceSettings)
      .where(eq(instanceSettings.key, 'search_backfill'));
    expect(marker?.value).toEqual({ phase: 'done', after: null });
  });
});
