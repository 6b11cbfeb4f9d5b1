import type { createWorkspaceRequest, updateWorkspaceRequest, WorkspaceDto } from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiGet, apiPatch, apiPost, workspacePath } from '../../lib/api';
import { formErrors } from '../../lib/query-client';
import { meQueryKey } from '../auth/api';

export type CreateWorkspaceInput = z.input<typeof createWorkspaceRequest>;
export type UpdateWorkspaceInput = z.input<typeof updateWorkspaceRequest>;

export const workspaceQueryKey = (workspaceId: string) => ['workspace', workspaceId] as const;

export function useWorkspaceDetails(workspaceId: string) {
  return useQuery({
    queryKey: workspaceQueryKey(workspaceId),
    queryFn: () => apiGet<WorkspaceDto>(workspacePath(workspaceId)),
  });
}

export function useCreateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateWorkspaceInput) => apiPost<WorkspaceDto>('/api/v1/workspaces', input),
    meta: { inlineErrors: formErrors },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}

export function useUpdateWorkspace(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateWorkspaceInput) => apiPatch<WorkspaceDto>(workspacePath(workspaceId), input),
    meta: { inlineErrors: formErrors },
    onSuccess: (workspace) => {
      queryClient.setQueryData(workspaceQueryKey(workspaceId), workspace);
      return queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}
