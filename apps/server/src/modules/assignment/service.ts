import type { AssignmentRequest } from '@parley/contracts';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { conversations, memberships, teams } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { recordEvent, withBatchedEvents } from '../../realtime/event-bus.js';
import { recordActivities } from '../conversations/activity.js';
import { getConversation, presentConversation } from '../conversations/service.js';
import { notify } from '../notifications/index.js';
import { requestAutoAssign } from './auto-assign.js';

type ConversationRow = typeof conversations.$inferSelect;
export type AssignVia = 'manual' | 'take' | 'auto' | 'takeover';

/** Active member of the workspace, or a validation error at `body.assigneeId`. */
async function assertAssignable(tx: Tx, workspaceId: string, userId: string) {
  const [m] = await tx
    .select({ status: memberships.status })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  if (m?.status !== 'active')
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.assigneeId', message: 'Not an active member of this workspace' }],
    });
}

async function assertTeam(tx: Tx, workspaceId: string, teamId: string) {
  const [t] = await tx
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.id, teamId), eq(teams.workspaceId, workspaceId)));
  if (!t)
    throw new AppError('validation_failed', { issues: [{ path: 'body.teamId', message: 'Unknown team' }] });
}

/**
 * Writes what an assignment does, in the caller's transaction, after the row was changed: the activity
 * line, the assignee's notification and `conversation.updated` (which also reaches the previous
 * assignee, who may lose sight of it).
 */
export async function afterAssignment(
  ctx: AppContext,
  tx: Tx,
  before: ConversationRow,
  after: ConversationRow,
  actorId: string | null,
  via: AssignVia,
) {
  await afterAssignments(ctx, tx, [{ before, after }], actorId, via);
}

/**
 * afterAssignment for a batch (the auto-assigner): the same rows, written with one insert per table
 * and the events in one multi-row insert.
 */
export async function afterAssignments(
  ctx: AppContext,
  tx: Tx,
  pairs: Array<{ before: ConversationRow; after: ConversationRow }>,
  actorId: string | null,
  via: AssignVia,
) {
  if (pairs.length === 0) return;
  await withBatchedEvents(tx, async () => {
    const ids = await recordActivities(
      ctx,
      tx,
      pairs.map(({ before, after }) => ({
        c: after,
        content: {
          action: 'assigned' as const,
          actorId,
          assigneeId: after.assigneeId,
          previousAssigneeId: before.assigneeId,
          teamId: after.teamId,
          via,
        },
      })),
    );
    await notify(
      tx,
      pairs.flatMap(({ before, after }, i) =>
        after.assigneeId && after.assigneeId !== before.assigneeId
          ? [
              {
                workspaceId: after.workspaceId,
                userId: after.assigneeId,
                type: 'assignment' as const,
                conversationId: after.id,
                messageId: ids[i]!,
                actorId,
              },
            ]
          : [],
      ),
    );
    for (const { before, after } of pairs)
      await recordEvent(tx, {
        type: 'conversation.updated',
        workspaceId: after.workspaceId,
        rooms: [],
        payload: {
          conversationId: after.id,
          assigneeId: after.assigneeId,
          previousAssigneeId: before.assigneeId,
        },
      });
  });
}

/**
 * Assigns a conversation to a person and/or a team (null unassigns; an omitted `teamId` keeps the
 * team). The assignee must be an active member; anyone who may see the conversation may assign it.
 * Unassigning an open conversation of an auto-assigning channel puts it back in the queue.
 */
export async function assignConversation(
  ctx: AppContext,
  member: Member,
  conversationId: string,
  input: AssignmentRequest,
) {
  const { c: before, contact } = await getConversation(ctx, member, conversationId);
  const ws = member.workspaceId;
  const after = await ctx.db.transaction(async (tx) => {
    if (input.assigneeId) await assertAssignable(tx, ws, input.assigneeId);
    if (input.teamId) await assertTeam(tx, ws, input.teamId);
    const teamId = input.teamId === undefined ? before.teamId : input.teamId;
    if (before.assigneeId === input.assigneeId && before.teamId === teamId) return before;
    const [row] = await tx
      .update(conversations)
      .set({
        assigneeId: input.assigneeId,
        teamId,
        assignedAt: input.assigneeId ? new Date() : null,
        queuedAt: null,
        updatedAt: new Date(),
      })
      .where(and(eq(conversations.id, conversationId), eq(conversations.workspaceId, ws)))
      .returning();
    if (!row) throw new AppError('not_found');
    await afterAssignment(ctx, tx, before, row, member.user.id, 'manual');
    // Capacity freed (or an unassigned conversation to hand out): let the auto-assigner look.
    await requestAutoAssign(tx, ws, input.assigneeId ? null : row.id);
    return row;
  });
  ctx.jobs.poke();
  await ctx.events.flush();
  return presentConversation(ctx, after, contact, member.user.id);
}

/**
 * "Take it": assigns an unassigned conversation to the caller. A conditional update, so of several
 * concurrent callers exactly one wins; the others (and anyone once it is assigned) get already_assigned.
 */
export async function takeConversation(ctx: AppContext, member: Member, conversationId: string) {
  const { c: before, contact } = await getConversation(ctx, member, conversationId);
  const ws = member.workspaceId;
  const after = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(conversations)
      .set({ assigneeId: member.user.id, assignedAt: new Date(), queuedAt: null, updatedAt: new Date() })
      .where(
        and(
          eq(conversations.id, conversationId),
          eq(conversations.workspaceId, ws),
          isNull(conversations.assigneeId),
        ),
      )
      .returning();
    if (!row) throw new AppError('already_assigned');
    await tx
      .update(memberships)
      .set({ lastAssignedAt: sql`now()` })
      .where(and(eq(memberships.workspaceId, ws), eq(memberships.userId, member.user.id)));
    await afterAssignment(ctx, tx, { ...before, assigneeId: null }, row, member.user.id, 'take');
    return row;
  });
  await ctx.events.flush();
  return presentConversation(ctx, after, contact, member.user.id);
}
