import {
  channelDto,
  channelListResponse,
  channelParams,
  createChannelRequest,
  createChannelResponse,
  updateChannelRequest,
  workspaceParams,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { requireMember } from '../../http/auth.js';
import { clientInfo, responses } from '../../http/route-helpers.js';
import { createChannel, getChannel, listChannels, toChannelDto, updateChannel } from './service.js';

export function channelRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['channels'];
    app.get(
      '/workspaces/:workspaceId/channels',
      {
        config: { access: 'channels.read' },
        schema: { tags, params: workspaceParams, response: responses({ 200: channelListResponse }) },
      },
      async (request) => ({
        channels: (await listChannels(ctx.db, request.params.workspaceId)).map((c) => toChannelDto(ctx, c)),
      }),
    );
    app.post(
      '/workspaces/:workspaceId/channels',
      {
        config: { access: 'channels.manage' },
        schema: {
          tags,
          summary: 'Connect a WhatsApp number (credentials are checked against the Graph API)',
          params: workspaceParams,
          body: createChannelRequest,
          response: responses({ 201: createChannelResponse }),
        },
      },
      async (request, reply) => {
        const member = requireMember(request);
        const { channel, verifyToken } = await createChannel(
          ctx,
          member,
          request.body,
          clientInfo(request).ipPrefix,
        );
        return reply.code(201).send({ ...toChannelDto(ctx, channel), verifyToken });
      },
    );
    app.get(
      '/workspaces/:workspaceId/channels/:channelId',
      {
        config: { access: 'channels.read' },
        schema: { tags, params: channelParams, response: responses({ 200: channelDto }) },
      },
      async (request) =>
        toChannelDto(ctx, await getChannel(ctx.db, request.params.workspaceId, request.params.channelId)),
    );
    app.patch(
      '/workspaces/:workspaceId/channels/:channelId',
      {
        config: { access: 'channels.manage' },
        schema: {
          tags,
          summary:
            'Rename a number or renew its access token or app secret (a new token is checked against the Graph API)',
          params: channelParams,
          body: updateChannelRequest,
          response: responses({ 200: channelDto }),
        },
      },
      async (request) => {
        const member = requireMember(request);
        const channel = await updateChannel(
          ctx,
          member,
          request.params.channelId,
          request.body,
          clientInfo(request).ipPrefix,
        );
        return toChannelDto(ctx, channel);
      },
    );
  };
}
