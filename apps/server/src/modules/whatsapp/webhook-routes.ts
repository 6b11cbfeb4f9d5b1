import { verifySignature } from '@parley/whatsapp';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.js';
import { webhookEvents } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { GroupCommit } from '../../lib/group-commit.js';
import { isUuid } from '../../lib/ids.js';
import { channelAppSecret, channelVerifyToken } from '../channels/service.js';
import { processWebhooksPump } from './process-webhooks.js';

export const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;

/** How long a status-only delivery may wait for others to share its processing batch. */
const STATUS_GATHER_MS = 150;

/** A stored delivery: the caller answers 200 only after its row is committed. */
type Delivery = { channelId: string; workspaceId: string; payload: string; statusOnly: boolean };

/**
 * True when every change of a delivery is a `messages` change with statuses and no message: the
 * status flood of a newsletter, which waits behind customers' messages in the processing queue.
 */
export function carriesOnlyStatuses(body: unknown): boolean {
  const entries = (body as { entry?: unknown } | null)?.entry;
  if (!Array.isArray(entries) || entries.length === 0) return false;
  for (const e of entries) {
    const changes = (e as { changes?: unknown } | null)?.changes;
    if (!Array.isArray(changes) || changes.length === 0) return false;
    for (const c of changes) {
      const change = c as { field?: unknown; value?: { messages?: unknown; statuses?: unknown } } | null;
      if (change?.field !== 'messages') return false;
      const v = change.value;
      if (Array.isArray(v?.messages) && v.messages.length > 0) return false;
      if (!Array.isArray(v?.statuses) || v.statuses.length === 0) return false;
    }
  }
  return true;
}

/**
 * Stores acknowledged deliveries: concurrent ones share one multi-row insert and one commit (group
 * commit), so the acknowledgement keeps up under load; PGlite has one connection, PostgreSQL a few.
 */
function deliveryStore(ctx: AppContext): GroupCommit<Delivery> {
  return new GroupCommit<Delivery>(
    async (rows) => {
      await ctx.db.insert(webhookEvents).values(rows);
    },
    { maxBatch: 200, maxConcurrent: ctx.database.kind === 'postgres' ? 3 : 1 },
  );
}

/**
 * `/webhooks/whatsapp/:channelId` — Meta's verification handshake (GET) and event deliveries (POST).
 * A POST is checked against `X-Hub-Signature-256` over the raw bytes before anything else (401, nothing
 * stored), stored encrypted, and only then answered 200; the processing pump starts on it at once.
 */
export function whatsappWebhookRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const store = deliveryStore(ctx);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, _body, done) =>
      done(new AppError('unsupported_media_type'), undefined),
    );

    async function findChannel(channelId: string) {
      if (!isUuid(channelId)) throw new AppError('not_found');
      const ch = await ctx.channelCache.find(channelId);
      if (!ch) throw new AppError('not_found');
      return ch;
    }

    app.get<{ Params: { channelId: string }; Querystring: Record<string, string | undefined> }>(
      '/webhooks/whatsapp/:channelId',
      { schema: { hide: true } },
      async (request, reply) => {
        const ch = await findChannel(request.params.channelId);
        const q = request.query;
        const expected = await channelVerifyToken(ctx, ctx.db, ch);
        if (q['hub.mode'] !== 'subscribe' || q['hub.verify_token'] !== expected || !q['hub.challenge']) {
          request.log.warn({ channelId: ch.id }, 'webhook verification refused');
          return reply.code(403).type('text/plain').send('verification failed');
        }
        return reply.type('text/plain').send(String(q['hub.challenge']).slice(0, 200));
      },
    );

    app.post<{ Params: { channelId: string }; Body: Buffer }>(
      '/webhooks/whatsapp/:channelId',
      { schema: { hide: true } },
      async (request, reply) => {
        const ch = await findChannel(request.params.channelId);
        const raw = request.body;
        if (!Buffer.isBuffer(raw)) throw new AppError('unsupported_media_type');
        const secret = await channelAppSecret(ctx, ctx.db, ch);
        if (!verifySignature(secret, raw, request.headers['x-hub-signature-256'])) {
          request.log.warn({ channelId: ch.id }, 'webhook signature invalid: refused, nothing stored');
          return reply.code(401).send({
            error: {
              code: 'unauthenticated',
              message: 'Invalid signature.',
              requestId: String(request.id),
            },
          });
        }
        const text = raw.toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new AppError('bad_request', undefined, 'The body is not valid JSON.');
        }
        const payload = await ctx.keyring.encrypt(ctx.db, ch.workspaceId, text, 'webhook_events.payload');
        const statusOnly = carriesOnlyStatuses(body);
        await store.add({ channelId: ch.id, workspaceId: ch.workspaceId, payload, statusOnly });
        // A customer's message is processed at once; statuses may wait a moment and share a batch.
        if (statusOnly) ctx.jobs.pokePumpSoon(processWebhooksPump.name, STATUS_GATHER_MS);
        else ctx.jobs.pokePump(processWebhooksPump.name);
        return reply.code(200).send({ ok: true });
      },
    );
  };
}
