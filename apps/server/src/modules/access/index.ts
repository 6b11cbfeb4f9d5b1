import { and, eq, exists, inArray, notExists, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  channels,
  channelTeams,
  conversations,
  memberships,
  messages,
  teamMembers,
} from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { recordEvent } from '../../realtime/event-bus.js';

/**
 * Who sees what. Owners and admins see every conversation of their workspace. Agents see the
 * conversations of the channels their teams are given (channel_teams) plus the ones assigned to them.
 * Every conversation route, list, count, search, media download and Socket.IO room goes through here.
 */
export type Viewer = { workspaceId: string; userId: string; role: 'owner' | 'admin' | 'agent' };

export type Visibility =
  | { all: true; workspaceId: string; userId: string }
  | { all: false; workspaceId: string; userId: string; channelIds: string[] };

/**
 * The channels an agent sees: those given to one of their teams, and those given to no team at all
 * (a number nobody has restricted yet is open to every agent of the workspace).
 */
export async function visibleChannelIds(db: DbOrTx, workspaceId: string, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: channels.id })
    .from(channels)
    .where(
      and(
        eq(channels.workspaceId, workspaceId),
        or(
          notExists(
            db.select({ one: sql`1` }).from(channelTeams).where(eq(channelTeams.channelId, channels.id)),
          ),
          exists(
            db
              .select({ one: sql`1` })
              .from(channelTeams)
              .innerJoin(teamMembers, eq(teamMembers.teamId, channelTeams.teamId))
              .where(and(eq(channelTeams.channelId, channels.id), eq(teamMembers.userId, userId))),
          ),
        ),
      ),
    );
  return rows.map((r) => r.id);
}

export async function visibilityOf(db: DbOrTx, viewer: Viewer): Promise<Visibility> {
  if (viewer.role === 'owner' || viewer.role === 'admin')
    return { all: true, workspaceId: viewer.workspaceId, userId: viewer.userId };
  return {
    all: false,
    workspaceId: viewer.workspaceId,
    userId: viewer.userId,
    channelIds: await visibleChannelIds(db, viewer.workspaceId, viewer.userId),
  };
}

/** The SQL condition on `conversations` for what `v` may see (always includes the workspace). */
export function visibleConversationsWhere(v: Visibility): SQL {
  const ws = eq(conversations.workspaceId, v.workspaceId);
  if (v.all) return ws;
  const mine = eq(conversations.assigneeId, v.userId);
  const scoped = v.channelIds.length > 0 ? or(inArray(conversations.channelId, v.channelIds), mine)! : mine;
  return and(ws, scoped)!;
}

/** Pure check on a loaded conversation row. */
export function canSee(
  v: Visibility,
  c: { workspaceId: string; channelId: string; assigneeId: string | null },
) {
  if (c.workspaceId !== v.workspaceId) return false;
  if (v.all) return true;
  return c.assigneeId === v.userId || v.channelIds.includes(c.channelId);
}

/** Throws not_found (never forbidden: existence is not revealed) when `v` may not see `c`. */
export function assertCanSee(
  v: Visibility,
  c: { workspaceId: string; channelId: string; assigneeId: string | null } | null | undefined,
): void {
  if (!c || !canSee(v, c)) throw new AppError('not_found');
}

/** May `viewer` see the conversation that a message (or media file attached to one) belongs to? */
export async function canSeeMessageOf(db: DbOrTx, v: Visibility, where: SQL): Promise<boolean> {
  const [row] = await db
    .select({
      workspaceId: conversations.workspaceId,
      channelId: conversations.channelId,
      assigneeId: conversations.assigneeId,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.workspaceId, v.workspaceId), where));
  return !!row && canSee(v, row);
}

/** Room of the owners and admins of a workspace: they see every conversation event. */
export const staffRoom = (workspaceId: string) => `staff:${workspaceId}`;
/** Room of the agents whose teams are given a channel. */
export const channelRoom = (channelId: string) => `channel:${channelId}`;
export const userRoom = (userId: string) => `user:${userId}`;

/**
 * The rooms a conversation's events go to: the workspace's staff, the channel's agents, and the
 * assignee(s) (pass the previous assignee too when it changes, so they learn they lost it).
 */
export function conversationRooms(
  workspaceId: string,
  channelId: string,
  ...assigneeIds: (string | null | undefined)[]
): string[] {
  const rooms = [staffRoom(workspaceId), channelRoom(channelId)];
  for (const a of assigneeIds) if (a && !rooms.includes(userRoom(a))) rooms.push(userRoom(a));
  return rooms;
}

/** The conversation rooms a person's sockets belong in, over all their active memberships. */
export async function roomsOfUser(db: DbOrTx, userId: string): Promise<string[]> {
  const ms = await db
    .select({ workspaceId: memberships.workspaceId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')));
  const rooms: string[] = [];
  for (const m of ms) {
    rooms.push(`workspace:${m.workspaceId}`);
    if (m.role === 'owner' || m.role === 'admin') rooms.push(staffRoom(m.workspaceId));
    else for (const ch of await visibleChannelIds(db, m.workspaceId, userId)) rooms.push(channelRoom(ch));
  }
  return rooms;
}

/** The visibility of the member a request was checked for. */
export function visibilityOfMember(
  db: DbOrTx,
  member: { workspaceId: string; role: Viewer['role']; user: { id: string } },
): Promise<Visibility> {
  return visibilityOf(db, { workspaceId: member.workspaceId, userId: member.user.id, role: member.role });
}

/**
 * Records `access.changed` for `rooms` (user rooms, or the workspace room): after commit every node
 * re-computes the conversation rooms of the sockets in them. Call it in the transaction that changed
 * a role, a team's members or the teams given a channel.
 */
export async function recordAccessChanged(tx: DbOrTx, workspaceId: string, rooms: string[]): Promise<void> {
  await recordEvent(tx, { type: 'access.changed', workspaceId, rooms, payload: { workspaceId } });
}
