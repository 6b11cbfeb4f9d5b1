import {
  acceptInviteRequest,
  acceptInviteResponse,
  createInviteRequest,
  createInviteResponse,
  createWorkspaceRequest,
  inviteListResponse,
  inviteParams,
  invitePreviewResponse,
  inviteTokenParams,
  memberListResponse,
  memberParams,
  updateMemberRequest,
  updateWorkspaceRequest,
  workspaceDto,
  workspaceParams,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { requireMember, requireUser, setSessionCookie } from '../../http/auth.js';
import { clientInfo, responses } from '../../http/route-helpers.js';
import { acceptInvite } from './accept-invite.js';
import {
  changeRole,
  createInvite,
  createWorkspace,
  endMemberSessions,
  findInviteByToken,
  getWorkspace,
  listInvites,
  listMembers,
  revokeInvite,
  setMemberActive,
  updateWorkspace,
} from './service.js';

const toWorkspaceDto = (w: {
  id: string;
  name: string;
  require2fa: boolean;
  settings: unknown;
  createdAt: Date;
}) => ({
  id: w.id,
  name: w.name,
  require2fa: w.require2fa,
  sendReadReceipts: (w.settings as { sendReadReceipts?: boolean } | null)?.sendReadReceipts === true,
  createdAt: w.createdAt.toISOString(),
});

export function workspaceRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['workspaces'];
    app.post(
      '/workspaces',
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary: 'Create another workspace (you become its owner)',
          body: createWorkspaceRequest,
          response: responses({ 201: workspaceDto }),
        },
      },
      async (request, reply) => {
        const { user } = requireUser(request);
        const w = await ctx.db.transaction((tx) =>
          createWorkspace(ctx, tx, {
            name: request.body.name,
            ownerId: user.id,
            ipPrefix: clientInfo(request).ipPrefix,
          }),
        );
        return reply.code(201).send(toWorkspaceDto(w));
      },
    );

    app.get(
      '/workspaces/:workspaceId',
      {
        config: { access: 'workspace.read' },
        schema: { tags, params: workspaceParams, response: responses({ 200: workspaceDto }) },
      },
      async (request) => {
        requireMember(request);
        return toWorkspaceDto(await getWorkspace(ctx.db, request.params.workspaceId));
      },
    );

    app.patch(
      '/workspaces/:workspaceId',
      {
        config: { access: 'workspace.update' },
        schema: {
          tags,
          summary: 'Rename; owners also set the 2FA requirement',
          params: workspaceParams,
          body: updateWorkspaceRequest,
          response: responses({ 200: workspaceDto }),
        },
      },
      async (request) => {
        const member = requireMember(request);
        return toWorkspaceDto(await updateWorkspace(ctx, member, request.body, clientInfo(request).ipPrefix));
      },
    );

    const ptags = ['people'];
    app.get(
      '/workspaces/:workspaceId/members',
      {
        config: { access: 'members.read' },
        schema: { tags: ptags, params: workspaceParams, response: responses({ 200: memberListResponse }) },
      },
      async (request) => {
        requireMember(request);
        return { members: await listMembers(ctx.db, request.params.workspaceId) };
      },
    );

    app.patch(
      '/workspaces/:workspaceId/members/:userId',
      {
        config: { access: 'members.manage' },
        schema: { tags: ptags, summary: 'Change a role', params: memberParams, body: updateMemberRequest },
      },
      async (request, reply) => {
        const member = requireMember(request);
        await changeRole(ctx, member, request.params.userId, request.body.role, clientInfo(request).ipPrefix);
        return reply.code(204).send();
      },
    );

    app.post(
      '/workspaces/:workspaceId/members/:userId/deactivate',
      {
        config: { access: 'members.manage' },
        schema: { tags: ptags, summary: 'Deactivate (keeps history, ends sessions)', params: memberParams },
      },
      async (request, reply) => {
        const member = requireMember(request);
        await setMemberActive(ctx, member, request.params.userId, false, clientInfo(request).ipPrefix);
        return reply.code(204).send();
      },
    );

    app.post(
      '/workspaces/:workspaceId/members/:userId/reactivate',
      { config: { access: 'members.manage' }, schema: { tags: ptags, params: memberParams } },
      async (request, reply) => {
        const member = requireMember(request);
        await setMemberActive(ctx, member, request.params.userId, true, clientInfo(request).ipPrefix);
        return reply.code(204).send();
      },
    );

    app.delete(
      '/workspaces/:workspaceId/members/:userId/sessions',
      {
        config: { access: 'members.manage' },
        schema: {
          tags: ptags,
          summary: "End all of a member's sessions",
          params: memberParams,
          response: responses({ 200: z.object({ ended: z.number() }) }),
        },
      },
      async (request) => {
        const member = requireMember(request);
        return {
          ended: await endMemberSessions(ctx, member, request.params.userId, clientInfo(request).ipPrefix),
        };
      },
    );

    app.get(
      '/workspaces/:workspaceId/invites',
      {
        config: { access: 'invites.manage' },
        schema: {
          tags: ptags,
          summary: 'Pending invites',
          params: workspaceParams,
          response: responses({ 200: inviteListResponse }),
        },
      },
      async (request) => {
        requireMember(request);
        return { invites: await listInvites(ctx.db, request.params.workspaceId) };
      },
    );

    app.post(
      '/workspaces/:workspaceId/invites',
      {
        config: { access: 'invites.manage' },
        schema: {
          tags: ptags,
          summary: 'Create a single-use invite link (7 days)',
          params: workspaceParams,
          body: createInviteRequest,
          response: responses({ 201: createInviteResponse }),
        },
      },
      async (request, reply) => {
        const member = requireMember(request);
        return reply
          .code(201)
          .send(await createInvite(ctx, member, request.body, clientInfo(request).ipPrefix));
      },
    );

    app.delete(
      '/workspaces/:workspaceId/invites/:inviteId',
      {
        config: { access: 'invites.manage' },
        schema: { tags: ptags, summary: 'Revoke an invite', params: inviteParams },
      },
      async (request, reply) => {
        const member = requireMember(request);
        await revokeInvite(ctx, member, request.params.inviteId, clientInfo(request).ipPrefix);
        return reply.code(204).send();
      },
    );

    app.get(
      '/invites/:token',
      {
        config: { access: 'public' },
        schema: {
          tags: ptags,
          summary: 'What an invite link is for',
          params: inviteTokenParams,
          response: responses({ 200: invitePreviewResponse }),
        },
      },
      async (request) => {
        const r = await findInviteByToken(ctx.db, request.params.token);
        return {
          workspaceName: r.workspaceName,
          role: r.invite.role,
          email: r.invite.email,
          invitedBy: r.invitedBy,
          expiresAt: r.invite.expiresAt.toISOString(),
        };
      },
    );

    app.post(
      '/invites/:token/accept',
      {
        config: { access: 'public' },
        schema: {
          tags: ptags,
          summary: 'Accept an invite (signed in: join; otherwise create the account)',
          params: inviteTokenParams,
          body: acceptInviteRequest,
          response: responses({ 200: acceptInviteResponse }),
        },
      },
      async (request, reply) => {
        const r = await acceptInvite(
          ctx,
          request.params.token,
          request.body,
          request.auth,
          clientInfo(request),
        );
        if (r.newSession) setSessionCookie(ctx, reply, r.newSession.token, r.newSession.session);
        return { workspaceId: r.workspaceId };
      },
    );
  };
}
