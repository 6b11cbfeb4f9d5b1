import type { ServerToClientEvents } from '@parley/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { Socket } from 'socket.io-client';
import { notificationsKey, routingAgentsKey } from './api';

type ShellEvents = Pick<ServerToClientEvents, 'notification.created' | 'presence.changed'>;

/**
 * The app frame's live updates (its own Socket.IO connection, like the inbox's): a new notification
 * refetches the bell's list (and calls `onNotification`, e.g. for a sound); a presence change refetches
 * everyone's availability. After a reconnect both are refetched, since events may have been missed.
 */
export function useShellRealtime(workspaceId: string, onNotification?: () => void): void {
  const queryClient = useQueryClient();
  const onNotificationRef = useRef(onNotification);
  onNotificationRef.current = onNotification;

  useEffect(() => {
    let socket: Socket<ShellEvents> | null = null;
    let cancelled = false;
    let connectedBefore = false;
    const refetchNotifications = () =>
      void queryClient.invalidateQueries({ queryKey: notificationsKey(workspaceId) });
    const refetchPresence = () =>
      void queryClient.invalidateQueries({ queryKey: routingAgentsKey(workspaceId) });

    void import('socket.io-client').then(({ io }) => {
      if (cancelled) return;
      const s: Socket<ShellEvents> = io({ path: '/socket.io', withCredentials: true });
      socket = s;
      s.on('connect', () => {
        if (connectedBefore) {
          refetchNotifications();
          refetchPresence();
        }
        connectedBefore = true;
      });
      s.on('notification.created', () => {
        refetchNotifications();
        onNotificationRef.current?.();
      });
      s.on('presence.changed', refetchPresence);
    });

    return () => {
      cancelled = true;
      socket?.disconnect();
    };
  }, [workspaceId, queryClient]);
}
