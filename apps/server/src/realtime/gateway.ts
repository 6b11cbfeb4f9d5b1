import type { ClientToServerEvents, ServerToClientEvents } from '@parley/contracts';
import { inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import type { AppContext } from '../context.js';
import { messages } from '../db/schema.js';
import { sessionCookieName } from '../http/auth.js';
import { findSessionByToken } from '../modules/auth/sessions.js';
import { toMessageDto } from '../modules/conversations/presenter.js';
import { listMyWorkspaces } from '../modules/workspaces/service.js';
import type { CommittedEvent } from './event-bus.js';

type Emitter = { emit: (type: string, payload: unknown) => void };

type MessageRow = typeof messages.$inferSelect;
type Waiters = Map<string, { resolve: (m: MessageRow | null) => void; reject: (e: unknown) => void }[]>;

/**
 * Loads messages for events: every id asked for in the same tick (the event bus delivers a page of
 * events synchronously) is read in one query instead of one query per event. Answers null for a
 * message that no longer exists.
 */
export function messageLoader(ctx: AppContext): (messageId: string) => Promise<MessageRow | null> {
  let waiting: Waiters | null = null;
  const flush = async (batch: Waiters) => {
    const ids = [...batch.keys()];
    try {
      const rows: MessageRow[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        rows.push(
          ...(await ctx.db
            .select()
            .from(messages)
            .where(inArray(messages.id, ids.slice(i, i + 500)))),
        );
      }
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
        const fresh: Waiters = new Map();
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
      await socket.join([`user:${found.user.id}`, `session:${found.session.id}`]);
      const ws = await listMyWorkspaces(ctx.db, found.user.id);
      await socket.join(ws.map((w) => `workspace:${w.workspaceId}`));
      next();
    } catch (err) {
      next(err as Error);
    }
  });

  io.on('connection', (socket) => {
    ctx.metrics.socketsConnected.inc();
    socket.on('disconnect', () => ctx.metrics.socketsConnected.dec());
  });

  const loadMessage = messageLoader(ctx);
  ctx.events.subscribe((e: CommittedEvent) => {
    ctx.metrics.eventsDispatched.inc();
    const target = io.to(e.rooms);
    switch (e.type) {
      case 'session.ended':
        target.emit('session.ended', e.payload as { sessionId: string; reason: string });
        // Let the event reach the browser before the connection closes.
        setTimeout(() => io.in(e.rooms).disconnectSockets(true), 200).unref();
        break;
      case 'membership.changed':
        target.emit('membership.changed', e.payload as { workspaceId: string });
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
  });

  return io;
}
