/** Socket.IO events the server pushes. Names follow `noun.past_verb`. */
export type ServerToClientEvents = {
  /** This browser session was ended (signed out elsewhere, deactivated, password changed). */
  'session.ended': (payload: { sessionId: string; reason: string }) => void;
  /** Membership/role changed: refetch /me. */
  'membership.changed': (payload: { workspaceId: string }) => void;
};
export type ClientToServerEvents = Record<string, never>;
