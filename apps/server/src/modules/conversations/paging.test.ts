import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';

/** Keyset paging of conversations and messages never skips or repeats rows that share a timestamp. */
let bed: WhatsAppTestbed;

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
  // Freeze the simulator's clock: every webhook below carries the same (second-precision) timestamp.
  await bed.clock({ set: Date.now() });
});
afterAll(async () => bed?.close());

const url = (rest: string) => `/api/v1/workspaces/${bed.workspaceId}${rest}`;

describe('paging', () => {
  it('walks messages of the same second page by page, each once', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 7; i++) {
      sent.push(
        (await bed.inbound('4915100000701', 'Sara Sekunde', { type: 'text', text: { body: `m${i}` } })).id,
      );
    }
    const conv = await until('the conversation', () => bed.conversationOf(bed.owner, 'Sara Sekunde'));
    await until('all messages', async () => (await bed.messagesOf(bed.owner, conv.id)).length === 7);
    const seen: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 10; page++) {
      const query = new URLSearchParams({ limit: '2', ...(before ? { before } : {}) });
      const res = await as(bed.server, bed.owner, {
        method: 'GET',
        url: url(`/conversations/${conv.id}/messages?${query}`),
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { messages: { providerMessageId: string }[]; nextCursor: string | null };
      seen.push(...body.messages.map((m) => m.providerMessageId));
      before = body.nextCursor;
      if (!before) break;
    }
    expect(seen.slice().sort()).toEqual(sent.slice().sort());
    expect(new Set(seen).size).toBe(7);
  });

  it('walks conversations with the same last activity page by page, each once', async () => {
    const names = Array.from({ length: 5 }, (_, i) => `Gleichzeitig ${i}`);
    for (const [i, name] of names.entries()) {
      await bed.inbound(`49151000008${i}0`, name, { type: 'text', text: { body: 'zur gleichen Zeit' } });
    }
    await until('the conversations', async () => {
      const all = await as(bed.server, bed.owner, { method: 'GET', url: url('/conversations?limit=100') });
      return (
        (all.json().conversations as { contact: { name: string } }[]).filter((c) =>
          c.contact.name.startsWith('Gleichzeitig'),
        ).length === 5
      );
    });
    const seen: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 20; page++) {
      const query = new URLSearchParams({ limit: '2', ...(before ? { before } : {}) });
      const res = await as(bed.server, bed.owner, { method: 'GET', url: url(`/conversations?${query}`) });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { conversations: { id: string }[]; nextCursor: string | null };
      seen.push(...body.conversations.map((c) => c.id));
      before = body.nextCursor;
      if (!before) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(6);
  });

  it('refuses a malformed cursor with 400', async () => {
    const conv = await until('the conversation', () => bed.conversationOf(bed.owner, 'Sara Sekunde'));
    for (const before of ['nonsense', '2026-01-01T00:00:00.000Z|abc', "'; drop table messages; --"]) {
      const res = await as(bed.server, bed.owner, {
        method: 'GET',
        url: url(`/conversations/${conv.id}/messages?before=${encodeURIComponent(before)}`),
      });
      expect(res.statusCode, before).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    // The conversation list's cursor is "iso|uuid"; anything else is the caller's mistake, not a 500.
    for (const before of [
      'nonsense',
      '2026-01-01T00:00:00.000Z|abc',
      `2026-01-01T00:00:00.000Z|${conv.id}x`,
    ]) {
      for (const extra of ['', '&q=hallo']) {
        const res = await as(bed.server, bed.owner, {
          method: 'GET',
          url: url(`/conversations?before=${encodeURIComponent(before)}${extra}`),
        });
        expect(res.statusCode, before + extra).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
      }
    }
  });
});
