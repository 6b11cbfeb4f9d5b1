import {
  conversationParams,
  scheduledListResponse,
  scheduledMessageDto,
  scheduledParams,
  scheduleMessageRequest,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { requireMember } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';
import { cancelScheduled, listScheduled, scheduleMessage } from './service.js';

export function scheduledRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['conversations'];
    app.get(
      '/workspaces/:workspaceId/conversations/:conversationId/scheduled',
      {
        config: { access: 'conversations.read' },
        schema: {
          tags,
          summary: 'Scheduled messages (and those sent or failed in the last week)',
          params: conversationParams,
          response: responses({ 200: scheduledListResponse }),
        },
      },
      async (request) => listScheduled(ctx, requireMember(request), request.params.conversationId),
    );
    app.post(
      '/workspaces/:workspaceId/conversations/:conversationId/scheduled',
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags,
          summary: 'Send later: the 24-hour window is checked when it goes; the author hears if it could not',
          params: conversationParams,
          body: scheduleMessageRequest,
          response: responses({ 201: scheduledMessageDto }),
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            await scheduleMessage(ctx, requireMember(request), request.params.conversationId, request.body),
          ),
    );
    app.delete(
      '/workspaces/:workspaceId/conversations/:conversationId/scheduled/:scheduledId',
      {
        config: { access: 'conversations.reply' },
        schema: { tags, summary: 'Cancel a scheduled message', params: scheduledParams },
      },
      async (request, reply) => {
        await cancelScheduled(
          ctx,
          requireMember(request),
          request.params.conversationId,
          request.params.scheduledId,
        );
        return reply.code(204).send();
      },
    );
  };
}
