import type { acceptInviteRequest, acceptInviteResponse, invitePreviewResponse } from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiGet, apiPost } from '../../lib/api';
import { meQueryKey } from '../auth/api';

export type InvitePreview = z.infer<typeof invitePreviewResponse>;
export type AcceptInviteInput = z.input<typeof acceptInviteRequest>;
export type AcceptInviteResult = z.infer<typeof acceptInviteResponse>;

const invitePath = (token: string) => `/api/v1/invites/${encodeURIComponent(token)}`;

export function useInvitePreview(token: string) {
  return useQuery({
    queryKey: ['invite-preview', token],
    queryFn: () => apiGet<InvitePreview>(invitePath(token)),
    meta: { inlineErrors: ['*'] },
    refetchOnWindowFocus: false,
  });
}

export function useAcceptInvite(token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AcceptInviteInput) =>
      apiPost<AcceptInviteResult>(`${invitePath(token)}/accept`, input),
    meta: { inlineErrors: ['*'] },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}
