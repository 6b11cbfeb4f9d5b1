import { contactDto, contactParams } from '@parley/contracts';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { contacts, conversations } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { responses } from '../../http/route-helpers.js';
import { toContactSummary } from '../conversations/presenter.js';

export function contactRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
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
