import {
  channelParams,
  createTemplateRequest,
  templateDto,
  templateListQuery,
  templateListResponse,
  workspaceParams,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { requireMember } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';
import { getChannel } from '../channels/service.js';
import { GraphApiError } from '../whatsapp/graph-client.js';
import { createTemplate, deleteTemplate, listTemplates, syncTemplates } from './service.js';

export function templateRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['templates'];
    app.get(
      '/workspaces/:workspaceId/templates',
      {
        config: { access: 'conversations.read' },
        schema: {
          tags,
          summary: 'Synced message templates',
          params: workspaceParams,
          querystring: templateListQuery,
          response: responses({ 200: templateListResponse }),
        },
      },
      async (request) => ({
        templates: await listTemplates(ctx.db, request.params.workspaceId, request.query),
      }),
    );
    app.post(
      '/workspaces/:workspaceId/channels/:channelId/templates',
      {
        config: { access: 'templates.manage' },
        schema: {
          tags,
          summary: "Create a template and submit it to Meta's review (checked against Meta's rules first)",
          params: channelParams,
          body: createTemplateRequest,
          response: responses({ 201: templateDto }),
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await createTemplate(ctx, requireMember(request), request.params.channelId, request.body)),
    );
    app.delete(
      '/workspaces/:workspaceId/templates/:templateId',
      {
        config: { access: 'templates.manage' },
        schema: {
          tags,
          summary: 'Delete a template at Meta and here (this language only)',
          params: z.object({ workspaceId: z.uuid(), templateId: z.uuid() }),
        },
      },
      async (request, reply) => {
        await deleteTemplate(ctx, requireMember(request), request.params.templateId);
        return reply.code(204).send();
      },
    );
    app.post(
      '/workspaces/:workspaceId/channels/:channelId/templates/sync',
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags,
          summary: 'Sync templates from WhatsApp now',
          params: channelParams,
          response: responses({ 200: z.object({ synced: z.number() }) }),
        },
      },
      async (request) => {
        const ch = await getChannel(ctx.db, request.params.workspaceId, request.params.channelId);
        try {
          return { synced: await syncTemplates(ctx, ch.id) };
        } catch (err) {
          if (err instanceof GraphApiError)
            throw new AppError('whatsapp_unreachable', { graphCode: err.code, graphTitle: err.title });
          throw err;
        }
      },
    );
  };
}
