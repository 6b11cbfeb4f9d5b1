import type { AgentRoutingDto, Availability, ChannelRoutingRequest } from '@parley/contracts';
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import {
  channels,
  channelTeams,
  conversations,
  memberships,
  teamMembers,
  teams,
  users,
} from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { recordEvent } from '../../realtime/event-bus.js';
import { recordAccessChanged, visibilityOfMember, visibleConversationsWhere } from '../access/index.js';
import {
  loadOf,
  PRESENCE_TIMEOUT_MS,
  requestAutoAssign,
  requestAutoAssignFor,
} from '../assignment/auto-assign.js';
import { afterAssignment } from '../assignment/service.js';
import { recordAudit } from '../audit/service.js';
import { getChannel } from '../channels/service.js';

/** What others see: offline without a live connection, else what the person chose. */
export function effectiveAvailability(
  chosen: Availability,
  presenceSeenAt: Date | null,
  now = new Date(),
): Availability {
  if (!presenceSeenAt || now.getTime() - presenceSeenAt.getTime() > PRESENCE_TIMEOUT_MS) return 'offline';
  return chosen === 'offline' ? 'available' : chosen;
}

export async function getChannelRouting(db: DbOrTx, workspaceId: string, channelId: string) {
  const ch = await getChannel(db, workspaceId, channelId);
  const given = await db
    .select({ teamId: channelTeams.teamId })
    .from(channelTeams)
    .where(eq(channelTeams.channelId, ch.id))
    .orderBy(asc(channelTeams.createdAt));
  return {
    channelId: ch.id,
    autoAssign: ch.autoAssign,
    defaultTeamId: ch.defaultTeamId,
    teamIds: given.map((g) => g.teamId),
  };
}

/**
 * Replaces a channel's routing: the teams given it (none = every agent sees it), automatic assignment
 * and the default team. Agents' live rooms follow at once (access.changed); turning automatic
 * assignment on queues the channel's unassigned open conversations.
 */
export async function setChannelRouting(
  ctx: AppContext,
  actor: Member,
  channelId: string,
  input: ChannelRoutingRequest,
  ipPrefix: string | null,
) {
  const ws = actor.workspaceId;
  const teamIds = [...new Set(input.teamIds)];
  await ctx.db.transaction(async (tx) => {
    const ch = await getChannel(tx, ws, channelId);
    const wanted = [...new Set([...teamIds, ...(input.defaultTeamId ? [input.defaultTeamId] : [])])];
    if (wanted.length > 0) {
      const found = await tx
        .select({ id: teams.id })
        .from(teams)
        .where(and(eq(teams.workspaceId, ws), inArray(teams.id, wanted)));
      if (found.length !== wanted.length)
        throw new AppError('validation_failed', {
          issues: [{ path: 'body.teamIds', message: 'Unknown team' }],
        });
    }
    await tx.delete(channelTeams).where(eq(channelTeams.channelId, ch.id));
    if (teamIds.length > 0)
      await tx
        .insert(channelTeams)
        .values(teamIds.map((teamId) => ({ channelId: ch.id, teamId, workspaceId: ws })));
    await tx
      .update(channels)
      .set({ autoAssign: input.autoAssign, defaultTeamId: input.defaultTeamId, updatedAt: new Date() })
      .where(eq(channels.id, ch.id));
    await recordAudit(ctx, tx, {
      type: 'channel.routing_changed',
      workspaceId: ws,
      actorId: actor.user.id,
      subjectType: 'channel',
      subjectId: ch.id,
      ipPrefix,
      data: { teamIds, autoAssign: input.autoAssign, defaultTeamId: input.defaultTeamId },
    });
    await recordAccessChanged(tx, ws, [`workspace:${ws}`]);
    if (input.autoAssign !== 'off') {
      const open = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(
          and(
            eq(conversations.channelId, ch.id),
            sql`${conversations.assigneeId} is null`,
            inArray(conversations.status, ['open', 'pending']),
          ),
        );
      await requestAutoAssignFor(
        tx,
        ws,
        open.map((o) => o.id),
      );
    }
  });
  // Ingest reads the default team from the cached row.
  ctx.channelCache.invalidate(channelId);
  ctx.jobs.poke();
  await ctx.events.flush();
  return getChannelRouting(ctx.db, ws, channelId);
}

/** Everyone's availability, load and capacity, and how many conversations wait in the queue. */
export async function listAgentRouting(db: DbOrTx, workspaceId: string, now = new Date()) {
  const rows = await db
    .select({
      userId: memberships.userId,
      name: users.name,
      role: memberships.role,
      availability: memberships.availability,
      presenceSeenAt: memberships.presenceSeenAt,
      capacity: memberships.capacity,
      absentUntil: memberships.absentUntil,
      load: loadOf(workspaceId),
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.status, 'active')))
    .orderBy(asc(users.name));
  const tm = await db
    .select({ userId: teamMembers.userId, teamId: teamMembers.teamId })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(eq(teams.workspaceId, workspaceId));
  const [queued] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), isNotNull(conversations.queuedAt)));
  const agents: AgentRoutingDto[] = rows.map((r) => ({
    userId: r.userId,
    name: r.name,
    role: r.role,
    availability: effectiveAvailability(r.availability, r.presenceSeenAt, now),
    load: Number(r.load),
    capacity: r.capacity,
    absentUntil: r.absentUntil && r.absentUntil > now ? r.absentUntil.toISOString() : null,
    teamIds: tm.filter((t) => t.userId === r.userId).map((t) => t.teamId),
  }));
  return { agents, queued: Number(queued?.n ?? 0) };
}

