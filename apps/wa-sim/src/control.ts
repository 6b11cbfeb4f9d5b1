import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SimCore } from './core.js';
import { GraphError, toWebhookError } from './errors.js';
import { faultConfigSchema } from './faults.js';
import { readUpload } from './graph/media.js';
import { publicBase } from './graph/shared.js';
import { emitTemplateQuality, setTemplateStatus } from './graph/templates.js';
import { contactOf, inboundRequestSchema, receiveInbound } from './inbound.js';
import { checkThroughput, DEFAULT_RULES, MESSAGING_LIMIT_TIERS } from './options.js';
import { isWindowOpen } from './rules/window.js';
import type { Customer } from './state.js';
import { presentThreadItem } from './thread.js';

const WAIT_MAX_MS = 25_000;

const durationSchema = z.union([
  z.number().int().min(0),
  z
    .string()
    .regex(/^\d+(ms|s|m|h|d)$/)
    .transform((value) => {
      const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(value)!;
      const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit as 'ms'];
      return Number(amount) * factor;
    }),
]);

const clockSchema = z.strictObject({
  advance: durationSchema.optional(),
  set: z.union([z.number(), z.iso.datetime()]).optional(),
});

const rulesSchema = z
  .strictObject({
    customerServiceWindow: z.boolean(),
    windowErrorMode: z.enum(['async', 'sync']),
    reactionsOpenWindow: z.boolean(),
    throughput: z.boolean(),
    throughputMps: z.number().min(1).max(1000),
    throughputErrorMode: z.enum(['sync', 'async']),
    pairRateLimit: z.boolean(),
    pairIntervalMs: z.number().int().min(1),
    pairBurst: z.number().int().min(1),
    messagingLimit: z.boolean(),
    messagingLimitTier: z.enum(Object.keys(MESSAGING_LIMIT_TIERS) as [keyof typeof MESSAGING_LIMIT_TIERS]),
    messagingLimitErrorCode: z.number().int(),
    marketingOptOut: z.boolean(),
    perUserMarketingLimit: z.number().int().min(0).nullable(),
    usMarketingBlocked: z.boolean(),
    blockedUsers: z.boolean(),
    unknownRecipients: z.enum(['deliverable', 'undeliverable']),
  })
  .partial();

const configSchema = z.strictObject({
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .optional(),
  verifyToken: z.string().min(1).max(200).optional(),
  rules: rulesSchema.optional(),
  statusDelays: z
    .strictObject({
      sentMs: z.number().int().min(0).max(3_600_000),
      deliveredMs: z.number().int().min(0).max(3_600_000),
      readMs: z.number().int().min(0).max(3_600_000).nullable(),
    })
    .partial()
    .optional(),
  tokenExpired: z.boolean().optional(),
  /** Meta rotated the token / reset the app secret: only the new value counts from now on. */
  accessToken: z.string().min(1).max(1000).optional(),
  appSecret: z.string().min(1).max(200).optional(),
  qualityRating: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']).optional(),
  templateReviewDelayMs: z.number().int().min(0).max(86_400_000).optional(),
});

const customerSchema = z.strictObject({
  wa_id: z
    .string()
    .transform((value) => value.replace(/[\s+\-()]/g, ''))
    .pipe(z.string().regex(/^\d{5,15}$/))
    .optional(),
  user_id: z
    .string()
    .regex(/^[A-Z]{2}\.[A-Za-z0-9.]{1,140}$/)
    .optional(),
  name: z.string().min(1).max(256).optional(),
  username: z.string().max(64).optional(),
  not_on_whatsapp: z.boolean().optional(),
  blocked_business: z.boolean().optional(),
  marketing_opt_out: z.boolean().optional(),
  read_receipts: z.boolean().optional(),
});

const templateStatusSchema = z.strictObject({
  status: z
    .enum(['APPROVED', 'REJECTED', 'PAUSED', 'DISABLED', 'PENDING', 'FLAGGED', 'REINSTATED', 'IN_APPEAL'])
    .optional(),
  reason: z.string().max(100).optional(),
  paced: z.boolean().optional(),
});

