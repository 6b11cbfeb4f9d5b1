import {
  agentRoutingListResponse,
  channelRoutingDto,
  channelRoutingRequest,
  memberParams,
  memberRoutingRequest,
  presenceRequest,
  takeoverRequest,
  takeoverResponse,
  workspaceParams,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { requireMember } from '../../http/auth.js';
import { clientInfo, responses } from '../../http/route-helpers.js';
import {
  getChannelRouting,
  listAgentRouting,
  setChannelRouting,
  setMemberRouting,
  setPresence,
  takeOver,
} from './service.js';

const channelParams = z.object({ workspaceId: z.uuid(), channelId: z.uuid() });

export function routingRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['routing'];
    app.get(
      '/workspaces/:workspaceId/channels/:channelId/routing',
      {
        config: { access: 'channels.read' },
        schema: {
          tags,
          summary: "A channel's teams and automatic assignment",
          params: channelParams,
          response: responses({ 200: channelRoutingDto }),
        },
      },
      async (request) =>
        getChannelRouting(ctx.db, requireMember(request).workspaceId, request.params.channelId),
    );
    app.put(
      '/workspaces/:workspaceId/channels/:channelId/routing',
      {
        config: { access: 'routing.manage' },
        schema: {
          tags,
          summary: 'Give a channel to teams (none = every agent) and set automatic assignment',
          params: channelParams,
          body: channelRoutingRequest,
          response: responses({ 200: channelRoutingDto }),
        },
      },
      async (request) =>
        setChannelRouting(
          ctx,
          requireMember(request),
          request.params.channelId,
          request.body,
          clientInfo(request).ipPrefix,
        ),
    );
    app.get(
      '/workspaces/:workspaceId/routing/agents',
      {
        config: { access: 'members.read' },
        schema: {
          tags,
          summary: "Everyone's availability, load and capacity, and the queue's length",
          params: workspaceParams,
          response: responses({ 200: agentRoutingListResponse }),
        },
      },
      async (request) => listAgentRouting(ctx.db, requireMember(request).workspaceId),
    );
    app.patch(
      '/workspaces/:workspaceId/members/:userId/routing',
      {
        config: { access: 'routing.manage' },
        schema: {
          tags,
          summary: "A member's capacity for automatic assignment and absence",
          params: memberParams,
          body: memberRoutingRequest,
        },
      },
      async (request, reply) => {
        await setMemberRouting(
          ctx,
          requireMember(request),
          request.params.userId,
          request.body,
          clientInfo(request).ipPrefix,
        );
        return reply.code(204).send();
      },
    );
    app.post(
      '/workspaces/:workspaceId/members/:userId/takeover',
      {
        config: { access: 'conversations.assign' },
        schema: {
          tags,
          summary: "Take over an absent colleague's open conversations",
          params: memberParams,
          body: takeoverRequest,
          response: responses({ 200: takeoverResponse }),
        },
      },
      async (request) => takeOver(ctx, requireMember(request), request.params.userId, request.body.toUserId),
    );
    app.put(
      '/workspaces/:workspaceId/presence',
      {
        config: { access: 'presence.update' },
        schema: { tags, summary: 'Set my availability', params: workspaceParams, body: presenceRequest },
      },
      async (request, reply) => {
        await setPresence(ctx, requireMember(request), request.body.availability);
        return reply.code(204).send();
      },
    );
  };
}
