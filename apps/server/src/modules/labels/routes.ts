import {
  createLabelRequest,
  labelDto,
  labelListResponse,
  labelParams,
  updateLabelRequest,
  workspaceParams,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { requireMember } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';
import { createLabel, deleteLabel, listLabels, updateLabel } from './service.js';

export function labelRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['labels'];
    app.get(
      '/workspaces/:workspaceId/labels',
      {
        config: { access: 'labels.read' },
        schema: { tags, params: workspaceParams, response: responses({ 200: labelListResponse }) },
      },
      async (request) => listLabels(ctx.db, requireMember(request).workspaceId),
    );
    app.post(
      '/workspaces/:workspaceId/labels',
      {
        config: { access: 'labels.manage' },
        schema: {
          tags,
          summary: 'Create a label (names are unique ignoring case)',
          params: workspaceParams,
          body: createLabelRequest,
          response: responses({ 201: labelDto }),
        },
      },
      async (request, reply) =>
        reply.code(201).send(await createLabel(ctx, requireMember(request).workspaceId, request.body)),
    );
    app.patch(
      '/workspaces/:workspaceId/labels/:labelId',
      {
        config: { access: 'labels.manage' },
        schema: {
          tags,
          params: labelParams,
          body: updateLabelRequest,
          response: responses({ 200: labelDto }),
        },
      },
      async (request) =>
        updateLabel(ctx, requireMember(request).workspaceId, request.params.labelId, request.body),
    );
    app.delete(
      '/workspaces/:workspaceId/labels/:labelId',
      {
        config: { access: 'labels.manage' },
        schema: {
          tags,
          summary: 'Delete a label (it leaves every conversation and contact)',
          params: labelParams,
        },
      },
      async (request, reply) => {
        await deleteLabel(ctx, requireMember(request).workspaceId, request.params.labelId);
        return reply.code(204).send();
      },
    );
  };
}
