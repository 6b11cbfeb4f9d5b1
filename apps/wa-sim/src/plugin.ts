import multipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ZodError } from 'zod';
import { registerControlRoutes } from './control.js';
import { createSimCore, type SimCore } from './core.js';
import { GraphError, toGraphEnvelope } from './errors.js';
import { registerGraphHooks } from './graph/auth.js';
import { registerMediaRoutes } from './graph/media.js';
import { registerMessageRoutes } from './graph/messages.js';
import { registerNodeRoutes } from './graph/nodes.js';
import { registerTemplateRoutes } from './graph/templates.js';
import { registerUploadRoutes } from './graph/uploads.js';
import type { SimulatorOptions } from './options.js';
import { registerPhoneRoutes } from './phone/routes.js';

export type WaSimPluginOptions = SimulatorOptions & {
  /** Use an existing core (e.g. to keep a handle on state); otherwise one is created from the options. */
  core?: SimCore;
  /** Called with the core once created, so the host can inspect or drive it. */
  onCore?: (core: SimCore) => void;
};

/** Turns any error into Meta's Graph error envelope; never leaks internals. */
function toGraphError(error: unknown): GraphError {
  if (error instanceof GraphError) return error;
  if (error instanceof ZodError) {
    const details = error.issues
      .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
      .join('; ');
    return new GraphError({ code: 100, details: details.slice(0, 1000) });
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new GraphError({ code: 100, httpStatus: 413, details: 'The request body is too large.' });
  }
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new GraphError({ code: 100, details: 'Unsupported Content-Type; send application/json.' });
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new GraphError({
      code: 100,
      details: 'The request could not be parsed (invalid JSON or parameters).',
    });
  }
  return new GraphError({
    code: 1,
    message: 'An unknown error has occurred.',
    details: 'An unknown error has occurred.',
  });
}

/**
 * The whole simulator as a Fastify plugin: Graph API subset, `/_sim` control API and the
 * customer-phone page. Register it under a prefix inside another server:
 * `app.register(waSimPlugin, { prefix: '/_sandbox', ...options })`; handed-out URLs keep the prefix.
 */
export const waSimPlugin: FastifyPluginAsync<WaSimPluginOptions> = async (app: FastifyInstance, options) => {
  const core = options.core ?? createSimCore(options);
  options.onCore?.(core);
  const prefix = app.prefix;
  if (!app.hasRequestDecorator('isMultipart')) await app.register(multipart);

  app.setErrorHandler((error, request, reply) => {
    const graphError = toGraphError(error);
    if (graphError.code === 1) request.log.error({ err: error }, 'wa-sim internal error');
    return reply.status(graphError.httpStatus).send(toGraphEnvelope(graphError));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!.slice(0, 120);
    const error = new GraphError({
      code: 100,
      httpStatus: 404,
      message: `Unknown path components: ${path}`,
      subcode: 33,
    });
    return reply.status(404).send(toGraphEnvelope(error));
  });

  await app.register(async (graph) => {
    registerGraphHooks(graph, core);
    registerMessageRoutes(graph, core);
    registerMediaRoutes(graph, core);
    registerUploadRoutes(graph, core);
    registerTemplateRoutes(graph, core, prefix);
    registerNodeRoutes(graph, core, prefix);
  });

  await app.register(async (control) => {
    const guard = core.options.controlAuth;
    if (guard) {
      control.addHook('onRequest', async (request) => {
        if (!guard(request))
          throw new GraphError({
            code: 10,
            message: '(#10) Permission denied',
            details: 'Control API access denied.',
          });
      });
    }
    registerControlRoutes(control, core, prefix);
    registerPhoneRoutes(control, prefix);
  });

  app.addHook('onClose', async () => core.close());
};
