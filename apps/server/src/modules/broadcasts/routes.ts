import { Readable } from 'node:stream';
import {
  audienceImportRequest,
  audienceImportResponse,
  audiencePreviewRequest,
  audiencePreviewResponse,
  broadcastDto,
  broadcastListResponse,
  broadcastParams,
  broadcastRecipientsQuery,
  broadcastRecipientsResponse,
  createBroadcastRequest,
  retryFailedResponse,
  workspaceParams,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { requireMember } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';
import { importAudience, previewAudience } from './preview.js';
import {
  changeBroadcastState,
  createBroadcast,
  getBroadcast,
  listBroadcasts,
  listRecipients,
  recipientsCsv,
  retryFailed,
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
    app.post(
      '/workspaces/:workspaceId/broadcasts/audience-preview',
      {
        config: { access: 'broadcasts.manage' },
        schema: {
          tags,
          summary:
            'The review step: who would receive a broadcast now, why the others would not, the daily limit and the duration',
          params: workspaceParams,
          body: audiencePreviewRequest,
          response: responses({ 200: audiencePreviewResponse }),
        },
      },
      async (request) => previewAudience(ctx, requireMember(request), request.body),
    );
    app.post(
      '/workspaces/:workspaceId/broadcasts/audience-import',
      {
        config: { access: 'broadcasts.manage' },
        bodyLimit: 6 * 1024 * 1024,
        schema: {
          tags,
          summary:
            'A static list from CSV (phone, name, consent_proof): contacts matched or created, consent with proof recorded',
          params: workspaceParams,
          body: audienceImportRequest,
          response: responses({ 200: audienceImportResponse }),
        },
      },
      async (request) => importAudience(ctx, requireMember(request), request.body),
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
    app.get(
      '/workspaces/:workspaceId/broadcasts/:broadcastId/recipients.csv',
      {
        config: { access: 'broadcasts.read' },
        schema: {
          tags,
          summary: 'Every recipient and outcome as CSV (UTF-8, formulas escaped)',
          params: broadcastParams,
          produces: ['text/csv'],
        },
      },
      async (request, reply) => {
        const { workspaceId } = requireMember(request);
        const lines = recipientsCsv(ctx, workspaceId, request.params.broadcastId);
        // The first chunk (the header) comes after the broadcast was found: a 404 stays a JSON answer.
        const first = await lines.next();
        const rest = async function* () {
          if (!first.done) yield `\uFEFF${first.value}`;
          yield* lines;
        };
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="broadcast-${request.params.broadcastId.slice(0, 8)}-recipients.csv"`,
          )
          .header('cache-control', 'no-store')
          .send(Readable.from(rest()));
      },
    );
    app.post(
      '/workspaces/:workspaceId/broadcasts/:broadcastId/retry-failed',
      {
        config: { access: 'broadcasts.manage' },
        schema: {
          tags,
          summary: 'Send the transient failures again (never those refused for good)',
          params: broadcastParams,
          response: responses({ 200: retryFailedResponse }),
        },
      },
      async (request) => retryFailed(ctx, requireMember(request), request.params.broadcastId),
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
