import type { ClientToServerEvents, ServerToClientEvents } from '@parley/contracts';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import type { AppContext } from '../context.js';
import { conversations, memberships, messages } from '../db/schema.js';
import { sessionCookieName } from '../http/auth.js';
import { canSee, conversationRooms, roomsOfUser, userRoom, visibilityOf } from '../modules/access/index.js';
import { requestAutoAssign } from '../modules/assignment/auto-assign.js';
import { findSessionByToken } from '../modules/auth/sessions.js';
import { toMessageDto } from '../modules/conversations/presenter.js';
import { type CommittedEvent, recordEvent } from './event-bus.js';

/** How often a live connection refreshes presence (well inside PRESENCE_TIMEOUT_MS). */
const PRESENCE_HEARTBEAT_MS = 30_000;

type Emitter = { emit: (type: string, payload: unknown) => void };

type MessageRow = typeof messages.$inferSelect;
type Waiters<R> = Map<string, { resolve: (m: R | null) => void; reject: (e: unknown) => void }[]>;

/**
 * Loads rows for events: every id asked for in the same tick (the event bus delivers a page of
 * events synchronously) is read in one query instead of one query per event. Answers null for a
 * row that no longer exists.
 */
function batchLoader<R extends { id: string }>(
  load: (ids: string[]) => Promise<R[]>,
): (id: string) => Promise<R | null> {
  let waiting: Waiters<R> | null = null;
  const flush = async (batch: Waiters<R>) => {
    const ids = [...batch.keys()];
    try {
      const rows: R[] = [];
      for (let i = 0; i < ids.length; i += 500) rows.push(...(await load(ids.slice(i, i + 500))));
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const [id, waiters] of batch) for (const w of waiters) w.resolve(byId.get(id) ?? null);
    } catch (err) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
    }
  };
  return (messageId) =>
    new Promise((resolve, reject) => {
      let batch = waiting;
      if (!batch) {
        const fresh: Waiters<R> = new Map();
        batch = waiting = fresh;
        queueMicrotask(() => {
          waiting = null;
          void flush(fresh);
        });
      }
      const list = batch.get(messageId) ?? [];
      list.push({ resolve, reject });
      batch.set(messageId, list);
    });
}

/** Messages for events, batched per tick (see batchLoader). */
export function messageLoader(ctx: AppContext): (messageId: string) => Promise<MessageRow | null> {
  return batchLoader((ids) => ctx.db.select().from(messages).where(inArray(messages.id, ids)));
}

/** Where conversations are (channel, assignee) when their events are dispatched, batched per tick. */
function conversationPlaceLoader(ctx: AppContext) {
  return batchLoader((ids) =>
    ctx.db
      .select({
        id: conversations.id,
        workspaceId: conversations.workspaceId,
        channelId: conversations.channelId,
        assigneeId: conversations.assigneeId,
      })
      .from(conversations)
      .where(inArray(conversations.id, ids)),
  );
}

/**
 * Socket.IO on the same server. A connection must come from our own origin (no cross-site WebSocket
 * hijacking) and carry a live session cookie; it joins `user:<id>`, `session:<id>` and its workspaces.
 * Committed events go to their rooms; `session.ended` also closes that session's sockets.
 */
