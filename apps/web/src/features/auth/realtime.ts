import type { ClientToServerEvents, ServerToClientEvents } from '@parley/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { Socket } from 'socket.io-client';
import { navigateTo } from '../../lib/navigation';
import { meQueryKey } from './api';

type ParleySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Keeps one Socket.IO connection open while someone is signed in (`sessionId` set).
 * `session.ended` for this session clears all cached data and shows the sign-in page with a notice;
 * `membership.changed` refetches /me (roles, workspaces, 2FA requirement).
 * socket.io-client is loaded on demand so it is not part of the first page load.
 */
export function useRealtime(sessionId: string | null | undefined): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    if (!sessionId) return;
    let socket: ParleySocket | null = null;
    let cancelled = false;

    void import('socket.io-client').then(({ io }) => {
      if (cancelled) return;
      socket = io({ path: '/socket.io', withCredentials: true });
      socket.on('session.ended', (payload) => {
        if (payload?.sessionId && payload.sessionId !== sessionId) return;
        socket?.disconnect();
        queryClient.clear();
        queryClient.setQueryData(meQueryKey, null);
        navigateTo('/signin', { replace: true, state: { notice: 'sessionEnded' } });
      });
      socket.on('membership.changed', () => {
        void queryClient.invalidateQueries({ queryKey: meQueryKey });
      });
    });

    return () => {
      cancelled = true;
      socket?.disconnect();
    };
  }, [sessionId, queryClient]);
}
