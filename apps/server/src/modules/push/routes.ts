import {
  notificationSettings,
  pushKeyResponse,
  pushSubscriptionRequest,
  pushUnsubscribeRequest,
  workspaceParams,
} from '@parley/contracts';
import { and, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { memberships } from '../../db/schema.js';
import { requireMember, requireUser } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';
import { notificationSettingsOf, subscribe, unsubscribe, vapidKeys } from './index.js';

export function pushRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['notifications'];
    app.get(
      '/push/key',
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: "The server's VAPID public key for PushManager.subscribe",
          response: responses({ 200: pushKeyResponse }),
        },
      },
      async () => ({ publicKey: (await vapidKeys(ctx)).publicKey }),
    );
    app.post(
      '/push/subscriptions',
      {
        config: { access: 'user' },
        schema: { tags, summary: 'Register this browser for Web Push', body: pushSubscriptionRequest },
      },
      async (request, reply) => {
        const ua = request.headers['user-agent']?.slice(0, 300) ?? null;
        await subscribe(ctx, requireUser(request).user.id, request.body, ua);
        return reply.code(204).send();
      },
    );
    app.post(
      '/push/unsubscribe',
      {
        config: { access: 'user' },
        schema: { tags, summary: 'Stop Web Push to this browser', body: pushUnsubscribeRequest },
      },
      async (request, reply) => {
        await unsubscribe(ctx, requireUser(request).user.id, request.body.endpoint);
        return reply.code(204).send();
      },
    );
    app.get(
      '/workspaces/:workspaceId/notification-settings',
      {
        config: { access: 'notifications.read' },
        schema: { tags, params: workspaceParams, response: responses({ 200: notificationSettings }) },
      },
      async (request) => {
        const m = requireMember(request);
        const [row] = await ctx.db
          .select({ s: memberships.notificationSettings })
          .from(memberships)
          .where(and(eq(memberships.workspaceId, m.workspaceId), eq(memberships.userId, m.user.id)));
        return notificationSettingsOf(row?.s);
      },
    );
    app.put(
      '/workspaces/:workspaceId/notification-settings',
      {
        config: { access: 'notifications.read' },
        schema: {
          tags,
          summary: 'What reaches me as Web Push when no Parley tab is open',
          params: workspaceParams,
          body: notificationSettings,
          response: responses({ 200: notificationSettings }),
        },
      },
      async (request) => {
        const m = requireMember(request);
        await ctx.db
          .update(memberships)
          .set({ notificationSettings: request.body, updatedAt: new Date() })
          .where(and(eq(memberships.workspaceId, m.workspaceId), eq(memberships.userId, m.user.id)));
        return request.body;
      },
    );
  };
}