export function presentCustomer(core: SimCore, customer: Customer) {
  const now = core.clock.now();
  return {
    key: customer.key,
    wa_id: customer.waId ?? null,
    user_id: customer.userId ?? null,
    name: customer.name,
    username: customer.username ?? null,
    window_open: isWindowOpen(customer, now),
    window_expires_at: customer.lastInboundAt
      ? new Date(customer.lastInboundAt + 86_400_000).toISOString()
      : null,
    not_on_whatsapp: customer.notOnWhatsApp,
    blocked_business: customer.blockedBusiness,
    blocked_by_business: core.state.blocked.has(customer.key),
    marketing_opt_out: customer.marketingOptOut,
    read_receipts: customer.readReceipts,
    typing: (customer.typingUntil ?? 0) > now,
    version: customer.version,
  };
}

function requireCustomer(core: SimCore, id: string): Customer {
  const customer = core.state.findCustomer(id);
  if (!customer)
    throw new GraphError({
      code: 100,
      httpStatus: 404,
      details: `No simulated customer ${id.slice(0, 40)}.`,
    });
  return customer;
}

/** The `/_sim/*` control API (not part of Meta's). */
export function registerControlRoutes(app: FastifyInstance, core: SimCore, prefix: string): void {
  app.get('/_sim/health', async () => ({
    status: 'ok',
    phone_number_id: core.options.phoneNumberId,
    waba_id: core.options.wabaId,
    now: new Date(core.clock.now()).toISOString(),
    webhook: {
      url: core.deliverer.url ?? null,
      verified: core.deliverer.verified,
      pending: core.deliverer.pending,
      ...core.deliverer.stats,
    },
    customers: core.state.customers.size,
    messages: core.state.outbound.size + core.state.inbound.size,
  }));

  app.post<{ Querystring: { wait?: string } }>('/_sim/inbound', async (request) => {
    const body = inboundRequestSchema.parse(request.body);
    const results = receiveInbound(core, body, publicBase(core, request, prefix));
    const response: Record<string, unknown> = { id: results[0]!.id };
    if (results.length > 1) response.ids = results.map((result) => result.id);
    if (request.query.wait === 'true' || request.query.wait === '1') {
      const timeout = new Promise<boolean>((resolve) =>
        setTimeout(() => resolve(false), WAIT_MAX_MS).unref(),
      );
      const delivered = await Promise.race([
        Promise.all(results.map((result) => result.delivered)).then((all) => all.every(Boolean)),
        timeout,
      ]);
      response.delivered = delivered;
    }
    return response;
  });

  app.get<{ Querystring: { to?: string; limit?: string } }>('/_sim/sent', async (request) => {
    const limit = Math.min(1000, Math.max(1, Number(request.query.limit ?? 100) || 100));
    if (request.query.to) {
      const customer = core.state.findCustomer(request.query.to.replace(/[\s+\-()]/g, ''));
      if (!customer) return [];
      const ids = customer.thread.filter((id) => core.state.outbound.has(id)).slice(-limit);
      return ids.map((id) => presentSent(core, id));
    }
    const ids = [...core.state.outbound.keys()].slice(-limit);
    return ids.map((id) => presentSent(core, id));
  });

  app.get<{ Params: { id: string } }>('/_sim/messages/:id', async (request) => {
    const item = presentThreadItem(core, request.params.id, prefix);
    if (!item) throw new GraphError({ code: 100, httpStatus: 404, details: 'No such message.' });
    return item;
  });

  app.get('/_sim/faults', async () => core.faults.config());
  app.post('/_sim/faults', async (request) => core.faults.set(faultConfigSchema.parse(request.body ?? {})));

  app.get('/_sim/clock', async () => presentClock(core));
  app.post('/_sim/clock', async (request) => {
    const body = clockSchema.parse(request.body ?? {});
    if (body.set !== undefined)
      core.clock.set(typeof body.set === 'number' ? body.set : Date.parse(body.set));
    if (body.advance !== undefined) core.clock.advance(body.advance);
    return presentClock(core);
  });

  app.post('/_sim/config', async (request) => {
    const body = configSchema.parse(request.body ?? {});
    const { options } = core;
    if (options.credentialsLocked && (body.accessToken !== undefined || body.appSecret !== undefined)) {
      throw new GraphError({
        code: 100,
        httpStatus: 403,
        details:
          "This simulator's access token and app secret are managed by its host and cannot be changed.",
      });
    }
    if (body.rules) {
      const rules = { ...options.rules, ...body.rules };
      checkThroughput(rules.throughputMps);
      options.rules = rules;
      core.throughput.setRate(rules.throughputMps);
      core.pairRate.configure(rules.pairIntervalMs, rules.pairBurst);
    }
    if (body.statusDelays) options.statusDelays = { ...options.statusDelays, ...body.statusDelays };
    if (body.webhookUrl !== undefined || body.verifyToken !== undefined) {
      options.webhookUrl =
        body.webhookUrl === undefined ? options.webhookUrl : (body.webhookUrl ?? undefined);
      options.verifyToken = body.verifyToken ?? options.verifyToken;
      core.deliverer.reconfigure(options.webhookUrl, options.verifyToken);
    }
    if (body.tokenExpired !== undefined) core.tokenExpired = body.tokenExpired;
    if (body.accessToken !== undefined) options.accessToken = body.accessToken;
    if (body.appSecret !== undefined) {
      options.appSecret = body.appSecret;
      core.deliverer.setAppSecret(body.appSecret);
    }
    if (body.qualityRating) core.numbers.get(options.phoneNumberId)!.qualityRating = body.qualityRating;
    if (body.templateReviewDelayMs !== undefined) options.templateReview.delayMs = body.templateReviewDelayMs;
    return {
      webhook_url: options.webhookUrl ?? null,
      rules: options.rules,
      status_delays: options.statusDelays,
      token_expired: core.tokenExpired,
      default_rules: DEFAULT_RULES,
    };
  });

  app.get('/_sim/customers', async () => ({
    data: [...core.state.customers.values()].slice(-500).map((customer) => presentCustomer(core, customer)),
  }));

  app.post('/_sim/customers', async (request) => {
    const body = customerSchema.parse(request.body ?? {});
    if (!body.wa_id && !body.user_id)
      throw new GraphError({ code: 100, details: 'wa_id or user_id is required.' });
    const customer = core.state.upsertCustomer(
      { waId: body.wa_id, userId: body.user_id, name: body.name, username: body.username },
      core.clock.now(),
    );
    if (body.not_on_whatsapp !== undefined) customer.notOnWhatsApp = body.not_on_whatsapp;
    if (body.blocked_business !== undefined) customer.blockedBusiness = body.blocked_business;
    if (body.read_receipts !== undefined) customer.readReceipts = body.read_receipts;
    if (body.marketing_opt_out !== undefined && body.marketing_opt_out !== customer.marketingOptOut) {
      customer.marketingOptOut = body.marketing_opt_out;
      core.deliverer.enqueue({
        kind: 'user_preference',
        phoneNumberId: core.options.phoneNumberId,
        contact: contactOf(customer),
        preference: {
          ...(customer.waId ? { wa_id: customer.waId } : { user_id: customer.userId }),
          detail: body.marketing_opt_out
            ? 'User requested to stop marketing messages'
            : 'User requested to resume marketing messages',
          category: 'marketing_messages',
          value: body.marketing_opt_out ? 'stop' : 'resume',
          timestamp: core.clock.nowSeconds(),
        },
      });
    }
    core.state.touch(customer);
    return presentCustomer(core, customer);
  });

  app.get<{ Params: { id: string }; Querystring: { version?: string; wait?: string } }>(
    '/_sim/customers/:id/thread',
    async (request) => {
      const customer = requireCustomer(core, request.params.id);
      const version = Number(request.query.version);
      if (Number.isInteger(version) && version === customer.version) {
        const wait = Math.min(WAIT_MAX_MS, Math.max(0, Number(request.query.wait ?? 0) || 0));
        if (wait > 0) await core.state.waitForChange(customer, version, wait);
      }
      return {
        customer: presentCustomer(core, customer),
        business: { display_phone_number: core.options.displayPhoneNumber, name: core.options.verifiedName },
        messages: customer.thread.map((id) => presentThreadItem(core, id, prefix)).filter(Boolean),
      };
    },
  );

  app.post<{ Params: { id: string } }>('/_sim/customers/:id/read', async (request) => {
    const customer = requireCustomer(core, request.params.id);
    return { read: core.statuses.readAll(customer) };
  });

  app.post('/_sim/media', async (request) => {
    const upload = await readUpload(request, false);
    const item = core.media.upload(upload.bytes, upload.mimeType, upload.filename, 'inbound');
    return { id: item.id, mime_type: item.mimeType };
  });

  app.get<{ Params: { id: string } }>('/_sim/media/:id', async (request, reply) => {
    const item = core.media.find(request.params.id);
    if (!item) throw new GraphError({ code: 100, httpStatus: 404, details: 'No such media.' });
    return reply
      .header('content-type', item.mimeType)
      .header('content-disposition', 'attachment')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', 'sandbox')
      .send(item.bytes);
  });

  app.post<{ Params: { id: string } }>('/_sim/templates/:id/status', async (request) => {
    const body = templateStatusSchema.parse(request.body ?? {});
    const template =
      core.templates.templates.get(request.params.id) ??
      core.templates.list().find((t) => t.name === request.params.id);
    if (!template) throw new GraphError({ code: 100, httpStatus: 404, details: 'No such template.' });
    if (body.paced !== undefined) template.paced = body.paced;
    if (body.status) setTemplateStatus(core, template, body.status, body.reason);
    return { id: template.id, name: template.name, status: template.status, paced: template.paced };
  });

  app.post<{ Params: { id: string } }>('/_sim/templates/:id/quality', async (request) => {
    const body = z
      .strictObject({ score: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']) })
      .parse(request.body ?? {});
    const template =
      core.templates.templates.get(request.params.id) ??
      core.templates.list().find((t) => t.name === request.params.id);
    if (!template) throw new GraphError({ code: 100, httpStatus: 404, details: 'No such template.' });
    const previous = template.qualityScore ?? 'UNKNOWN';
    template.qualityScore = body.score;
    emitTemplateQuality(core, template, previous, body.score);
    return { id: template.id, name: template.name, qualityScore: template.qualityScore };
  });

  app.get('/_sim/webhooks', async () => ({
    url: core.deliverer.url ?? null,
    verified: core.deliverer.verified,
    pending: core.deliverer.pending,
    stats: core.deliverer.stats,
    log: core.deliverer.log,
  }));
  app.post('/_sim/webhooks/verify', async () => ({ verified: await core.deliverer.verify() }));

  app.post('/_sim/errors', async (request) => {
    const body = z
      .strictObject({ code: z.number().int(), details: z.string().max(1000).optional() })
      .parse(request.body ?? {});
    core.deliverer.enqueue({
      kind: 'error',
      phoneNumberId: core.options.phoneNumberId,
      error: toWebhookError(body.code, body.details),
    });
    return { queued: true };
  });
}

function presentClock(core: SimCore) {
  const now = core.clock.now();
  return { now: new Date(now).toISOString(), now_ms: now, offset_ms: now - Date.now() };
}

function presentSent(core: SimCore, id: string) {
  const message = core.state.outbound.get(id)!;
  const customer = core.state.customers.get(message.customerKey);
  return {
    id: message.id,
    wamid: message.id,
    to: message.input,
    wa_id: customer?.waId ?? null,
    user_id: customer?.userId ?? null,
    type: message.type,
    body: message.request,
    status: message.status,
    statuses: message.statuses,
    created_at: new Date(message.createdAt).toISOString(),
  };
}
