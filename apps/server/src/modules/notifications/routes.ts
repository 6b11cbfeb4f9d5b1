import {
  markReadRequest,
  notificationListQuery,
  notificationListResponse,
  workspaceParams,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { requireMember } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';
import { listNotifications, markNotificationsRead } from './index.js';

export function notificationRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['notifications'];
    app.get(
      '/workspaces/:workspaceId/notifications',
      {
        config: { access: 'notifications.read' },
        schema: {
          tags,
          summary: 'My notifications (mentions, assignments), newest first, with the unread count',
          params: workspaceParams,
          querystring: notificationListQuery,
          response: responses({ 200: notificationListResponse }),
        },
      },
      async (request) => {
        const m = requireMember(request);
        return listNotifications(ctx.db, m.workspaceId, m.user.id, request.query);
      },
    );
    app.post(
      '/workspaces/:workspaceId/notifications/read',
      {
        config: { access: 'notifications.read' },
        schema: {
          tags,
          summary: 'Mark notifications read (all of them without ids); answers the unread count left',
          params: workspaceParams,
          body: markReadRequest,
          response: responses({ 200: z.object({ unread: z.number().int() }) }),
        },
      },
      async (request) => {
        const m = requireMember(request);
        await markNotificationsRead(ctx.db, m.workspaceId, m.user.id, request.body.ids ?? null);
        const { unread } = await listNotifications(ctx.db, m.workspaceId, m.user.id, { limit: 1 });
        return { unread };
      },
    );
  };
}
