import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { Socket } from 'socket.io-client';
import { invalidateTemplates } from './api';

/** `template.updated`: a template's review outcome, status or quality changed (ids only; refetch). */
export type TemplateUpdatedEvent = {
  eventId?: number;
  channelId: string;
  templateId: string;
  status: string;
  qualityScore: string | null;
};
type TemplateEvents = { 'template.updated': (payload: TemplateUpdatedEvent) => void };

/**
 * The template list's live updates: its own Socket.IO connection while the page is shown (like the
 * inbox's); `template.updated` refetches the workspace's template lists, and so does a reconnect
 * (events may have been missed meanwhile). socket.io-client is loaded on demand.
 */
export function useTemplatesRealtime(workspaceId: string): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    let socket: Socket<TemplateEvents> | null = null;
    let cancelled = false;
    let connectedBefore = false;
    let timer: number | undefined;
    // Several templates of one webhook batch arrive together: one refetch for them.
    const refetch = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void invalidateTemplates(queryClient, workspaceId), 100);
    };

    void import('socket.io-client').then(({ io }) => {
      if (cancelled) return;
      const s: Socket<TemplateEvents> = io({ path: '/socket.io', withCredentials: true });
      socket = s;
      s.on('connect', () => {
        if (connectedBefore) refetch();
        connectedBefore = true;
      });
      s.on('template.updated', refetch);
    });

    return () => {
      cancelled = true;
      window.clearTimeout(timer);
      socket?.disconnect();
    };
  }, [workspaceId, queryClient]);
}