export function attachGateway(
  app: FastifyInstance,
  ctx: AppContext,
): Server<ClientToServerEvents, ServerToClientEvents> {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(app.server, {
    path: '/socket.io',
    serveClient: false,
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      const host = req.headers.host;
      const ok =
        !origin ||
        origin === ctx.config.publicUrl.origin ||
        origin === `http://${host}` ||
        origin === `https://${host}`;
      callback(null, ok);
    },
  });

  io.use(async (socket, next) => {
    try {
      const cookies = app.parseCookie(socket.handshake.headers.cookie ?? '');
      const token = cookies[sessionCookieName(ctx)];
      const found = token ? await findSessionByToken(ctx.db, ctx.config, token) : null;
      if (!found) return next(new Error('unauthenticated'));
      socket.data.userId = found.user.id;
      socket.data.sessionId = found.session.id;
      await socket.join([userRoom(found.user.id), `session:${found.session.id}`]);
      await socket.join(await roomsOfUser(ctx.db, found.user.id));
      next();
    } catch (err) {
      next(err as Error);
    }
  });

  /**
   * Presence: a person with a live connection is online. Connecting refreshes `presence_seen_at` in
   * each of their workspaces (and turns a stored `offline` into `available`), a heartbeat keeps it
   * fresh, and the last socket closing clears it. Everyone in the workspace hears `presence.changed`;
   * coming online lets the auto-assigner hand them queued conversations.
   */
  const touchPresence = async (userIds: string[], online: boolean) => {
    if (userIds.length === 0) return;
    await ctx.db.transaction(async (tx) => {
      const changed = await tx
        .update(memberships)
        .set(
          online
            ? {
                presenceSeenAt: sql`now()`,
                availability: sql`case when ${memberships.availability} = 'offline' then 'available' else ${memberships.availability} end`,
              }
            : { presenceSeenAt: null },
        )
        .where(and(inArray(memberships.userId, userIds), eq(memberships.status, 'active')))
        .returning({ workspaceId: memberships.workspaceId, userId: memberships.userId });
      return changed;
    });
  };
  const announce = async (userId: string, online: boolean) => {
    const ws = await ctx.db
      .select({ workspaceId: memberships.workspaceId })
      .from(memberships)
      .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')));
    await ctx.db.transaction(async (tx) => {
      for (const w of ws) {
        await recordEvent(tx, {
          type: 'presence.changed',
          workspaceId: w.workspaceId,
          rooms: [`workspace:${w.workspaceId}`],
          payload: { userId },
        });
        if (online) await requestAutoAssign(tx, w.workspaceId, null);
      }
    });
    ctx.jobs.poke();
    await ctx.events.flush();
  };
  const connectedUsers = async () => {
    const sockets = await io.local.fetchSockets();
    return [...new Set(sockets.map((s) => s.data.userId as string))];
  };
  const heartbeat = setInterval(() => {
    void connectedUsers()
      .then((ids) => touchPresence(ids, true))
      .catch((err) => ctx.log.warn({ err }, 'presence heartbeat failed'));
  }, PRESENCE_HEARTBEAT_MS);
  heartbeat.unref();
  app.addHook('onClose', async () => clearInterval(heartbeat));

  io.on('connection', (socket) => {
    ctx.metrics.socketsConnected.inc();
    const userId = socket.data.userId as string;
    void touchPresence([userId], true)
      .then(() => announce(userId, true))
      .catch((err) => ctx.log.warn({ err }, 'could not record presence'));
    socket.on('conversation.activity', (payload) => {
      void relayActivity(userId, payload).catch((err) =>
        ctx.log.warn({ err }, 'could not relay conversation activity'),
      );
    });
    socket.on('disconnect', () => {
      ctx.metrics.socketsConnected.dec();
      void (async () => {
        const still = (await io.local.in(userRoom(userId)).fetchSockets()).length > 0;
        if (still) return;
        await touchPresence([userId], false);
        await announce(userId, false);
      })().catch((err) => ctx.log.warn({ err }, 'could not record presence'));
    });
  });

  /**
   * Collision detection: tells those who may see a conversation that this person views, types in or
   * left it. Checked against who-sees-what first; bad payloads are ignored.
   */
  const relayActivity = async (userId: string, payload: unknown) => {
    const p = payload as { conversationId?: unknown; state?: unknown } | null;
    if (!p || typeof p.conversationId !== 'string' || !/^[0-9a-f-]{36}$/i.test(p.conversationId)) return;
    if (p.state !== 'viewing' && p.state !== 'typing' && p.state !== 'left') return;
    const [c] = await ctx.db.select().from(conversations).where(eq(conversations.id, p.conversationId));
    if (!c) return;
    const [m] = await ctx.db
      .select({ role: memberships.role })
      .from(memberships)
      .where(
        and(
          eq(memberships.workspaceId, c.workspaceId),
          eq(memberships.userId, userId),
          eq(memberships.status, 'active'),
        ),
      );
    if (!m) return;
    if (!canSee(await visibilityOf(ctx.db, { workspaceId: c.workspaceId, userId, role: m.role }), c)) return;
    io.to(conversationRooms(c.workspaceId, c.channelId, c.assigneeId)).emit('conversation.activity', {
      conversationId: c.id,
      userId,
      state: p.state,
    });
  };

  /**
   * Re-computes the conversation rooms of this node's sockets in `rooms` (after a role, team or
   * channel-team change), so a person stops (or starts) receiving a channel's events at once.
   */
  const resyncRooms = async (rooms: string[]) => {
    const sockets = await io.local.in(rooms).fetchSockets();
    const byUser = new Map<string, string[]>();
    for (const socket of sockets) {
      const userId = socket.data.userId as string;
      if (!byUser.has(userId)) byUser.set(userId, await roomsOfUser(ctx.db, userId));
      const wanted = new Set([...byUser.get(userId)!, userRoom(userId), `session:${socket.data.sessionId}`]);
      for (const room of socket.rooms) if (room !== socket.id && !wanted.has(room)) socket.leave(room);
      socket.join([...wanted]);
    }
  };

  const loadMessage = messageLoader(ctx);
  const loadPlace = conversationPlaceLoader(ctx);
  /**
   * Events about a conversation (their payload has `conversationId`) go to whoever may see it when
   * they are dispatched: the workspace's owners and admins, the agents of the channel's teams and the
   * assignee (plus `previousAssigneeId`, who just lost it). The rooms recorded with them are not used.
   */
  const targetOf = async (e: CommittedEvent): Promise<string[] | null> => {
    const conversationId = e.payload.conversationId;
    if (typeof conversationId !== 'string') return e.rooms;
    const place = await loadPlace(conversationId);
    if (!place) return null;
    return conversationRooms(
      place.workspaceId,
      place.channelId,
      place.assigneeId,
      e.payload.previousAssigneeId as string | undefined,
    );
  };

  ctx.events.subscribe((e: CommittedEvent) => {
    ctx.metrics.eventsDispatched.inc();
    if (typeof e.payload.conversationId === 'string') {
      void targetOf(e)
        .then((rooms) => {
          if (rooms) dispatch(e, rooms);
        })
        .catch((err) => ctx.log.warn({ err }, 'could not route a conversation event'));
      return;
    }
    dispatch(e, e.rooms);
  });

  function dispatch(e: CommittedEvent, rooms: string[]) {
    const target = io.to(rooms);
    switch (e.type) {
      case 'session.ended':
        target.emit('session.ended', e.payload as { sessionId: string; reason: string });
        // Let the event reach the browser before the connection closes.
        setTimeout(() => io.in(e.rooms).disconnectSockets(true), 200).unref();
        break;
      case 'membership.changed':
        void resyncRooms(rooms)
          .catch((err) => ctx.log.warn({ err }, 'could not update socket rooms'))
          .finally(() => target.emit('membership.changed', e.payload as { workspaceId: string }));
        break;
      case 'access.changed':
        // After the rooms are right, the browser refetches what it shows.
        void resyncRooms(rooms)
          .catch((err) => ctx.log.warn({ err }, 'could not update socket rooms'))
          .finally(() =>
            (target as unknown as Emitter).emit('access.changed', { eventId: e.id, ...e.payload }),
          );
        break;
      case 'message.created':
      case 'message.updated':
        // The outbox holds ids only (no personal data in plaintext); the message is loaded and presented here.
        void loadMessage(e.payload.messageId as string)
          .then((row) => (row ? toMessageDto(ctx, ctx.db, row) : null))
          .then((message) => {
            if (message) {
              (target as unknown as Emitter).emit(e.type, {
                eventId: e.id,
                conversationId: e.payload.conversationId,
                message,
              });
            }
          })
          .catch((err) => ctx.log.warn({ err }, 'could not present a message event'));
        break;
      default:
        (target as unknown as Emitter).emit(e.type, { eventId: e.id, ...e.payload });
    }
  }

  return io;
}
