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
  /** The conversation changed (status, assignee, team, labels, priority): refetch it. */
  'conversation.updated': (payload: {
    eventId: number;
    conversationId: string;
    status?: ConversationDto['status'];
    /** Set when the assignee changed. */
    assigneeId?: string | null;
    previousAssigneeId?: string | null;
  }) => void;
  /** Who sees what changed for this person (teams, channels, role): refetch lists. */
  'access.changed': (payload: { eventId: number; workspaceId: string }) => void;
  /** A new notification for the signed-in person (mention, assignment, message). */
  'notification.created': (payload: { eventId: number; notificationId: string }) => void;
  /** Someone's availability changed (or they came online or went offline): refetch the team list. */
  'presence.changed': (payload: { eventId: number; userId: string }) => void;
  /**
   * Collision detection: a colleague opened, is typing in, or left a conversation. Ephemeral, not
   * stored; `viewing` and `typing` repeat while true and expire after 30 s without a repeat.
   */
  'conversation.activity': (payload: ConversationActivity) => void;
};

export type ConversationActivity = {
  conversationId: string;
  userId: string;
  state: 'viewing' | 'typing' | 'left';
};

export type ClientToServerEvents = {
  /** I am looking at (`viewing`), typing in (`typing`) or left (`left`) this conversation. */
  'conversation.activity': (payload: {
    conversationId: string;
    state: ConversationActivity['state'];
  }) => void;
};
