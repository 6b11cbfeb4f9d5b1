import { verifySignature } from '@parley/whatsapp';
import { eq, sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.js';
import { channels } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { isUuid } from '../../lib/ids.js';
import { channelAppSecret, channelVerifyToken } from '../channels/service.js';
import { processWebhookJob } from './process-webhook.job.js';

export const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;

/**
 * Stores a delivery and its processing job in one statement (one round trip, atomic): the caller
 * answers 200 only after it returns.
 */
async function storeDelivery(
  ctx: AppContext,
  channelId: string,
  workspaceId: string,
  payload: string,
): Promise<void> {
  await ctx.db.execute(sql`
    with e as (
      insert into webhook_events (channel_id, workspace_id, payload) values (${channelId}, ${workspaceId}, ${payload})
      returning id
    )
    insert into jobs (name, workspace_id, payload, max_attempts)
    select ${processWebhookJob.name}, ${workspaceId}, jsonb_build_object('webhookEventId', e.id), ${processWebhookJob.retry?.maxAttempts ?? 10}
    from e`);
}

/**
 * `/webhooks/whatsapp/:channelId` — Meta's verification handshake (GET) and event deliveries (POST).
 * A POST is checked against `X-Hub-Signature-256` over the raw bytes before anything else (401, nothing
 * stored), stored encrypted with its processing job in one transaction, and only then answered 200.
 */
export function whatsappWebhookRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, _body, done) =>
      done(new AppError('unsupported_media_type'), undefined),
    );

    // Channels change rarely; a short cache saves a query per delivery.
    const cache = new Map<string, { row: typeof channels.$inferSelect; until: number }>();
    async function findChannel(channelId: string) {
      if (!isUuid(channelId)) throw new AppError('not_found');
      const hit = cache.get(channelId);
      if (hit && hit.until > Date.now()) return hit.row;
      const [ch] = await ctx.db.select().from(channels).where(eq(channels.id, channelId));
      if (!ch) throw new AppError('not_found');
      if (cache.size > 1000) cache.clear();
      cache.set(channelId, { row: ch, until: Date.now() + 30_000 });
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
        try {
          JSON.parse(raw.toString('utf8'));
        } catch {
          throw new AppError('bad_request', undefined, 'The body is not valid JSON.');
        }
        const payload = await ctx.keyring.encrypt(
          ctx.db,
          ch.workspaceId,
          raw.toString('utf8'),
          'webhook_events.payload',
        );
        await storeDelivery(ctx, ch.id, ch.workspaceId, payload);
        ctx.jobs.poke();
        return reply.code(200).send({ ok: true });
      },
    );
  };
}
