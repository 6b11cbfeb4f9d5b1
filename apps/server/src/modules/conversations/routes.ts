import {
  assignmentRequest,
  bulkActionRequest,
  bulkActionResponse,
  conversationDto,
  conversationListQuery,
  conversationListResponse,
  conversationParams,
  messageDto,
  messageListQuery,
  messageListResponse,
  messageParams,
  noteRequest,
  priorityRequest,
  sendMessageRequest,
  setLabelsRequest,
  statusRequest,
  workspaceParams,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { requireMember } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';
import { assignConversation, takeConversation } from '../assignment/service.js';
import {
  getConversation,
  listConversations,
  listMessages,
  markConversationRead,
  markConversationUnread,
  presentConversation,
  retryMessage,
  sendMessage,
} from './service.js';
import {
  addNote,
  bulkAction,
  setConversationLabels,
  setConversationPriority,
  setConversationStatus,
} from './workflow.js';

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
        const member = requireMember(request);
        const { c, contact } = await getConversation(ctx, member, request.params.conversationId);
        return presentConversation(ctx, c, contact, member.user.id);
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
      '/workspaces/:workspaceId/conversations/:conversationId/unread',
      {
        config: { access: 'conversations.read' },
        schema: {
          tags,
          summary: 'Mark unread for me (the team keeps its read state)',
          params: conversationParams,
        },
      },
      async (request, reply) => {
        await markConversationUnread(ctx, requireMember(request), request.params.conversationId);
        return reply.code(204).send();
      },
    );
    app.post(
      '/workspaces/:workspaceId/conversations/:conversationId/status',
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags,
          summary: 'Open, pending, snoozed until a time, or resolved',
          params: conversationParams,
          body: statusRequest,
        },
      },
      async (request, reply) => {
        await setConversationStatus(ctx, requireMember(request), request.params.conversationId, request.body);
        return reply.code(204).send();
      },
    );
    app.post(
      '/workspaces/:workspaceId/conversations/:conversationId/assignment',
      {
        config: { access: 'conversations.assign' },
        schema: {
          tags,
          summary: 'Assign to a person and/or a team (null unassigns)',
          params: conversationParams,
          body: assignmentRequest,
          response: responses({ 200: conversationDto }),
        },
      },
      async (request) =>
        assignConversation(ctx, requireMember(request), request.params.conversationId, request.body),
    );
    app.post(
      '/workspaces/:workspaceId/conversations/:conversationId/take',
      {
        config: { access: 'conversations.assign' },
        schema: {
          tags,
          summary: 'Take an unassigned conversation (409 already_assigned when someone was quicker)',
          params: conversationParams,
          response: responses({ 200: conversationDto }),
        },
      },
      async (request) => takeConversation(ctx, requireMember(request), request.params.conversationId),
    );
    app.post(
      '/workspaces/:workspaceId/conversations/:conversationId/notes',
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags,
          summary: 'Add an internal note (never sent to WhatsApp); @[Name](userId) mentions notify',
          params: conversationParams,
          body: noteRequest,
          response: responses({ 201: messageDto }),
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await addNote(ctx, requireMember(request), request.params.conversationId, request.body.text)),
    );
    app.post(
      '/workspaces/:workspaceId/conversations/:conversationId/priority',
      {
        config: { access: 'conversations.reply' },
        schema: { tags, summary: 'Set the priority', params: conversationParams, body: priorityRequest },
      },
      async (request, reply) => {
        await setConversationPriority(
          ctx,
          requireMember(request),
          request.params.conversationId,
          request.body.priority,
        );
        return reply.code(204).send();
      },
    );
    app.put(
      '/workspaces/:workspaceId/conversations/:conversationId/labels',
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags,
          summary: "Replace the conversation's labels",
          params: conversationParams,
          body: setLabelsRequest,
          response: responses({ 200: setLabelsRequest }),
        },
      },
      async (request) => ({
        labelIds: await setConversationLabels(
          ctx,
          requireMember(request),
          request.params.conversationId,
          request.body.labelIds,
        ),
      }),
    );
    app.post(
      '/workspaces/:workspaceId/conversations/bulk',
      {
        config: { access: 'conversations.assign' },
        schema: {
          tags,
          summary: 'One action (assign, label, status, snooze, priority) on up to 200 conversations',
          params: workspaceParams,
          body: bulkActionRequest,
          response: responses({ 200: bulkActionResponse }),
        },
      },
      async (request) => bulkAction(ctx, requireMember(request), request.body),
    );
  };
}
