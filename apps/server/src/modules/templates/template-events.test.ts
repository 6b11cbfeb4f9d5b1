import { eq } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templates, webhookEvents } from '../../db/schema.js';
import { as } from '../../test/harness.js';
import { startWhatsAppTestbed, type WhatsAppTestbed } from '../../test/whatsapp-testbed.js';

/**
 * `template.updated`: a review outcome or quality rating arriving by webhook reaches the workspace's
 * sockets, so the template list refreshes without polling.
 */
let bed: WhatsAppTestbed;
const sockets: Socket[] = [];

beforeAll(async () => {
  bed = await startWhatsAppTestbed({
    sim: { templateReview: { delayMs: 3_600_000, rules: [], defaultOutcome: 'APPROVED' } },
  });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await bed?.close();
});

function connect(cookie: string): Socket {
  const s = io(bed.serverUrl, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  sockets.push(s);
  return s;
}

type Updated = {
  eventId: number;
  channelId: string;
  templateId: string;
  status: string;
  qualityScore: string | null;
};

/** Resolves with the first `template.updated` matching `match` (the webhook batch flushes the outbox). */
function nextUpdate(socket: Socket, match: (u: Updated) => boolean): Promise<Updated> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Where it stopped: was the webhook delivered, stored, processed, the template changed?
      void (async () => {
        const [hooks, stored, rows] = await Promise.all([
          fetch(`${bed.sim.url}/_sim/webhooks`).then((r) => r.text()),
          bed.server.ctx.db
            .select({ id: webhookEvents.id, processedAt: webhookEvents.processedAt })
            .from(webhookEvents),
          bed.server.ctx.db
            .select({ name: templates.name, status: templates.status, q: templates.qualityScore })
            .from(templates),
        ]).catch((err: unknown) => [String(err), [], []] as const);
        reject(
          new Error(
            `no template.updated within 20 s; socket connected: ${socket.connected}; stored deliveries: ${JSON.stringify(stored)}; templates: ${JSON.stringify(rows)}; simulator: ${String(hooks).slice(0, 2000)}`,
          ),
        );
      })();
    }, 20_000);
    socket.on('template.updated', (u: Updated) => {
      if (!match(u)) return;
      clearTimeout(timer);
      resolve(u);
    });
  });
}

describe('template.updated', () => {
  it('reaches the workspace when the review approves a template, and when its quality changes', async () => {
    const socket = connect(bed.owner.cookie);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const res = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${bed.workspaceId}/channels/${bed.channel.id}/templates`,
      payload: {
        name: 'live_status',
        category: 'UTILITY',
        language: 'de',
        body: { text: 'Ihre Bestellung {{1}} ist unterwegs.', examples: ['A-1'] },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;

    const approved = nextUpdate(socket, (u) => u.templateId === id && u.status === 'APPROVED');
    const sim = await fetch(`${bed.sim.url}/_sim/templates/live_status/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'APPROVED' }),
    });
    expect(sim.status, await sim.text()).toBe(200);
    expect(await approved).toMatchObject({ channelId: bed.channel.id, templateId: id, status: 'APPROVED' });

    const rated = nextUpdate(socket, (u) => u.templateId === id && u.qualityScore === 'RED');
    const quality = await fetch(`${bed.sim.url}/_sim/templates/live_status/quality`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ score: 'RED' }),
    });
    expect(quality.status, await quality.text()).toBe(200);
    expect(await rated).toMatchObject({ templateId: id, status: 'APPROVED', qualityScore: 'RED' });
    const [row] = await bed.server.ctx.db.select().from(templates).where(eq(templates.id, id));
    expect(row?.qualityScore).toBe('RED');
  });

  it('does not reach another workspace', async () => {
    const other = await bed.addWorkspace({ name: 'Fremd GmbH' });
    const stranger = connect(other.owner.cookie);
    await new Promise<void>((resolve) => stranger.once('connect', () => resolve()));
    const seen: unknown[] = [];
    stranger.on('template.updated', (u) => seen.push(u));
    const mine = connect(bed.owner.cookie);
    await new Promise<void>((resolve) => mine.once('connect', () => resolve()));
    const res = await as(bed.server, bed.owner, {
      method: 'POST',
      url: `/api/v1/workspaces/${bed.workspaceId}/channels/${bed.channel.id}/templates`,
      payload: {
        name: 'private_status',
        category: 'UTILITY',
        language: 'de',
        body: { text: 'Ihr Termin ist bestätigt.', examples: [] },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const approved = nextUpdate(mine, (u) => u.templateId === res.json().id);
    await fetch(`${bed.sim.url}/_sim/templates/private_status/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'APPROVED' }),
    });
    await approved;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen).toEqual([]);
  });
});
