import type { createTeamRequest, TeamDto, teamListResponse, updateTeamRequest } from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiDelete, apiGet, apiPatch, apiPost, apiPut, workspacePath } from '../../lib/api';
import { formErrors } from '../../lib/query-client';
import { membersKey } from '../people/api';

export type { TeamDto };
export type CreateTeamInput = z.input<typeof createTeamRequest>;
export type UpdateTeamInput = z.input<typeof updateTeamRequest>;

const teamsKey = (workspaceId: string) => ['workspace', workspaceId, 'teams'] as const;
const teamPath = (workspaceId: string, teamId: string, rest = '') =>
  workspacePath(workspaceId, `/teams/${encodeURIComponent(teamId)}${rest}`);

export function useTeams(workspaceId: string) {
  return useQuery({
    queryKey: teamsKey(workspaceId),
    queryFn: () => apiGet<z.infer<typeof teamListResponse>>(workspacePath(workspaceId, '/teams')),
  });
}

/** Creates or updates a team, then sets its members when they changed. */
export function useSaveTeam(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: {
      teamId: string | null;
      fields: CreateTeamInput;
      memberIds: string[] | null;
    }): Promise<TeamDto> => {
      const team = input.teamId
        ? await apiPatch<TeamDto>(teamPath(workspaceId, input.teamId), input.fields)
        : await apiPost<TeamDto>(workspacePath(workspaceId, '/teams'), input.fields);
      if (input.memberIds) {
        await apiPut<unknown>(teamPath(workspaceId, team.id, '/members'), { userIds: input.memberIds });
      }
      return team;
    },
    meta: { inlineErrors: formErrors },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: teamsKey(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: membersKey(workspaceId) }),
      ]),
  });
}

export function useDeleteTeam(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (teamId: string) => apiDelete(teamPath(workspaceId, teamId)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: teamsKey(workspaceId) }),
  });
}
