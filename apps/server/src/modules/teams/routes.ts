import {
  createTeamRequest,
  setTeamMembersRequest,
  teamDto,
  teamListResponse,
  teamParams,
  updateTeamRequest,
  workspaceParams,
} from '@parley/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { requireMember } from '../../http/auth.js';
import { clientInfo, responses } from '../../http/route-helpers.js';
import { createTeam, deleteTeam, listTeams, setTeamMembers, updateTeam } from './service.js';

export function teamRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['teams'];
    app.get(
      '/workspaces/:workspaceId/teams',
      {
        config: { access: 'teams.read' },
        schema: { tags, params: workspaceParams, response: responses({ 200: teamListResponse }) },
      },
      async (request) => {
        requireMember(request);
        return { teams: await listTeams(ctx.db, request.params.workspaceId) };
      },
    );
    app.post(
      '/workspaces/:workspaceId/teams',
      {
        config: { access: 'teams.manage' },
        schema: {
          tags,
          params: workspaceParams,
          body: createTeamRequest,
          response: responses({ 201: teamDto }),
        },
      },
      async (request, reply) => {
        const member = requireMember(request);
        return reply
          .code(201)
          .send(await createTeam(ctx, member, request.body, clientInfo(request).ipPrefix));
      },
    );
    app.patch(
      '/workspaces/:workspaceId/teams/:teamId',
      {
        config: { access: 'teams.manage' },
        schema: { tags, params: teamParams, body: updateTeamRequest, response: responses({ 200: teamDto }) },
      },
      async (request) => {
        const member = requireMember(request);
        return updateTeam(ctx, member, request.params.teamId, request.body, clientInfo(request).ipPrefix);
      },
    );
    app.delete(
      '/workspaces/:workspaceId/teams/:teamId',
      { config: { access: 'teams.manage' }, schema: { tags, params: teamParams } },
      async (request, reply) => {
        const member = requireMember(request);
        await deleteTeam(ctx, member, request.params.teamId, clientInfo(request).ipPrefix);
        return reply.code(204).send();
      },
    );
    app.put(
      '/workspaces/:workspaceId/teams/:teamId/members',
      {
        config: { access: 'teams.manage' },
        schema: {
          tags,
          summary: "Replace a team's members",
          params: teamParams,
          body: setTeamMembersRequest,
          response: responses({ 200: teamDto }),
        },
      },
      async (request) => {
        const member = requireMember(request);
        return setTeamMembers(
          ctx,
          member,
          request.params.teamId,
          request.body.userIds,
          clientInfo(request).ipPrefix,
        );
      },
    );
  };
}
