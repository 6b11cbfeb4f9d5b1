import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './api';
import { navigateTo, signInPathForCurrentLocation } from './navigation';
import { notifyError } from './notify';

/**
 * Per-query/mutation meta: `inlineErrors` lists error codes the component shows itself
 * (in a form, an alert …); those get no toast. `'*'` means the component shows every error.
 */
declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: { inlineErrors?: string[] };
    mutationMeta: { inlineErrors?: string[] };
  }
}

/** Codes every form shows inline next to its fields. */
export const formErrors = ['validation_failed'];

let redirecting = false;

function handleError(error: unknown, inlineErrors: string[] | undefined): void {
  // '*': the component (a sign-in, setup or invite form) shows every error itself.
  if (inlineErrors?.includes('*')) return;
  if (error instanceof ApiError && error.code === 'unauthenticated') {
    if (redirecting) return;
    redirecting = true;
    queryClient.clear();
    navigateTo(signInPathForCurrentLocation(), { replace: true });
    setTimeout(() => {
      redirecting = false;
    }, 500);
    return;
  }
  if (error instanceof ApiError && error.code === 'two_factor_setup_required') {
    // The frame sends the person to the security page once /me says so.
    void queryClient.invalidateQueries({ queryKey: ['me'] });
    return;
  }
  if (error instanceof ApiError && inlineErrors?.includes(error.code)) return;
  notifyError(error);
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => handleError(error, query.meta?.inlineErrors),
  }),
  mutationCache: new MutationCache({
    onError: (error, _variables, _context, mutation) => handleError(error, mutation.meta?.inlineErrors),
  }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: true,
      retry: (failureCount, error) => {
        if (error instanceof ApiError && error.status > 0 && error.status < 500) return false;
        return failureCount < 2;
      },
    },
    mutations: { retry: false },
  },
});
