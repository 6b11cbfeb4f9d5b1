import {
  broadcastDto,
  broadcastListResponse,
  broadcastParams,
  broadcastRecipientsQuery,
  broadcastRecipientsResponse,
  createBroadcastRequest,
  workspaceParams,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { requireMember } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';
import {
  changeBroadcastState,
  createBroadcast,
  getBroadcast,
  listBroadcasts,
  listRecipients,
  startBroadcast,
} from './service.js';

export function broadcastRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['broadcasts'];
    app.post(
      '/workspaces/:workspaceId/broadcasts',
      {
        config: { access: 'broadcasts.manage' },
        schema: {
          tags,
          summary: 'Create a broadcast (draft) of an approved template to an audience',
          params: workspaceParams,
          body: createBroadcastRequest,
          response: responses({ 201: z.object({ id: z.uuid() }) }),
        },
      },
      async (request, reply) =>
        reply.code(201).send(await createBroadcast(ctx, requireMember(request), request.body)),
    );
    app.get(
      '/workspaces/:workspaceId/broadcasts',
      {
        config: { access: 'broadcasts.read' },
        schema: {
          tags,
          summary: 'Broadcasts, newest first',
          params: workspaceParams,
          response: responses({ 200: broadcastListResponse }),
        },
      },
      async (request) => ({ items: await listBroadcasts(ctx, requireMember(request).workspaceId) }),
    );
    app.get(
      '/workspaces/:workspaceId/broadcasts/:broadcastId',
      {
        config: { access: 'broadcasts.read' },
        schema: {
          tags,
          summary: 'A broadcast with its counts per recipient state',
          params: broadcastParams,
          response: responses({ 200: broadcastDto }),
        },
      },
      async (request) => getBroadcast(ctx, requireMember(request).workspaceId, request.params.broadcastId),
    );
    app.get(
      '/workspaces/:workspaceId/broadcasts/:broadcastId/recipients',
      {
        config: { access: 'broadcasts.read' },
        schema: {
          tags,
          summary: 'Recipients and their outcome, in pages',
          params: broadcastParams,
          querystring: broadcastRecipientsQuery,
          response: responses({ 200: broadcastRecipientsResponse }),
        },
      },
      async (request) =>
        listRecipients(ctx, requireMember(request).workspaceId, request.params.broadcastId, request.query),
    );
    app.post(
      '/workspaces/:workspaceId/broadcasts/:broadcastId/start',
      {
        config: { access: 'broadcasts.manage' },
        schema: {
          tags,
          summary: 'Freeze the audience and send (at scheduledAt when it is in the future)',
          params: broadcastParams,
          response: responses({ 200: broadcastDto }),
        },
      },
      async (request) => startBroadcast(ctx, requireMember(request), request.params.broadcastId),
    );
    for (const action of ['pause', 'resume', 'cancel'] as const)
      app.post(
        `/workspaces/:workspaceId/broadcasts/:broadcastId/${action}`,
        {
          config: { access: 'broadcasts.manage' },
          schema: {
            tags,
            summary: `${action[0]!.toUpperCase()}${action.slice(1)} a broadcast`,
            params: broadcastParams,
            response: responses({ 200: broadcastDto }),
          },
        },
        async (request) =>
          changeBroadcastState(ctx, requireMember(request), request.params.broadcastId, action),
      );
  };
}
