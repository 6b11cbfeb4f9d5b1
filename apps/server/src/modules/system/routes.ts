import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.js';
import { safeEqual } from '../../crypto/cipher.js';
import { AppError } from '../../errors.js';

/** Operator endpoints: liveness, readiness and Prometheus metrics. */
export function systemRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const ready = await ctx.database.isReady().catch(() => false);
      return reply.code(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'not_ready',
        database: ctx.database.kind,
        migrations: ready ? 'applied' : 'pending_or_unreachable',
      });
    });

    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      const token = ctx.config.metricsToken;
      if (token) {
        const auth = request.headers.authorization ?? '';
        if (!safeEqual(auth, `Bearer ${token}`)) throw new AppError('metrics_token_required');
      }
      return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    });
  };
}
