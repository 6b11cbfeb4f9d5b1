import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../db/client.js';
import { startTestServer, type TestServer } from '../test/harness.js';
import { type CommittedEvent, recordEvent } from './event-bus.js';

let server: TestServer;
const seen: CommittedEvent[] = [];

beforeAll(async () => {
  server = await startTestServer();
  server.ctx.events.subscribe((e) => {
    if (e.type.startsWith('test.')) seen.push(e);
  });
});
afterAll(async () => server?.close());

async function reserveId(): Promise<number> {
  const rows = await server.ctx.db.execute(
    sql`select nextval(pg_get_serial_sequence('events', 'id'))::bigint as id`,
  );
  return Number(rowsOf<{ id: string | number }>(rows)[0]!.id);
}

describe('event bus', () => {
  it('delivers an event whose transaction commits after a later one (commit order ≠ id order), once', async () => {
    // A transaction that took id `early` but has not committed yet…
    const early = await reserveId();
    // …while a later one commits and is fanned out.
    await recordEvent(server.ctx.db, { type: 'test.later', workspaceId: null, rooms: ['test'] });
    await server.ctx.events.flush();
    expect(seen.map((e) => e.type)).toEqual(['test.later']);

    // Now the earlier transaction commits.
    await server.ctx.db.execute(
      sql`insert into events (id, type, rooms, payload) values (${early}, 'test.earlier', '{test}', '{}'::jsonb)`,
    );
    await server.ctx.events.flush();
    await new Promise((r) => setTimeout(r, 300));
    await server.ctx.events.flush();
    expect(seen.map((e) => e.type).sort()).toEqual(['test.earlier', 'test.later']);
    expect(seen.find((e) => e.type === 'test.earlier')?.id).toBe(early);
  });

  it('finds a late event on its own, without another flush', async () => {
    seen.length = 0;
    const early = await reserveId();
    await recordEvent(server.ctx.db, { type: 'test.second', workspaceId: null, rooms: ['test'] });
    await server.ctx.events.flush();
    await server.ctx.db.execute(
      sql`insert into events (id, type, rooms, payload) values (${early}, 'test.first', '{test}', '{}'::jsonb)`,
    );
    const until = Date.now() + 3000;
    while (seen.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(seen.map((e) => e.type).sort()).toEqual(['test.first', 'test.second']);
  });
});
