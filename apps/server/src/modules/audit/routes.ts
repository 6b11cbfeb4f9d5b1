import { auditListQuery, auditListResponse, workspaceParams } from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { requireMember } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';
import { listAuditEvents, verifyChain } from './service.js';

export function auditRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/workspaces/:workspaceId/audit-events',
      {
        config: { access: 'audit.read' },
        schema: {
          tags: ['audit'],
          summary: 'Audit log, newest first, with a check of the hash chain',
          params: workspaceParams,
          querystring: auditListQuery,
          response: responses({ 200: auditListResponse }),
        },
      },
      async (request) => {
        const { workspaceId } = request.params;
        requireMember(request);
        const events = await listAuditEvents(ctx.db, workspaceId, request.query);
        return { events, chainValid: await verifyChain(ctx, ctx.db, workspaceId) };
      },
    );
  };
}
