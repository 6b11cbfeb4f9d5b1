import {
  createQuickReplyRequest,
  quickReplyDto,
  quickReplyListResponse,
  quickReplyParams,
  updateQuickReplyRequest,
  useQuickReplyRequest,
  useQuickReplyResponse,
  workspaceParams,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { requireMember } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';
import {
  createQuickReply,
  deleteQuickReply,
  listQuickReplies,
  updateQuickReply,
  useQuickReply,
} from './service.js';

/** Quick replies (canned responses): shared ones for the workspace, personal ones per person. */
export function quickReplyRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['quick-replies'];
    app.get(
      '/workspaces/:workspaceId/quick-replies',
      {
        config: { access: 'quickReplies.read' },
        schema: {
          tags,
          summary: 'The shared quick replies and your personal ones',
          params: workspaceParams,
          response: responses({ 200: quickReplyListResponse }),
        },
      },
      async (request) => ({ quickReplies: await listQuickReplies(ctx, requireMember(request)) }),
    );
    app.post(
      '/workspaces/:workspaceId/quick-replies',
      {
        config: { access: 'quickReplies.write' },
        schema: {
          tags,
          summary: 'Create a quick reply (shared ones: owners and admins)',
          params: workspaceParams,
          body: createQuickReplyRequest,
          response: responses({ 201: quickReplyDto }),
        },
      },
      async (request, reply) =>
        reply.code(201).send(await createQuickReply(ctx, requireMember(request), request.body)),
    );
    app.patch(
      '/workspaces/:workspaceId/quick-replies/:quickReplyId',
      {
        config: { access: 'quickReplies.write' },
        schema: {
          tags,
          params: quickReplyParams,
          body: updateQuickReplyRequest,
          response: responses({ 200: quickReplyDto }),
        },
      },
      async (request) =>
        updateQuickReply(ctx, requireMember(request), request.params.quickReplyId, request.body),
    );
    app.delete(
      '/workspaces/:workspaceId/quick-replies/:quickReplyId',
      { config: { access: 'quickReplies.write' }, schema: { tags, params: quickReplyParams } },
      async (request, reply) => {
        await deleteQuickReply(ctx, requireMember(request), request.params.quickReplyId);
        return reply.code(204).send();
      },
    );
    app.post(
      '/workspaces/:workspaceId/quick-replies/:quickReplyId/use',
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags,
          summary: 'Fill in a quick reply for a conversation (and copy its attachment), ready to send',
          description:
            'Renders the variables ({{contact.name}}, {{contact.first_name}}, {{contact.phone}}, {{agent.name}}, {{agent.first_name}}, {{workspace.name}}) for the conversation and, when the quick reply has a file, returns a fresh upload holding a copy of it: send it with `POST …/messages` `{ "media": { "mediaId" } }`. Nothing is sent. 404 for a conversation you may not see.',
          params: quickReplyParams,
          body: useQuickReplyRequest,
          response: responses({ 200: useQuickReplyResponse }),
        },
      },
      async (request) =>
        useQuickReply(ctx, requireMember(request), request.params.quickReplyId, request.body.conversationId),
    );
  };
}
