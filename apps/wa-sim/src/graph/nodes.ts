import type { FastifyInstance } from 'fastify';
import type { SimCore } from '../core.js';
import { GraphError, unknownObject } from '../errors.js';
import { presentTemplate } from '../template-store.js';
import { handleMediaNode } from './media.js';
import { type GraphParams, requirePhoneNumber, requireWaba } from './shared.js';
import { handleUploadStatus, isUploadSessionId } from './uploads.js';
import { isObject } from './validate-send.js';

function pickFields(object: Record<string, unknown>, fields: unknown): Record<string, unknown> {
  if (typeof fields !== 'string' || fields.trim() === '') return object;
  const wanted = new Set(fields.split(',').map((field) => field.trim()));
  wanted.add('id');
  return Object.fromEntries(Object.entries(object).filter(([key]) => wanted.has(key)));
}

function presentPhoneNumber(core: SimCore, phoneNumberId: string): Record<string, unknown> {
  const number = core.numbers.get(phoneNumberId)!;
  const { rules } = core.options;
  const tier = rules.messagingLimitTier;
  return {
    verified_name: number.verifiedName,
    code_verification_status: 'VERIFIED',
    display_phone_number: `+${number.displayPhoneNumber}`,
    quality_rating: number.qualityRating,
    platform_type: 'CLOUD_API',
    throughput: { level: rules.throughputMps > 80 ? 'HIGH' : 'STANDARD' },
    whatsapp_business_manager_messaging_limit: tier,
    messaging_limit_tier: tier === 'TIER_UNLIMITED' ? 'TIER_UNLIMITED' : tier,
    name_status: 'APPROVED',
    status: 'CONNECTED',
    id: number.phoneNumberId,
  };
}

/**
 * Graph objects by id: `GET /{PNID}` (quality, throughput, messaging limit), `GET /{WABA_ID}`,
 * `GET /{WABA_ID}/phone_numbers`, `subscribed_apps`, `block_users`, `register`, `GET|DELETE /{MEDIA_ID}`,
 * `GET|POST /{TEMPLATE_ID}`.
 */
export function registerNodeRoutes(app: FastifyInstance, core: SimCore, prefix: string): void {
  app.get<{ Params: GraphParams; Querystring: Record<string, unknown> }>(
    '/:version/:nodeId',
    async (request) => {
      const { nodeId } = request.params;
      if (nodeId === 'app' || nodeId === core.options.appId)
        return pickFields({ id: core.options.appId, name: 'Parley (simulator)' }, request.query.fields);
      if (isUploadSessionId(nodeId)) return handleUploadStatus(core, nodeId);
      if (core.numbers.has(nodeId)) return pickFields(presentPhoneNumber(core, nodeId), request.query.fields);
      if (nodeId === core.options.wabaId) {
        return pickFields(
          {
            id: nodeId,
            name: core.options.verifiedName,
            currency: 'EUR',
            timezone_id: '1',
            message_template_namespace: 'sim',
          },
          request.query.fields,
        );
      }
      const template = core.templates.templates.get(nodeId);
      if (template) return pickFields(presentTemplate(template), request.query.fields);
      const media = handleMediaNode(core, request, nodeId, 'get', prefix);
      if (media) return media;
      throw unknownObject(nodeId, 'get');
    },
  );

  app.delete<{ Params: GraphParams }>('/:version/:nodeId', async (request) => {
    const media = handleMediaNode(core, request, request.params.nodeId, 'delete', prefix);
    if (media) return media;
    throw unknownObject(request.params.nodeId, 'delete');
  });

  app.get<{ Params: GraphParams }>('/:version/:nodeId/phone_numbers', async (request) => {
    requireWaba(core, request.params.nodeId, 'get');
    return { data: [...core.numbers.keys()].map((id) => presentPhoneNumber(core, id)) };
  });

  app.get<{ Params: GraphParams }>('/:version/:nodeId/subscribed_apps', async (request) => {
    requireWaba(core, request.params.nodeId, 'get');
    return {
      data: [...core.subscribedApps].map((id) => ({
        whatsapp_business_api_data: { id, name: 'Parley', link: '' },
      })),
    };
  });
  app.post<{ Params: GraphParams }>('/:version/:nodeId/subscribed_apps', async (request) => {
    requireWaba(core, request.params.nodeId, 'post');
    core.subscribedApps.add('sim-app');
    return { success: true };
  });
  app.delete<{ Params: GraphParams }>('/:version/:nodeId/subscribed_apps', async (request) => {
    requireWaba(core, request.params.nodeId, 'delete');
    core.subscribedApps.clear();
    return { success: true };
  });

  app.post<{ Params: GraphParams }>('/:version/:nodeId/register', async (request) => {
    requirePhoneNumber(core, request.params.nodeId, 'post');
    const body = request.body;
    if (!isObject(body) || typeof body.pin !== 'string' || !/^\d{6}$/.test(body.pin)) {
      throw new GraphError({ code: 100, details: 'Param pin must be a 6-digit string.' });
    }
    return { success: true };
  });

  const blockUsers =
    (method: 'post' | 'delete') => async (request: { params: GraphParams; body: unknown }) => {
      requirePhoneNumber(core, request.params.nodeId, method);
      const body = request.body;
      if (!isObject(body) || body.messaging_product !== 'whatsapp' || !Array.isArray(body.block_users)) {
        throw new GraphError({
          code: 100,
          details: 'Expected {messaging_product: "whatsapp", block_users: [{user}]}.',
        });
      }
      const added: { input: string; wa_id: string }[] = [];
      for (const entry of body.block_users) {
        const user =
          isObject(entry) && typeof entry.user === 'string' ? entry.user.replace(/[\s+\-()]/g, '') : '';
        if (!user) throw new GraphError({ code: 100, details: 'Every block_users entry needs a user.' });
        const customer =
          core.state.findCustomer(user) ?? core.state.upsertCustomer({ waId: user }, core.clock.now());
        if (method === 'post') core.state.blocked.add(customer.key);
        else core.state.blocked.delete(customer.key);
        added.push({ input: String((entry as { user: string }).user), wa_id: customer.waId ?? customer.key });
      }
      return { messaging_product: 'whatsapp', block_users: { added_users: added } };
    };
  app.post<{ Params: GraphParams }>('/:version/:nodeId/block_users', blockUsers('post'));
  app.delete<{ Params: GraphParams }>('/:version/:nodeId/block_users', blockUsers('delete'));
  app.get<{ Params: GraphParams }>('/:version/:nodeId/block_users', async (request) => {
    requirePhoneNumber(core, request.params.nodeId, 'get');
    return { data: [...core.state.blocked].map((key) => ({ messaging_product: 'whatsapp', wa_id: key })) };
  });
}
