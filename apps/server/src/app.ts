import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { Keyring } from './crypto/keyring.js';
import type { MasterKey } from './crypto/master-key.js';
import type { Database } from './db/client.js';
import { AppError, installErrorHandler, sendError } from './errors.js';
import { installAuth } from './http/auth.js';
import { createMetrics } from './http/metrics.js';
import { scheduleHousekeeping } from './jobs/housekeeping.js';
import { allJobs, allPumps } from './jobs/registry.js';
import { JobRunner } from './jobs/runner.js';
import { ipPrefix } from './lib/ip.js';
import { auditRoutes } from './modules/audit/routes.js';
import { useFastHashing } from './modules/auth/passwords.js';
import { authRoutes } from './modules/auth/routes.js';
import { prepareSetupToken } from './modules/auth/setup.js';
import { broadcastRoutes } from './modules/broadcasts/index.js';
import { ChannelCache } from './modules/channels/channel-cache.js';
import { channelRoutes } from './modules/channels/routes.js';
import { consentRoutes } from './modules/consents/routes.js';
import { contactRoutes } from './modules/contacts/routes.js';
import { conversationRoutes } from './modules/conversations/routes.js';
import { labelRoutes } from './modules/labels/routes.js';
import { MediaStorage, mediaRoutes } from './modules/media/index.js';
import { notificationRoutes } from './modules/notifications/routes.js';
import { pushRoutes } from './modules/push/routes.js';
import { quickReplyRoutes } from './modules/quick-replies/routes.js';
import { routingRoutes } from './modules/routing/routes.js';
import { mountSandbox } from './modules/sandbox/index.js';
import { scheduledRoutes } from './modules/scheduled/routes.js';
import { enqueueSearchBackfill } from './modules/search/backfill-tokens.job.js';
import { systemRoutes } from './modules/system/routes.js';
import { teamRoutes } from './modules/teams/routes.js';
import { templateRoutes } from './modules/templates/routes.js';
import { viewRoutes } from './modules/views/routes.js';
import { SendLimiter } from './modules/whatsapp/send-limits.js';
import { whatsappWebhookRoutes } from './modules/whatsapp/webhook-routes.js';
import { workspaceRoutes } from './modules/workspaces/routes.js';
import { EventBus } from './realtime/event-bus.js';
import { attachGateway } from './realtime/gateway.js';

export type BuildOptions = {
  config: Config;
  database: Database;
  masterKey: MasterKey;
  /** Pino options or false; tests pass a stream to capture logs. */
  logger?: boolean | Record<string, unknown>;
};

/** Paths pino must never print: cookies, tokens, passwords, secrets, message bodies. */
export const logRedactPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.appSecret',
  '*.secret',
];

/** Request log lines carry no IP (only its /24 or /48 prefix), no query string and no invite tokens. */
export function loggerOptions(level: string) {
  return {
    level,
    redact: { paths: logRedactPaths, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        url: req.url.split('?')[0]!.replace(/\/(invites?|setup)\/[^/]+/, '/$1/[redacted]'),
        ipPrefix: ipPrefix(req.ip),
      }),
    },
  };
}

/**
 * Builds the Parley server (no listen): HTTP API, web app, Socket.IO, event fan-out.
 * Tests call it with a test config and use `app.inject()` or listen on port 0.
 */
export async function buildApp(opts: BuildOptions): Promise<{ app: FastifyInstance; ctx: AppContext }> {
  const { config, database } = opts;
  useFastHashing(config.fastHash);
  const app = Fastify({
    logger: opts.logger ?? loggerOptions(config.logLevel),
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    routerOptions: { maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const keyring = new Keyring(opts.masterKey);
  await keyring.init(database.db);
  const metrics = createMetrics();
  const events = new EventBus(database, app.log);
  const ctx = {
    config,
    database,
    db: database.db,
    keyring,
    events,
    metrics,
    sendLimits: new SendLimiter(),
    channelCache: new ChannelCache(database.db),
    log: app.log,
  } as AppContext;
  ctx.media = await MediaStorage.open(config.dataDir);
  ctx.jobs = new JobRunner(ctx, allJobs, {}, allPumps);

  installErrorHandler(app);
  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: config.publicUrl.protocol === 'https:',
  });
  installAuth(app, ctx);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  // JSON bodies only on the API: a cross-site form cannot send them without a CORS preflight.
  app.addHook('preValidation', async (request) => {
    if (!request.url.startsWith('/api/') || ['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(request.method))
      return;
    const type = request.headers['content-type'] ?? '';
    if (request.body !== undefined && !type.startsWith('application/json'))
      throw new AppError('unsupported_media_type');
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley API',
        version: '1',
        description:
          'The Parley REST API. Errors: `{ "error": { "code", "message", "details", "requestId" } }`; see docs/errors.md.',
      },
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: config.publicUrl.protocol === 'https:' ? '__Host-parley_session' : 'parley_session',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () =>
    app.swagger(),
  );

  await app.register(systemRoutes(ctx));
  await app.register(whatsappWebhookRoutes(ctx));
  await app.register(
    async (api) => {
      await api.register(authRoutes(ctx));
      await api.register(workspaceRoutes(ctx));
      await api.register(teamRoutes(ctx));
      await api.register(auditRoutes(ctx));
      await api.register(channelRoutes(ctx));
      await api.register(conversationRoutes(ctx));
      await api.register(mediaRoutes(ctx));
      await api.register(templateRoutes(ctx));
      await api.register(contactRoutes(ctx));
      await api.register(consentRoutes(ctx));
      await api.register(quickReplyRoutes(ctx));
      await api.register(labelRoutes(ctx));
      await api.register(notificationRoutes(ctx));
      await api.register(routingRoutes(ctx));
      await api.register(pushRoutes(ctx));
      await api.register(scheduledRoutes(ctx));
      await api.register(broadcastRoutes(ctx));
      await api.register(viewRoutes(ctx));
    },
    { prefix: '/api/v1' },
  );

  ctx.sandbox = config.sandbox ? await mountSandbox(app, ctx) : null;
  await serveWebApp(app, config);

  await events.start();
  attachGateway(app, ctx);
  await prepareSetupToken(ctx.db, config, app.log);
  const stopHousekeeping = scheduleHousekeeping(ctx);
  await enqueueSearchBackfill(ctx);
  ctx.jobs.start();
  app.addHook('onClose', async () => {
    stopHousekeeping();
    await ctx.jobs.stop();
    await ctx.media.close();
    await events.stop();
  });
  return { app, ctx };
}

/** Serves apps/web/dist with an SPA fallback; a missing build is a clear message, not a crash. */
async function serveWebApp(app: FastifyInstance, config: Config): Promise<void> {
  const index = path.join(config.webDir, 'index.html');
  const hasBuild = fs.existsSync(index);
  if (hasBuild) {
    await app.register(fastifyStatic, {
      root: config.webDir,
      wildcard: false,
      index: false,
      // Hashed assets never change; everything else (index.html) is revalidated after an upgrade.
      setHeaders: (res, filePath) => {
        res.header(
          'cache-control',
          filePath.includes(`${path.sep}assets${path.sep}`)
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        );
      },
      cacheControl: false,
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const isApi =
      /^\/(api|socket\.io|webhooks|_sandbox|assets)(\/|$)/.test(request.url) ||
      request.url.startsWith('/metrics');
    if ((request.method !== 'GET' && request.method !== 'HEAD') || isApi) {
      return sendError(reply, request, new AppError('not_found'));
    }
    if (!hasBuild) {
      return reply
        .code(503)
        .type('text/plain')
        .send('The web app is not built. Run `npm run build` (npm start does this for you).');
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
