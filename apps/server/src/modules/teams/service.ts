import { and, asc, eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import { memberships, teamMembers, teams } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { recordAccessChanged, userRoom } from '../access/index.js';
import { recordAudit } from '../audit/service.js';

type TeamRow = typeof teams.$inferSelect;

function toTeamDto(t: TeamRow, memberIds: string[]) {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    memberIds,
    createdAt: t.createdAt.toISOString(),
  };
}

export async function listTeams(db: DbOrTx, workspaceId: string) {
  const rows = await db
    .select()
    .from(teams)
    .where(eq(teams.workspaceId, workspaceId))
    .orderBy(asc(teams.name));
  const members = await db
    .select({ teamId: teamMembers.teamId, userId: teamMembers.userId })
    .from(teamMembers)
    .where(eq(teamMembers.workspaceId, workspaceId));
  return rows.map((t) =>
    toTeamDto(
      t,
      members.filter((m) => m.teamId === t.id).map((m) => m.userId),
    ),
  );
}

async function getTeam(db: DbOrTx, workspaceId: string, teamId: string): Promise<TeamRow> {
  const [t] = await db
    .select()
    .from(teams)
    .where(and(eq(teams.id, teamId), eq(teams.workspaceId, workspaceId)));
  if (!t) throw new AppError('not_found');
  return t;
}

async function memberIdsOf(db: DbOrTx, teamId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: teamMembers.userId })
    .from(teamMembers)
    .where(eq(teamMembers.teamId, teamId));
  return rows.map((r) => r.userId);
}

/** Creates a team; names are unique per workspace, ignoring case (409 team_name_taken). */
export async function createTeam(
  ctx: AppContext,
  actor: Member,
  input: { name: string; description?: string },
  ipPrefix: string | null,
) {
  try {
    return await ctx.db.transaction(async (tx) => {
      const [t] = await tx
        .insert(teams)
        .values({ workspaceId: actor.workspaceId, name: input.name, description: input.description ?? '' })
        .returning();
      await recordAudit(ctx, tx, {
        type: 'team.created',
        workspaceId: actor.workspaceId,
        actorId: actor.user.id,
        subjectType: 'team',
        subjectId: t!.id,
        ipPrefix,
      });
      return toTeamDto(t!, []);
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError('team_name_taken', {
        issues: [{ path: 'body.name', message: 'A team with this name exists' }],
      });
    throw err;
  }
}

export async function updateTeam(
  ctx: AppContext,
  actor: Member,
  teamId: string,
  input: { name?: string; description?: string },
  ipPrefix: string | null,
) {
  try {
    return await ctx.db.transaction(async (tx) => {
      await getTeam(tx, actor.workspaceId, teamId);
      const [t] = await tx
        .update(teams)
        .set({ ...input, updatedAt: new Date() })
        .where(and(eq(teams.id, teamId), eq(teams.workspaceId, actor.workspaceId)))
        .returning();
      await recordAudit(ctx, tx, {
        type: 'team.updated',
        workspaceId: actor.workspaceId,
        actorId: actor.user.id,
        subjectType: 'team',
        subjectId: teamId,
        ipPrefix,
        data: { changed: Object.keys(input) },
      });
      return toTeamDto(t!, await memberIdsOf(tx, teamId));
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError('team_name_taken', {
        issues: [{ path: 'body.name', message: 'A team with this name exists' }],
      });
    throw err;
  }
}

export async function deleteTeam(ctx: AppContext, actor: Member, teamId: string, ipPrefix: string | null) {
  await ctx.db.transaction(async (tx) => {
    await getTeam(tx, actor.workspaceId, teamId);
    await tx.delete(teams).where(and(eq(teams.id, teamId), eq(teams.workspaceId, actor.workspaceId)));
    await recordAudit(ctx, tx, {
      type: 'team.deleted',
      workspaceId: actor.workspaceId,
      actorId: actor.user.id,
      subjectType: 'team',
      subjectId: teamId,
      ipPrefix,
    });
    // Its channels are no longer given to its members.
    await recordAccessChanged(tx, actor.workspaceId, [`workspace:${actor.workspaceId}`]);
  });
  await ctx.events.flush();
}

/** Replaces a team's members. Every id must be a member of the workspace (else 400 with the bad ids). */
export async function setTeamMembers(
  ctx: AppContext,
  actor: Member,
  teamId: string,
  userIds: string[],
  ipPrefix: string | null,
) {
  const wanted = [...new Set(userIds)];
  const result = await ctx.db.transaction(async (tx) => {
    const team = await getTeam(tx, actor.workspaceId, teamId);
    const valid = wanted.length
      ? await tx
          .select({ userId: memberships.userId })
          .from(memberships)
          .where(
            and(
              eq(memberships.workspaceId, actor.workspaceId),
              eq(memberships.status, 'active'),
              inArray(memberships.userId, wanted),
            ),
          )
      : [];
    const validIds = new Set(valid.map((v) => v.userId));
    const bad = wanted.filter((id) => !validIds.has(id));
    if (bad.length > 0) {
      throw new AppError('validation_failed', {
        issues: bad.map((id) => ({
          path: `body.userIds.${wanted.indexOf(id)}`,
          message: 'Not an active member of this workspace',
        })),
      });
    }
    const before = await memberIdsOf(tx, teamId);
    await tx.delete(teamMembers).where(eq(teamMembers.teamId, teamId));
    if (wanted.length > 0) {
      await tx
        .insert(teamMembers)
        .values(wanted.map((userId) => ({ teamId, userId, workspaceId: actor.workspaceId })));
    }
    await recordAudit(ctx, tx, {
      type: 'team.members_changed',
      workspaceId: actor.workspaceId,
      actorId: actor.user.id,
      subjectType: 'team',
      subjectId: teamId,
      ipPrefix,
      data: {
        added: wanted.filter((id) => !before.includes(id)),
        removed: before.filter((id) => !wanted.includes(id)),
      },
    });
    // Who sees which channel follows team membership: the changed people's sockets re-join their rooms.
    const changed = [
      ...wanted.filter((id) => !before.includes(id)),
      ...before.filter((id) => !wanted.includes(id)),
    ];
    if (changed.length > 0) await recordAccessChanged(tx, actor.workspaceId, changed.map(userRoom));
    return toTeamDto(team, wanted);
  });
  await ctx.events.flush();
  return result;
}
