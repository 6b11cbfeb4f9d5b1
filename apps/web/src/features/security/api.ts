import type {
  recoveryCodesResponse,
  SessionDto,
  sessionListResponse,
  totpSetupResponse,
} from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiDelete, apiGet, apiPost } from '../../lib/api';
import { meQueryKey } from '../auth/api';

export type { SessionDto };
export type SessionList = z.infer<typeof sessionListResponse>;
export type TotpSetup = z.infer<typeof totpSetupResponse>;
export type RecoveryCodes = z.infer<typeof recoveryCodesResponse>;

const sessionsKey = ['me', 'sessions'] as const;

export function useSessions() {
  return useQuery({ queryKey: sessionsKey, queryFn: () => apiGet<SessionList>('/api/v1/me/sessions') });
}

export function useEndSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) => apiDelete(`/api/v1/me/sessions/${encodeURIComponent(sessionId)}`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });
}

export function useEndOtherSessions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiDelete('/api/v1/me/sessions'),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });
}

export function useStartTwoFactorSetup() {
  return useMutation({ mutationFn: () => apiPost<TotpSetup>('/api/v1/me/2fa/setup', {}) });
}

export function useEnableTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => apiPost<RecoveryCodes>('/api/v1/me/2fa/enable', { code }),
    meta: { inlineErrors: ['*'] },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}

export function useDisableTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (password: string) => apiPost<unknown>('/api/v1/me/2fa/disable', { password }),
    meta: { inlineErrors: ['*'] },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}

export function useRegenerateRecoveryCodes() {
  return useMutation({
    mutationFn: (password: string) => apiPost<RecoveryCodes>('/api/v1/me/2fa/recovery-codes', { password }),
    meta: { inlineErrors: ['*'] },
  });
}
