import {
  type SavedViewDto,
  savedViewDto,
  savedViewListResponse,
  savedViewRequest,
  viewFilters,
  viewParams,
  workspaceParams,
} from '@parley/contracts';
import { and, asc, eq, isNull, or } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { savedViews } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { type Member, requireMember } from '../../http/auth.js';
import { responses } from '../../http/route-helpers.js';

type Row = typeof savedViews.$inferSelect;
const MAX_VIEWS = 50;

function toDto(r: Row): SavedViewDto {
  // Stored filters are read through the schema: an older or hand-edited row cannot break the list.
  const filters = viewFilters.safeParse(r.filters);
  return {
    id: r.id,
    name: r.name,
    filters: filters.success ? filters.data : {},
    shared: r.userId === null,
    createdAt: r.createdAt.toISOString(),
  };
}

const visibleTo = (m: Member) =>
  and(
    eq(savedViews.workspaceId, m.workspaceId),
    or(isNull(savedViews.userId), eq(savedViews.userId, m.user.id)),
  );

/** A view the member may change: their own, or a shared one for owners and admins. */
async function ownView(ctx: AppContext, m: Member, viewId: string) {
  const [r] = await ctx.db
    .select()
    .from(savedViews)
    .where(and(eq(savedViews.id, viewId), visibleTo(m)));
  if (!r) throw new AppError('not_found');
  if (r.userId === null && m.role === 'agent') throw new AppError('forbidden');
  return r;
}

/** Saved views: combinations of inbox filters, personal or shared (shared ones by owners and admins). */
export function viewRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['views'];
    app.get(
      '/workspaces/:workspaceId/views',
      {
        config: { access: 'conversations.read' },
        schema: { tags, params: workspaceParams, response: responses({ 200: savedViewListResponse }) },
      },
      async (request) => {
        const rows = await ctx.db
          .select()
          .from(savedViews)
          .where(visibleTo(requireMember(request)))
          .orderBy(asc(savedViews.position), asc(savedViews.createdAt));
        return { views: rows.map(toDto) };
      },
    );
    app.post(
      '/workspaces/:workspaceId/views',
      {
        config: { access: 'conversations.read' },
        schema: {
          tags,
          summary: 'Save a view (shared ones only by owners and admins)',
          params: workspaceParams,
          body: savedViewRequest,
          response: responses({ 201: savedViewDto }),
        },
      },
      async (request, reply) => {
        const m = requireMember(request);
        if (request.body.shared && m.role === 'agent') throw new AppError('forbidden');
        const existing = await ctx.db.select({ id: savedViews.id }).from(savedViews).where(visibleTo(m));
        if (existing.length >= MAX_VIEWS)
          throw new AppError('validation_failed', {
            issues: [{ path: 'body', message: `At most ${MAX_VIEWS} views` }],
          });
        const [r] = await ctx.db
          .insert(savedViews)
          .values({
            workspaceId: m.workspaceId,
            userId: request.body.shared ? null : m.user.id,
            name: request.body.name,
            filters: request.body.filters,
            position: existing.length,
          })
          .returning();
        return reply.code(201).send(toDto(r!));
      },
    );
    app.put(
      '/workspaces/:workspaceId/views/:viewId',
      {
        config: { access: 'conversations.read' },
        schema: {
          tags,
          summary: 'Rename a view or change its filters',
          params: viewParams,
          body: savedViewRequest.omit({ shared: true }),
          response: responses({ 200: savedViewDto }),
        },
      },
      async (request) => {
        const m = requireMember(request);
        const r = await ownView(ctx, m, request.params.viewId);
        const [u] = await ctx.db
          .update(savedViews)
          .set({ name: request.body.name, filters: request.body.filters, updatedAt: new Date() })
          .where(eq(savedViews.id, r.id))
          .returning();
        return toDto(u!);
      },
    );
    app.delete(
      '/workspaces/:workspaceId/views/:viewId',
      {
        config: { access: 'conversations.read' },
        schema: { tags, params: viewParams },
      },
      async (request, reply) => {
        const m = requireMember(request);
        const r = await ownView(ctx, m, request.params.viewId);
        await ctx.db.delete(savedViews).where(eq(savedViews.id, r.id));
        return reply.code(204).send();
      },
    );
  };
}
