import type { BulkActionRequest, Priority, StatusRequest } from '@parley/contracts';
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { conversationLabels, conversations, labels, memberships, messages } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { defineJob } from '../../jobs/define-job.js';
import { enqueueJob } from '../../jobs/queue.js';
import { recordEvent } from '../../realtime/event-bus.js';
import { canSee, visibilityOf, visibilityOfMember, visibleConversationsWhere } from '../access/index.js';
import { requestAutoAssign } from '../assignment/auto-assign.js';
import { afterAssignment } from '../assignment/service.js';
import { notify } from '../notifications/index.js';
import { messageSearchTokens } from '../search/index.js';
import { recordActivity } from './activity.js';
import { toMessageDto } from './presenter.js';
import { getConversation } from './service.js';

type ConversationRow = typeof conversations.$inferSelect;
const YEAR = 366 * 86400_000;

/** `@[Name](user id)`: how the composer writes a mention into a note. */
const MENTION = /@\[[^\]\n]{1,100}\]\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)/gi;

export function mentionedUserIds(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map((m) => m[1]!.toLowerCase()))];
}

/**
 * An internal note in the thread (kind `note`): stored and shown to the team, never sent to WhatsApp,
 * not the conversation's preview. Each colleague mentioned (who may see the conversation) gets a
 * notification of their own; mentions of people who may not see it notify nobody.
 */
export async function addNote(ctx: AppContext, member: Member, conversationId: string, text: string) {
  const { c } = await getConversation(ctx, member, conversationId);
  const ws = member.workspaceId;
  const mentioned = mentionedUserIds(text).filter((id) => id !== member.user.id);
  const row = await ctx.db.transaction(async (tx) => {
    const [m] = await tx
      .insert(messages)
      .values({
        workspaceId: ws,
        conversationId,
        channelId: c.channelId,
        direction: 'outbound',
        kind: 'note',
        type: 'text',
        text: await ctx.keyring.encrypt(tx, ws, text, 'messages.text'),
        searchTokens: await messageSearchTokens(ctx.keyring, tx, ws, text),
        status: 'sent',
        senderUserId: member.user.id,
      })
      .returning();
    const recipients = [];
    if (mentioned.length > 0) {
      const ms = await tx
        .select({ userId: memberships.userId, role: memberships.role })
        .from(memberships)
        .where(
          and(
            eq(memberships.workspaceId, ws),
            eq(memberships.status, 'active'),
            inArray(memberships.userId, mentioned),
          ),
        );
      for (const m2 of ms) {
        if (canSee(await visibilityOf(tx, { workspaceId: ws, userId: m2.userId, role: m2.role }), c))
          recipients.push(m2.userId);
      }
    }
    await notify(
      tx,
      recipients.map((userId) => ({
        workspaceId: ws,
        userId,
        type: 'mention' as const,
        conversationId,
        messageId: m!.id,
        actorId: member.user.id,
      })),
    );
    await recordEvent(tx, {
      type: 'message.created',
      workspaceId: ws,
      rooms: [],
      payload: { conversationId, messageId: m!.id },
    });
    return m!;
  });
  await ctx.events.flush();
  return toMessageDto(ctx, ctx.db, row, null);
}

function snoozeTime(iso: string, path: string): Date {
  const at = new Date(iso);
  const now = Date.now();
  if (at.getTime() <= now || at.getTime() > now + YEAR)
    throw new AppError('validation_failed', {
      issues: [{ path, message: 'Snooze until a time in the future, at most a year ahead' }],
    });
  return at;
}

/**
 * Changes the status in the caller's transaction: the row, an activity line, the event, and what
 * follows — snoozing schedules the wake-up; resolving frees the assignee's capacity; opening an
 * unassigned conversation queues it for automatic assignment. Returns null when nothing changed.
 */
