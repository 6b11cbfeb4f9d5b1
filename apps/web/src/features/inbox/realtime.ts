import type { MessageDto, MessageEventPayload, ServerToClientEvents } from '@parley/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { Socket } from 'socket.io-client';
import { conversationKey, conversationListsKey, inboxKey, patchConversation, upsertMessage } from './api';

type InboxEvents = Pick<
  ServerToClientEvents,
  'message.created' | 'message.updated' | 'conversation.read' | 'conversation.updated'
>;
type MessageEvent = MessageEventPayload;

export type InboundListener = (message: MessageDto) => void;

/**
 * The inbox's live updates. It opens its own Socket.IO connection while the inbox is shown (the app's
 * connection in features/auth/realtime.ts is private to that module); the server puts every connection
 * of a session in the same workspace rooms. Message events update the cached pages (deduplicated by
 * id) and refetch the conversation lists (cheap; new conversations appear and the order follows).
 * After a reconnect everything of the inbox is refetched, since events may have been missed.
 */
export function useInboxRealtime(workspaceId: string, onInbound: InboundListener): void {
  const queryClient = useQueryClient();
  const onInboundRef = useRef(onInbound);
  onInboundRef.current = onInbound;

  useEffect(() => {
    let socket: Socket<InboxEvents> | null = null;
    let cancelled = false;
    let listTimer: number | undefined;
    let connectedBefore = false;

    const refetchLists = () => {
      window.clearTimeout(listTimer);
      listTimer = window.setTimeout(
        () => void queryClient.invalidateQueries({ queryKey: conversationListsKey(workspaceId) }),
        150,
      );
    };

    const onMessage = (created: boolean) => (payload: MessageEvent) => {
      const message = payload?.message;
      if (!message?.id || !message.conversationId) return;
      upsertMessage(queryClient, workspaceId, message);
      refetchLists();
      if (created && message.direction === 'inbound') {
        // The reply window and the unread count changed.
        void queryClient.invalidateQueries({
          queryKey: conversationKey(workspaceId, message.conversationId),
        });
        onInboundRef.current(message);
      }
    };

    void import('socket.io-client').then(({ io }) => {
      if (cancelled) return;
      const s: Socket<InboxEvents> = io({ path: '/socket.io', withCredentials: true });
      socket = s;
      s.on('connect', () => {
        if (connectedBefore) void queryClient.invalidateQueries({ queryKey: inboxKey(workspaceId) });
        connectedBefore = true;
      });
      s.on('message.created', onMessage(true));
      s.on('message.updated', onMessage(false));
      s.on('conversation.read', ({ conversationId }) => {
        patchConversation(queryClient, workspaceId, conversationId, (c) => ({ ...c, unreadCount: 0 }));
        refetchLists();
      });
      s.on('conversation.updated', ({ conversationId, status }) => {
        if (status) patchConversation(queryClient, workspaceId, conversationId, (c) => ({ ...c, status }));
        void queryClient.invalidateQueries({ queryKey: conversationKey(workspaceId, conversationId) });
        refetchLists();
      });
    });

    return () => {
      cancelled = true;
      window.clearTimeout(listTimer);
      socket?.disconnect();
    };
  }, [workspaceId, queryClient]);
}
