import type { ClientToServerEvents, ConversationActivity, ServerToClientEvents } from '@parley/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import {
  activePresence,
  applyActivity,
  type Presence,
  type PresenceEntry,
  shouldEmitTyping,
  TYPING_IDLE_MS,
  VIEWING_HEARTBEAT_MS,
} from './model';

type ActivitySocket = Socket<Pick<ServerToClientEvents, 'conversation.activity'>, ClientToServerEvents>;

export type Collision = {
  /** Colleagues viewing or typing in this conversation now (not me), typing first. */
  present: PresenceEntry[];
  /** Call on every keystroke of the composer: sends "typing" (throttled), back to "viewing" when idle. */
  onTyping: () => void;
  /** When this person started typing the current draft (ISO), or null. */
  typingSince: () => string | null;
  /** The draft was sent or emptied: typing is over. */
  resetTyping: () => void;
};

/**
 * Collision detection for one open conversation: tells colleagues we are viewing it (now and every
 * 20 s), typing (throttled; viewing again after 5 s without a keystroke) and that we left, and listens
 * to theirs. It uses a connection of its own (the inbox's is private to features/inbox/realtime.ts).
 */
export function useCollision(conversationId: string, myUserId: string): Collision {
  const socketRef = useRef<ActivitySocket | null>(null);
  const [presence, setPresence] = useState<Presence>({});
  const [now, setNow] = useState(Date.now);
  const lastTypingAt = useRef<number | null>(null);
  const typingStartedAt = useRef<string | null>(null);
  const idleTimer = useRef<number | undefined>(undefined);
  /** Colleagues already seen in this conversation (answered once, see below). */
  const known = useRef(new Set<string>());

  const conversationRef = useRef(conversationId);
  conversationRef.current = conversationId;

  const emit = useCallback(
    (state: ConversationActivity['state']) =>
      socketRef.current?.emit('conversation.activity', { conversationId: conversationRef.current, state }),
    [],
  );

  // One connection while a conversation is shown (not one per conversation).
  useEffect(() => {
    let cancelled = false;
    let socket: ActivitySocket | null = null;
    void import('socket.io-client').then(({ io }) => {
      if (cancelled) return;
      const s: ActivitySocket = io({ path: '/socket.io', withCredentials: true });
      socket = s;
      socketRef.current = s;
      // Also after a reconnect: we are (still) here.
      s.on('connect', () =>
        s.emit('conversation.activity', { conversationId: conversationRef.current, state: 'viewing' }),
      );
      s.on('conversation.activity', (event) => {
        setPresence((p) => applyActivity(p, event, conversationRef.current, myUserId, Date.now()));
        if (event.conversationId !== conversationRef.current || event.userId === myUserId) return;
        if (event.state === 'left') {
          known.current.delete(event.userId);
          return;
        }
        // A colleague who just opened it does not know we are here yet: answer once (they
        // answer our answer only if we were new to them too, so this ends after one round).
        if (known.current.has(event.userId)) return;
        known.current.add(event.userId);
        s.emit('conversation.activity', {
          conversationId: conversationRef.current,
          state: lastTypingAt.current !== null ? 'typing' : 'viewing',
        });
      });
    });
    return () => {
      cancelled = true;
      // The per-conversation cleanup (below) still sends "left" through it; then it closes.
      const closing = socket;
      window.setTimeout(() => {
        closing?.disconnect();
        if (socketRef.current === closing) socketRef.current = null;
      }, 100);
    };
  }, [myUserId]);

  // Per conversation: viewing now and every 20 s, left when it closes (or the page goes away).
  useEffect(() => {
    setPresence({});
    known.current = new Set();
    lastTypingAt.current = null;
    typingStartedAt.current = null;
    const send = (state: ConversationActivity['state']) =>
      socketRef.current?.emit('conversation.activity', { conversationId, state });
    send('viewing');
    const heartbeat = window.setInterval(() => {
      // While typing, "typing" repeats on keystrokes; otherwise "viewing" keeps us visible.
      if (lastTypingAt.current === null && document.visibilityState === 'visible') send('viewing');
    }, VIEWING_HEARTBEAT_MS);
    const onUnload = () => send('left');
    window.addEventListener('pagehide', onUnload);
    return () => {
      window.clearInterval(heartbeat);
      window.clearTimeout(idleTimer.current);
      window.removeEventListener('pagehide', onUnload);
      send('left');
    };
  }, [conversationId]);

  // Expire entries without a repeat.
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 5_000);
    return () => window.clearInterval(timer);
  }, []);

  const onTyping = useCallback(() => {
    const t = Date.now();
    if (typingStartedAt.current === null) typingStartedAt.current = new Date(t).toISOString();
    if (shouldEmitTyping(lastTypingAt.current, t)) {
      lastTypingAt.current = t;
      emit('typing');
    }
    window.clearTimeout(idleTimer.current);
    idleTimer.current = window.setTimeout(() => {
      lastTypingAt.current = null;
      emit('viewing');
    }, TYPING_IDLE_MS);
  }, [emit]);

  const resetTyping = useCallback(() => {
    typingStartedAt.current = null;
    if (lastTypingAt.current !== null) {
      lastTypingAt.current = null;
      window.clearTimeout(idleTimer.current);
      emit('viewing');
    }
  }, [emit]);

  const typingSince = useCallback(() => typingStartedAt.current, []);

  return {
    present: activePresence(presence, Math.max(now, Date.now() - 1)),
    onTyping,
    typingSince,
    resetTyping,
  };
}