/** Sets a member's capacity and/or absence (owners and admins). Freed capacity is handed out. */
export async function setMemberRouting(
  ctx: AppContext,
  actor: Member,
  userId: string,
  input: { capacity?: number; absentUntil?: string | null },
  ipPrefix: string | null,
) {
  const ws = actor.workspaceId;
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(memberships)
      .set({
        ...(input.capacity !== undefined ? { capacity: input.capacity } : {}),
        ...(input.absentUntil !== undefined
          ? { absentUntil: input.absentUntil ? new Date(input.absentUntil) : null }
          : {}),
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(memberships.workspaceId, ws),
          eq(memberships.userId, userId),
          eq(memberships.status, 'active'),
        ),
      )
      .returning({ userId: memberships.userId });
    if (!row) throw new AppError('not_found');
    await recordAudit(ctx, tx, {
      type: 'member.routing_changed',
      workspaceId: ws,
      actorId: actor.user.id,
      subjectType: 'user',
      subjectId: userId,
      ipPrefix,
      data: { ...input },
    });
    await requestAutoAssign(tx, ws, null);
  });
  ctx.jobs.poke();
  await ctx.events.flush();
}

/**
 * Sets the caller's own availability; `available` also refreshes presence (the person is clearly
 * here) and lets the auto-assigner hand them queued conversations.
 */
export async function setPresence(ctx: AppContext, member: Member, availability: 'available' | 'away') {
  const ws = member.workspaceId;
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(memberships)
      .set({ availability, presenceSeenAt: new Date(), updatedAt: new Date() })
      .where(and(eq(memberships.workspaceId, ws), eq(memberships.userId, member.user.id)));
    await recordPresenceChanged(tx, ws, member.user.id);
    if (availability === 'available') await requestAutoAssign(tx, ws, null);
  });
  ctx.jobs.poke();
  await ctx.events.flush();
}

/** Tells the workspace someone's availability changed (the team list and assign menus refresh). */
export async function recordPresenceChanged(tx: DbOrTx, workspaceId: string, userId: string) {
  await recordEvent(tx, {
    type: 'presence.changed',
    workspaceId,
    rooms: [`workspace:${workspaceId}`],
    payload: { userId },
  });
}

/**
 * Absence cover: moves `fromUserId`'s open and pending conversations (those the caller may see) to
 * `toUserId` (default: the caller), each with its activity line. Agents may take over only from a
 * colleague who is absent or not online; owners and admins from anyone.
 */
export async function takeOver(
  ctx: AppContext,
  actor: Member,
  fromUserId: string,
  toUserId: string | undefined,
  now = new Date(),
) {
  const ws = actor.workspaceId;
  const to = toUserId ?? actor.user.id;
  if (to === fromUserId)
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.toUserId', message: 'Choose someone else' }],
    });
  const ms = await ctx.db
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, ws), inArray(memberships.userId, [fromUserId, to])));
  const from = ms.find((m) => m.userId === fromUserId);
  const target = ms.find((m) => m.userId === to);
  if (!from) throw new AppError('not_found');
  if (target?.status !== 'active')
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.toUserId', message: 'Not an active member of this workspace' }],
    });
  const absent =
    (from.absentUntil !== null && from.absentUntil > now) ||
    from.status !== 'active' ||
    effectiveAvailability(from.availability, from.presenceSeenAt, now) !== 'available';
  if (actor.role === 'agent' && !absent)
    throw new AppError(
      'conflict',
      undefined,
      'Only the conversations of an absent or offline colleague can be taken over.',
    );
  const v = await visibilityOfMember(ctx.db, actor);
  const moved = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(conversations)
      .where(
        and(
          visibleConversationsWhere(v),
          eq(conversations.assigneeId, fromUserId),
          inArray(conversations.status, ['open', 'pending']),
        ),
      )
      .for('update');
    for (const c of rows) {
      const [row] = await tx
        .update(conversations)
        .set({ assigneeId: to, assignedAt: new Date(), queuedAt: null, updatedAt: new Date() })
        .where(and(eq(conversations.id, c.id), eq(conversations.assigneeId, fromUserId)))
        .returning();
      if (row) await afterAssignment(ctx, tx, c, row, actor.user.id, 'takeover');
    }
    return rows.length;
  });
  await ctx.events.flush();
  return { moved };
}
