import type { ConversationDto, MessageDto } from './inbox.js';

/** A message created or changed (status, download finished, retried): the full message as agents see it. */
export type MessageEventPayload = { eventId: number; conversationId: string; message: MessageDto };

/** Socket.IO events the server pushes. Names follow `noun.past_verb`. */
export type ServerToClientEvents = {
  /** This browser session was ended (signed out elsewhere, deactivated, password changed). */
  'session.ended': (payload: { sessionId: string; reason: string }) => void;
  /** Membership/role changed: refetch /me. */
  'membership.changed': (payload: { workspaceId: string }) => void;
  'message.created': (payload: MessageEventPayload) => void;
  'message.updated': (payload: MessageEventPayload) => void;
  /** The team read the conversation (unread → 0). */
  'conversation.read': (payload: { eventId: number; conversationId: string }) => void;
  /** The conversation changed (e.g. resolved or reopened): refetch it. */
  'conversation.updated': (payload: {
    eventId: number;
    conversationId: string;
    status?: ConversationDto['status'];
  }) => void;
};
export type ClientToServerEvents = Record<string, never>;