async function applyStatus(
  ctx: AppContext,
  tx: Tx,
  c: ConversationRow,
  status: ConversationRow['status'],
  snoozedUntil: Date | null,
  actorId: string | null,
): Promise<ConversationRow | null> {
  if (c.status === status && (c.snoozedUntil?.getTime() ?? null) === (snoozedUntil?.getTime() ?? null))
    return null;
  const [row] = await tx
    .update(conversations)
    .set({
      status,
      snoozedUntil,
      // Only open and pending conversations wait for an agent.
      ...(status === 'resolved' || status === 'snoozed' ? { queuedAt: null } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(conversations.id, c.id), eq(conversations.workspaceId, c.workspaceId)))
    .returning();
  if (!row) return null;
  await recordActivity(ctx, tx, row, {
    action: 'status',
    actorId,
    status,
    snoozedUntil: snoozedUntil?.toISOString() ?? null,
  });
  await recordEvent(tx, {
    type: 'conversation.updated',
    workspaceId: c.workspaceId,
    rooms: [],
    payload: { conversationId: c.id, status },
  });
  if (status === 'snoozed' && snoozedUntil) {
    await enqueueJob(
      tx,
      wakeSnoozedJob,
      { conversationId: c.id },
      { workspaceId: c.workspaceId, runAt: snoozedUntil },
    );
  }
  if (status === 'resolved' || status === 'snoozed') await requestAutoAssign(tx, c.workspaceId, null);
  if ((status === 'open' || status === 'pending') && !row.assigneeId)
    await requestAutoAssign(tx, c.workspaceId, row.id);
  return row;
}

/** Sets open, pending, resolved, or snoozed until a time (between now and a year ahead). */
export async function setConversationStatus(
  ctx: AppContext,
  member: Member,
  conversationId: string,
  input: StatusRequest,
) {
  const until = input.status === 'snoozed' ? snoozeTime(input.snoozedUntil, 'body.snoozedUntil') : null;
  const { c } = await getConversation(ctx, member, conversationId);
  await ctx.db.transaction((tx) => applyStatus(ctx, tx, c, input.status, until, member.user.id));
  ctx.jobs.poke();
  await ctx.events.flush();
}

/** Wakes a snoozed conversation whose time has come (a later snooze or a customer's message wins). */
export const wakeSnoozedJob = defineJob({
  name: 'conversations.wake-snoozed',
  payload: z.object({ conversationId: z.uuid() }),
  async run(ctx, { conversationId }) {
    await ctx.db.transaction(async (tx) => {
      const [c] = await tx
        .select()
        .from(conversations)
        .where(
          and(
            eq(conversations.id, conversationId),
            eq(conversations.status, 'snoozed'),
            lte(conversations.snoozedUntil, sql`now()`),
          ),
        )
        .for('update');
      if (c) await applyStatus(ctx, tx, c, 'open', null, null);
    });
    ctx.jobs.poke();
    await ctx.events.flush();
  },
});

async function applyPriority(
  ctx: AppContext,
  tx: Tx,
  c: ConversationRow,
  priority: Priority,
  actorId: string,
) {
  if (c.priority === priority) return;
  await tx.update(conversations).set({ priority, updatedAt: new Date() }).where(eq(conversations.id, c.id));
  await recordActivity(ctx, tx, c, { action: 'priority', actorId, priority });
  await recordEvent(tx, {
    type: 'conversation.updated',
    workspaceId: c.workspaceId,
    rooms: [],
    payload: { conversationId: c.id },
  });
}

export async function setConversationPriority(
  ctx: AppContext,
  member: Member,
  conversationId: string,
  priority: Priority,
) {
  const { c } = await getConversation(ctx, member, conversationId);
  await ctx.db.transaction((tx) => applyPriority(ctx, tx, c, priority, member.user.id));
  await ctx.events.flush();
}

/** `conversation.updated` for a change the event needs no details of (labels, priority). */
function conversationChanged(tx: Tx, workspaceId: string, conversationId: string) {
  return recordEvent(tx, {
    type: 'conversation.updated',
    workspaceId,
    rooms: [],
    payload: { conversationId },
  });
}

/** The label ids of the workspace among `ids`; validation_failed at `path` for any other. */
async function assertLabels(tx: Tx, workspaceId: string, ids: string[], path: string) {
  if (ids.length === 0) return;
  const found = await tx
    .select({ id: labels.id })
    .from(labels)
    .where(and(eq(labels.workspaceId, workspaceId), inArray(labels.id, ids)));
  if (found.length !== new Set(ids).size)
    throw new AppError('validation_failed', { issues: [{ path, message: 'Unknown label' }] });
}

/** Replaces a conversation's labels. */
export async function setConversationLabels(
  ctx: AppContext,
  member: Member,
  conversationId: string,
  labelIds: string[],
) {
  const { c } = await getConversation(ctx, member, conversationId);
  const ids = [...new Set(labelIds)];
  await ctx.db.transaction(async (tx) => {
    await assertLabels(tx, member.workspaceId, ids, 'body.labelIds');
    await tx.delete(conversationLabels).where(eq(conversationLabels.conversationId, c.id));
    if (ids.length > 0)
      await tx
        .insert(conversationLabels)
        .values(ids.map((labelId) => ({ conversationId: c.id, labelId, workspaceId: member.workspaceId })));
    await recordEvent(tx, {
      type: 'conversation.updated',
      workspaceId: member.workspaceId,
      rooms: [],
      payload: { conversationId: c.id },
    });
  });
  await ctx.events.flush();
  return ids;
}

/**
 * One action on many conversations (assign, add or remove a label, status, snooze, priority), in one
 * transaction. Conversations the caller may not see are reported as not found and left alone.
 */
export async function bulkAction(ctx: AppContext, member: Member, input: BulkActionRequest) {
  const ws = member.workspaceId;
  const ids = [...new Set(input.conversationIds)];
  const v = await visibilityOfMember(ctx.db, member);
  const rows = await ctx.db
    .select()
    .from(conversations)
    .where(and(visibleConversationsWhere(v), inArray(conversations.id, ids)));
  const a = input.action;
  const until = a.type === 'snooze' ? snoozeTime(a.snoozedUntil, 'body.action.snoozedUntil') : null;
  const updated: string[] = [];
  await ctx.db.transaction(async (tx) => {
    if (a.type === 'addLabel' || a.type === 'removeLabel')
      await assertLabels(tx, ws, [a.labelId], 'body.action.labelId');
    if (a.type === 'assign' && a.assigneeId) {
      const [m] = await tx
        .select({ status: memberships.status })
        .from(memberships)
        .where(and(eq(memberships.workspaceId, ws), eq(memberships.userId, a.assigneeId)));
      if (m?.status !== 'active')
        throw new AppError('validation_failed', {
          issues: [{ path: 'body.action.assigneeId', message: 'Not an active member of this workspace' }],
        });
    }
    for (const c of rows) {
      switch (a.type) {
        case 'assign': {
          const teamId = a.teamId === undefined ? c.teamId : a.teamId;
          if (c.assigneeId === a.assigneeId && c.teamId === teamId) break;
          const [row] = await tx
            .update(conversations)
            .set({
              assigneeId: a.assigneeId,
              teamId,
              assignedAt: a.assigneeId ? new Date() : null,
              queuedAt: null,
              updatedAt: new Date(),
            })
            .where(eq(conversations.id, c.id))
            .returning();
          if (row) await afterAssignment(ctx, tx, c, row, member.user.id, 'manual');
          break;
        }
        case 'addLabel':
          await tx
            .insert(conversationLabels)
            .values({ conversationId: c.id, labelId: a.labelId, workspaceId: ws })
            .onConflictDoNothing();
          await conversationChanged(tx, ws, c.id);
          break;
        case 'removeLabel':
          await tx
            .delete(conversationLabels)
            .where(
              and(eq(conversationLabels.conversationId, c.id), eq(conversationLabels.labelId, a.labelId)),
            );
          await conversationChanged(tx, ws, c.id);
          break;
        case 'status':
          await applyStatus(ctx, tx, c, a.status, null, member.user.id);
          break;
        case 'snooze':
          await applyStatus(ctx, tx, c, 'snoozed', until, member.user.id);
          break;
        case 'priority':
          await applyPriority(ctx, tx, c, a.priority, member.user.id);
          break;
      }
      updated.push(c.id);
    }
    if (a.type === 'assign') await requestAutoAssign(tx, ws, null);
  });
  ctx.jobs.poke();
  await ctx.events.flush();
  const seen = new Set(updated);
  return { updated, notFound: ids.filter((id) => !seen.has(id)) };
}
