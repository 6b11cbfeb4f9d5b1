import crypto from 'node:crypto';
import type { NotificationDto } from '@parley/contracts';
import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { type DbOrTx, rowsOf, type Tx } from '../../db/client.js';
import { notifications } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { enqueueJob, enqueueJobs } from '../../jobs/queue.js';
import { isUuid } from '../../lib/ids.js';
import { recordEvent } from '../../realtime/event-bus.js';
import { userRoom } from '../access/index.js';
import { pushNotificationJob } from '../push/index.js';

type NewNotification = {
  workspaceId: string;
  userId: string;
  type: 'mention' | 'assignment' | 'message' | 'scheduled_failed';
  conversationId?: string | null;
  messageId?: string | null;
  actorId?: string | null;
};

/**
 * One row per notification (two mentions are two notifications; nothing is overwritten), each with
 * a `notification.created` event to the person's own room. Nobody is notified of their own action.
 */
export async function notify(tx: Tx, items: NewNotification[]): Promise<void> {
  const rows = items.filter((n) => n.userId !== n.actorId);
  if (rows.length === 0) return;
  const inserted = await tx
    .insert(notifications)
    .values(
      rows.map((n) => ({
        workspaceId: n.workspaceId,
        userId: n.userId,
        type: n.type,
        conversationId: n.conversationId ?? null,
        messageId: n.messageId ?? null,
        actorId: n.actorId ?? null,
      })),
    )
    .returning({
      id: notifications.id,
      userId: notifications.userId,
      workspaceId: notifications.workspaceId,
    });
  await enqueueJobs(
    tx,
    pushNotificationJob,
    inserted.map((n) => ({ payload: { notificationId: n.id }, workspaceId: n.workspaceId })),
  );
  for (const n of inserted) {
    // No `conversationId` in the payload: it goes to the person's room only (see realtime/gateway).
    await recordEvent(tx, {
      type: 'notification.created',
      workspaceId: n.workspaceId,
      rooms: [userRoom(n.userId)],
      payload: { notificationId: n.id },
    });
  }
}

export function toNotificationDto(n: typeof notifications.$inferSelect): NotificationDto {
  return {
    id: n.id,
    type: n.type,
    conversationId: n.conversationId,
    messageId: n.messageId,
    actorId: n.actorId,
    readAt: n.readAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
  };
}

/** A person's notifications in a workspace, newest first (`before` = "iso|id"). */
export async function listNotifications(
  db: DbOrTx,
  workspaceId: string,
  userId: string,
  q: { unread?: 'true' | 'false'; before?: string; limit: number },
) {
  const mine = and(eq(notifications.workspaceId, workspaceId), eq(notifications.userId, userId));
  const conditions = [mine];
  if (q.unread === 'true') conditions.push(isNull(notifications.readAt));
  if (q.before) {
    const [iso, id] = q.before.split('|');
    const at = new Date(iso ?? '');
    if (Number.isNaN(at.getTime()) || !isUuid(id))
      throw new AppError('validation_failed', {
        issues: [{ path: 'querystring.before', message: 'Invalid cursor' }],
      });
    conditions.push(
      or(lt(notifications.createdAt, at), and(eq(notifications.createdAt, at), lt(notifications.id, id))),
    );
  }
  const rows = await db
    .select()
    .from(notifications)
    .where(and(...conditions))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(q.limit + 1);
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(mine, isNull(notifications.readAt)));
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    notifications: page.map(toNotificationDto),
    unread: count?.n ?? 0,
    nextCursor: rows.length > q.limit && last ? `${last.createdAt.toISOString()}|${last.id}` : null,
  };
}

/** Marks some (or, without ids, all) of a person's notifications read. */
export async function markNotificationsRead(
  db: DbOrTx,
  workspaceId: string,
  userId: string,
  ids: string[] | null,
) {
  const mine = and(
    eq(notifications.workspaceId, workspaceId),
    eq(notifications.userId, userId),
    isNull(notifications.readAt),
  );
  await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(ids ? and(mine, inArray(notifications.id, ids.length > 0 ? ids : [crypto.randomUUID()])) : mine);
}

/**
 * "New message in my conversation": the assignees of these conversations get a `message`
 * notification, at most one unread per conversation (a chatty customer is one entry, not fifty).
 */
export async function notifyAssigneesOfMessages(tx: Tx, conversationIds: string[]): Promise<void> {
  if (conversationIds.length === 0) return;
  const inserted = await tx.execute(sql`
    insert into ${notifications} (workspace_id, user_id, type, conversation_id)
    select c.workspace_id, c.assignee_id, 'message', c.id
    from conversations c
    where c.id in (${sql.join(
      conversationIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    )}) and c.assignee_id is not null
      and not exists (
        select 1 from ${notifications} n
        where n.user_id = c.assignee_id and n.conversation_id = c.id and n.type = 'message' and n.read_at is null
      )
    returning id, user_id, workspace_id`);
  for (const n of rowsOf<{ id: string; user_id: string; workspace_id: string }>(inserted)) {
    await enqueueJob(tx, pushNotificationJob, { notificationId: n.id }, { workspaceId: n.workspace_id });
    await recordEvent(tx, {
      type: 'notification.created',
      workspaceId: n.workspace_id,
      rooms: [userRoom(n.user_id)],
      payload: { notificationId: n.id },
    });
  }
}
