import type {
  createInviteRequest,
  createInviteResponse,
  InviteDto,
  inviteListResponse,
  MemberDto,
  memberListResponse,
  Role,
} from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiDelete, apiGet, apiPatch, apiPost, workspacePath } from '../../lib/api';
import { formErrors } from '../../lib/query-client';

export type { InviteDto, MemberDto, Role };
export type CreateInviteInput = z.input<typeof createInviteRequest>;
export type CreatedInvite = z.infer<typeof createInviteResponse>;

export const membersKey = (workspaceId: string) => ['workspace', workspaceId, 'members'] as const;
const invitesKey = (workspaceId: string) => ['workspace', workspaceId, 'invites'] as const;

export function useMembers(workspaceId: string) {
  return useQuery({
    queryKey: membersKey(workspaceId),
    queryFn: () => apiGet<z.infer<typeof memberListResponse>>(workspacePath(workspaceId, '/members')),
  });
}

function useMemberMutation<T>(workspaceId: string, mutationFn: (userId: string) => Promise<T>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: membersKey(workspaceId) }),
  });
}

export function useChangeRole(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      apiPatch<MemberDto>(workspacePath(workspaceId, `/members/${encodeURIComponent(userId)}`), { role }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: membersKey(workspaceId) }),
  });
}

export function useDeactivateMember(workspaceId: string) {
  return useMemberMutation(workspaceId, (userId) =>
    apiPost<unknown>(workspacePath(workspaceId, `/members/${encodeURIComponent(userId)}/deactivate`), {}),
  );
}

export function useReactivateMember(workspaceId: string) {
  return useMemberMutation(workspaceId, (userId) =>
    apiPost<unknown>(workspacePath(workspaceId, `/members/${encodeURIComponent(userId)}/reactivate`), {}),
  );
}

export function useEndMemberSessions(workspaceId: string) {
  return useMemberMutation(workspaceId, (userId) =>
    apiDelete(workspacePath(workspaceId, `/members/${encodeURIComponent(userId)}/sessions`)),
  );
}

export function useInvites(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: invitesKey(workspaceId),
    queryFn: () => apiGet<z.infer<typeof inviteListResponse>>(workspacePath(workspaceId, '/invites')),
    enabled,
  });
}

export function useCreateInvite(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateInviteInput) =>
      apiPost<CreatedInvite>(workspacePath(workspaceId, '/invites'), input),
    meta: { inlineErrors: formErrors },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitesKey(workspaceId) }),
  });
}

export function useRevokeInvite(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (inviteId: string) =>
      apiDelete(workspacePath(workspaceId, `/invites/${encodeURIComponent(inviteId)}`)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: invitesKey(workspaceId) }),
  });
}
