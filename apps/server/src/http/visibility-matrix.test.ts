import crypto from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelTeams, teamMembers, teams } from '../db/schema.js';
import { as, buildMember, type Person } from '../test/harness.js';
import { startWhatsAppTestbed, until, type WhatsAppTestbed } from '../test/whatsapp-testbed.js';

/**
 * Generated from the router: every route about one conversation (its path has `:conversationId`) ×
 * an agent whose team works the channel, an agent outside it, and an admin. The outsider gets the same
 * answer as for an id that does not exist (404, or 400 for a refused body); the others never get 404
 * for a route without further ids.
 */
let bed: WhatsAppTestbed;
let inTeam: Person;
let outside: Person;
let admin: Person;
let conversationId: string;

beforeAll(async () => {
  bed = await startWhatsAppTestbed();
  inTeam = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Ines Intern');
  outside = await buildMember(bed.server, bed.workspaceId, bed.owner, 'agent', 'Oskar Outside');
  admin = await buildMember(bed.server, bed.workspaceId, bed.owner, 'admin', 'Adam Admin');
  const db = bed.server.ctx.db;
  const [team] = await db.insert(teams).values({ workspaceId: bed.workspaceId, name: 'Matrix' }).returning();
  await db.insert(teamMembers).values({ teamId: team!.id, userId: inTeam.id, workspaceId: bed.workspaceId });
  await db
    .insert(channelTeams)
    .values({ channelId: bed.channel.id, teamId: team!.id, workspaceId: bed.workspaceId });
  await bed.inbound('4915500000001', 'Matrix Mia', { type: 'text', text: { body: 'Hallo' } });
  conversationId = (await until('Mia', () => bed.conversationOf(inTeam, 'Matrix Mia'))).id;
});
afterAll(async () => bed?.close());

function request(method: string, url: string): InjectOptions {
  const path = url
    .replace(':workspaceId', bed.workspaceId)
    .replace(':conversationId', conversationId)
    .replace(/:[a-zA-Z]+/g, () => crypto.randomUUID());
  const withBody = ['POST', 'PATCH', 'PUT'].includes(method);
  return { method: method as InjectOptions['method'], url: path, ...(withBody ? { payload: {} } : {}) };
}

describe('conversation routes × who sees what', () => {
  const routes = () => bed.server.app.parleyRoutes.filter((r) => r.url.includes(':conversationId'));

  it('covers the conversation routes', () => {
    expect(routes().length).toBeGreaterThanOrEqual(14);
  });

  it('answers an agent outside the channel’s teams exactly as for a conversation that does not exist', async () => {
    let notFound = 0;
    for (const r of routes()) {
      const real = await as(bed.server, outside, request(r.method, r.url));
      if (real.statusCode === 404) notFound++;
      const ghost = await as(bed.server, outside, {
        ...request(r.method, r.url),
        url: request(r.method, r.url).url!.toString().replace(conversationId, crypto.randomUUID()),
      });
      const what = `${r.method} ${r.url}: ${real.body.slice(0, 120)}`;
      // 404, or 400 when the empty body is refused before anything is looked up.
      expect([400, 404], what).toContain(real.statusCode);
      expect(real.statusCode, what).toBe(ghost.statusCode);
      expect(real.json().error.code, what).toBe(ghost.json().error.code);
    }
    expect(notFound).toBeGreaterThanOrEqual(8);
  });

  it('never answers 404 (nor 403, nor 500) to the agent in the team, an admin or the owner where the conversation is the only id', async () => {
    const own = routes().filter((r) => (r.url.match(/:/g) ?? []).length === 2);
    expect(own.length).toBeGreaterThanOrEqual(10);
    for (const person of [inTeam, admin, bed.owner]) {
      for (const r of own) {
        const res = await as(bed.server, person, request(r.method, r.url));
        expect([403, 404], `${person.name} ${r.method} ${r.url}: ${res.body.slice(0, 120)}`).not.toContain(
          res.statusCode,
        );
        expect(res.statusCode, `${r.method} ${r.url}`).toBeLessThan(500);
      }
    }
  });
});
