import type {
  MeResponse,
  setupRequest,
  setupStatusResponse,
  signInRequest,
  updateMeRequest,
} from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { ApiError, apiDelete, apiGet, apiPatch, apiPost } from '../../lib/api';
import { navigateTo } from '../../lib/navigation';

export type SetupStatus = z.infer<typeof setupStatusResponse>;
export type SetupInput = z.input<typeof setupRequest>;
export type SignInInput = z.input<typeof signInRequest>;
export type UpdateMeInput = z.input<typeof updateMeRequest>;

export const meQueryKey = ['me'] as const;

export function useSetupStatus() {
  return useQuery({
    queryKey: ['setup-status'],
    queryFn: () => apiGet<SetupStatus>('/api/v1/setup'),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
}

/** The signed-in person and their workspaces; `null` when nobody is signed in. */
export function useMe() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: async (): Promise<MeResponse | null> => {
      try {
        return await apiGet<MeResponse>('/api/v1/me');
      } catch (error) {
        if (error instanceof ApiError && error.code === 'unauthenticated') return null;
        throw error;
      }
    },
    // Always refetched when the window regains focus: roles, workspaces and the 2FA requirement may change.
    staleTime: 0,
  });
}

export function useSetup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SetupInput) => apiPost<MeResponse>('/api/v1/setup', input),
    meta: { inlineErrors: ['*'] },
    onSuccess: (me) => {
      queryClient.setQueryData<SetupStatus>(['setup-status'], { setupRequired: false });
      queryClient.setQueryData(meQueryKey, me);
    },
  });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SignInInput) => apiPost<MeResponse>('/api/v1/sessions', input),
    meta: { inlineErrors: ['*'] },
    onSuccess: (me) => {
      queryClient.removeQueries();
      queryClient.setQueryData(meQueryKey, me);
    },
  });
}

/** Ends this browser's session; then shows the sign-in page (unless `stayOnPage`) and forgets all data. */
export function useSignOut({ stayOnPage = false }: { stayOnPage?: boolean } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiDelete('/api/v1/sessions/current'),
    meta: { inlineErrors: ['*'] },
    onSettled: () => {
      if (!stayOnPage) navigateTo('/signin', { replace: true, state: { notice: 'signedOut' } });
      queryClient.clear();
      queryClient.setQueryData(meQueryKey, null);
    },
  });
}

export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateMeInput) => apiPatch<MeResponse>('/api/v1/me', input),
    meta: { inlineErrors: ['validation_failed'] },
    onSuccess: (me) => queryClient.setQueryData(meQueryKey, me),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string }) =>
      apiPost<void>('/api/v1/me/password', input),
    meta: { inlineErrors: ['*'] },
  });
}
