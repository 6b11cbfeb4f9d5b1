import {
  contactDto,
  contactParams,
  conversationDto,
  conversationListQuery,
  conversationListResponse,
  conversationParams,
  messageDto,
  messageListQuery,
  messageListResponse,
  messageParams,
  sendMessageRequest,
  workspaceParams,
} from '@parley/contracts';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { contacts, conversations } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { requireMember } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';
import { toContactSummary, toConversationDto } from './presenter.js';
import {
  getConversation,
  listConversations,
  listMessages,
  markConversationRead,
  retryMessage,
  sendMessage,
  setConversationStatus,
} from './service.js';

export function conversationRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['conversations'];
    app.get(
      '/workspaces/:workspaceId/conversations',
      {
        config: { access: 'conversations.read' },
        schema: {
          tags,
          summary: 'Conversations, newest activity first',
          params: workspaceParams,
          querystring: conversationListQuery,
          response: responses({ 200: conversationListResponse }),
        },
      },
      async (request) => listConversations(ctx, requireMember(request), request.query),
    );
    app.get(
      '/workspaces/:workspaceId/conversations/:conversationId',
      {
        config: { access: 'conversations.read' },
        schema: { tags, params: conversationParams, response: responses({ 200: conversationDto }) },
      },
      async (request) => {
        const { c, contact } = await getConversation(
          ctx,
          requireMember(request),
          request.params.conversationId,
        );
        return toConversationDto(ctx, ctx.db, c, contact);
      },
    );
    app.get(
      '/workspaces/:workspaceId/conversations/:conversationId/messages',
      {
        config: { access: 'conversations.read' },
        schema: {
          tags,
          summary: 'Messages, newest first',
          params: conversationParams,
          querystring: messageListQuery,
          response: responses({ 200: messageListResponse }),
        },
      },
      async (request) =>
        listMessages(ctx, requireMember(request), request.params.conversationId, request.query),
    );
    app.post(
      '/workspaces/:workspaceId/conversations/:conversationId/messages',
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags,
          summary: 'Send a text, template, media or reaction message (queued, then sent once)',
          params: conversationParams,
          body: sendMessageRequest,
          response: responses({ 202: messageDto }),
        },
      },
      async (request, reply) =>
        reply
          .code(202)
          .send(await sendMessage(ctx, requireMember(request), request.params.conversationId, request.body)),
    );
    app.post(
      '/workspaces/:workspaceId/conversations/:conversationId/messages/:messageId/retry',
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags,
          summary: 'Send a failed message again',
          params: messageParams,
          response: responses({ 202: messageDto }),
        },
      },
      async (request, reply) =>
        reply
          .code(202)
          .send(
            await retryMessage(
              ctx,
              requireMember(request),
              request.params.conversationId,
              request.params.messageId,
            ),
          ),
    );
    app.post(
      '/workspaces/:workspaceId/conversations/:conversationId/read',
      {
        config: { access: 'conversations.read' },
        schema: { tags, summary: 'Mark read by the team', params: conversationParams },
      },
      async (request, reply) => {
        await markConversationRead(ctx, requireMember(request), request.params.conversationId);
        return reply.code(204).send();
      },
    );
    app.post(
      '/workspaces/:workspaceId/conversations/:conversationId/status',
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags,
          summary: 'Resolve or reopen',
          params: conversationParams,
          body: z.object({ status: z.enum(['open', 'pending', 'resolved']) }),
        },
      },
      async (request, reply) => {
        await setConversationStatus(
          ctx,
          requireMember(request),
          request.params.conversationId,
          request.body.status,
        );
        return reply.code(204).send();
      },
    );
    app.get(
      '/workspaces/:workspaceId/contacts/:contactId',
      {
        config: { access: 'contacts.read' },
        schema: { tags: ['contacts'], params: contactParams, response: responses({ 200: contactDto }) },
      },
      async (request) => {
        const { workspaceId, contactId } = request.params;
        const [contact] = await ctx.db
          .select()
          .from(contacts)
          .where(and(eq(contacts.id, contactId), eq(contacts.workspaceId, workspaceId)));
        if (!contact) throw new AppError('not_found');
        const convs = await ctx.db
          .select()
          .from(conversations)
          .where(and(eq(conversations.contactId, contactId), eq(conversations.workspaceId, workspaceId)))
          .orderBy(desc(conversations.lastMessageAt));
        return {
          ...(await toContactSummary(ctx, ctx.db, contact)),
          createdAt: contact.createdAt.toISOString(),
          conversations: convs.map((c) => ({
            id: c.id,
            channelId: c.channelId,
            status: c.status,
            lastMessageAt: c.lastMessageAt.toISOString(),
          })),
        };
      },
    );
  };
}
