import type { Role } from '@parley/contracts';
import { and, asc, count, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { randomToken, sha256Hex } from '../../crypto/cipher.js';
import type { DbOrTx } from '../../db/client.js';
import { invites, memberships, sessions, teamMembers, users, workspaces } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { recordEvent } from '../../realtime/event-bus.js';
import { recordAudit } from '../audit/service.js';
import { revokeSessions } from '../auth/sessions.js';
import { canChangeRole, canInvite, canManageMember } from './policy.js';

export const INVITE_TTL_MS = 7 * 86400_000;

/** Creates a workspace with its data key and its owner's membership (inside the caller's transaction). */
export async function createWorkspace(
  ctx: AppContext,
  tx: DbOrTx,
  input: { name: string; ownerId: string; ipPrefix: string | null },
) {
  const [workspace] = await tx.insert(workspaces).values({ name: input.name }).returning();
  await ctx.keyring.createWorkspaceKey(tx, workspace!.id);
  await tx.insert(memberships).values({ workspaceId: workspace!.id, userId: input.ownerId, role: 'owner' });
  await recordAudit(ctx, tx, {
    type: 'workspace.created',
    workspaceId: workspace!.id,
    actorId: input.ownerId,
    subjectType: 'workspace',
    subjectId: workspace!.id,
    ipPrefix: input.ipPrefix,
  });
  return workspace!;
}

/** The person's active workspaces with their role, oldest membership first. */
export async function listMyWorkspaces(db: DbOrTx, userId: string) {
  return db
    .select({
      workspaceId: workspaces.id,
      workspaceName: workspaces.name,
      role: memberships.role,
      require2fa: workspaces.require2fa,
    })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')))
    .orderBy(asc(memberships.createdAt));
}

export async function getWorkspace(db: DbOrTx, workspaceId: string) {
  const [w] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!w) throw new AppError('not_found');
  return w;
}

export async function updateWorkspace(
  ctx: AppContext,
  member: Member,
  input: { name?: string; require2fa?: boolean; sendReadReceipts?: boolean },
  ipPrefix: string | null,
) {
  if (input.require2fa !== undefined && member.role !== 'owner') throw new AppError('forbidden');
  const result = await ctx.db.transaction(async (tx) => {
    const before = await getWorkspace(tx, member.workspaceId);
    const { sendReadReceipts, ...columns } = input;
    const settings = before.settings as Record<string, unknown>;
    const [w] = await tx
      .update(workspaces)
      .set({
        ...columns,
        ...(sendReadReceipts !== undefined ? { settings: { ...settings, sendReadReceipts } } : {}),
        updatedAt: new Date(),
      })
      .where(eq(workspaces.id, member.workspaceId))
      .returning();
    const current = { ...before, sendReadReceipts: settings.sendReadReceipts === true } as Record<
      string,
      unknown
    >;
    const changed = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== current[k]);
    if (changed.length > 0) {
      await recordAudit(ctx, tx, {
        type:
          input.require2fa !== undefined && before.require2fa !== input.require2fa
            ? 'workspace.two_factor_policy_changed'
            : 'workspace.updated',
        workspaceId: member.workspaceId,
        actorId: member.user.id,
        subjectType: 'workspace',
        subjectId: member.workspaceId,
        ipPrefix,
        data: { changed, ...(input.require2fa !== undefined ? { require2fa: input.require2fa } : {}) },
      });
      await recordEvent(tx, {
        type: 'membership.changed',
        workspaceId: member.workspaceId,
        rooms: [`workspace:${member.workspaceId}`],
        payload: { workspaceId: member.workspaceId },
      });
    }
    return w!;
  });
  await ctx.events.flush();
  return result;
}

/** Every member of a workspace (active and deactivated) with their teams and last activity. */
export async function listMembers(db: DbOrTx, workspaceId: string) {
  const rows = await db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      status: memberships.status,
      totpEnabledAt: users.totpEnabledAt,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(users.name));
  const ids = rows.map((r) => r.userId);
  const teamRows = ids.length
    ? await db
        .select({ userId: teamMembers.userId, teamId: teamMembers.teamId })
        .from(teamMembers)
        .where(and(eq(teamMembers.workspaceId, workspaceId), inArray(teamMembers.userId, ids)))
    : [];
  const seen = ids.length
    ? await db
        .select({ userId: sessions.userId, last: sql<string>`max(${sessions.lastSeenAt})` })
        .from(sessions)
        .where(inArray(sessions.userId, ids))
        .groupBy(sessions.userId)
    : [];
  const lastSeen = new Map(seen.map((s) => [s.userId, s.last]));
  return rows.map((r) => ({
    userId: r.userId,
    name: r.name,
    email: r.email,
    role: r.role,
    status: r.status,
    twoFactorEnabled: !!r.totpEnabledAt,
    teamIds: teamRows.filter((t) => t.userId === r.userId).map((t) => t.teamId),
    joinedAt: r.joinedAt.toISOString(),
    lastSeenAt: lastSeen.get(r.userId) ? new Date(lastSeen.get(r.userId)!).toISOString() : null,
  }));
}

async function getMembership(tx: DbOrTx, workspaceId: string, userId: string) {
  const [m] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  if (!m) throw new AppError('not_found');
  return m;
}

async function assertAnotherActiveOwner(tx: DbOrTx, workspaceId: string, userId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`owners:${workspaceId}`}))`);
  const [row] = await tx
    .select({ n: count() })
    .from(memberships)
    .where(
      and(
        eq(memberships.workspaceId, workspaceId),
        eq(memberships.role, 'owner'),
        eq(memberships.status, 'active'),
        ne(memberships.userId, userId),
      ),
    );
  if (Number(row?.n ?? 0) === 0) throw new AppError('last_owner');
}

/** Changes a member's role. Only owners grant or remove the owner role; the last owner stays. */
export async function changeRole(
  ctx: AppContext,
  actor: Member,
  userId: string,
  role: Role,
  ipPrefix: string | null,
) {
  await ctx.db.transaction(async (tx) => {
    const target = await getMembership(tx, actor.workspaceId, userId);
    if (!canChangeRole(actor.role, target.role, role)) throw new AppError('forbidden');
    if (target.role === role) return;
    if (target.role === 'owner') await assertAnotherActiveOwner(tx, actor.workspaceId, userId);
    await tx
      .update(memberships)
      .set({ role, updatedAt: new Date() })
      .where(and(eq(memberships.workspaceId, actor.workspaceId), eq(memberships.userId, userId)));
    await recordAudit(ctx, tx, {
      type: 'member.role_changed',
      workspaceId: actor.workspaceId,
      actorId: actor.user.id,
      subjectType: 'user',
      subjectId: userId,
      ipPrefix,
      data: { from: target.role, to: role },
    });
    await recordEvent(tx, {
      type: 'membership.changed',
      workspaceId: actor.workspaceId,
      rooms: [`user:${userId}`],
      payload: { workspaceId: actor.workspaceId },
    });
  });
  await ctx.events.flush();
}

/**
 * Deactivates a member: history stays, they can no longer reach the workspace, and every session they
 * have ends (sessions are per person; a person active in other workspaces signs in again there).
 */
export async function setMemberActive(
  ctx: AppContext,
  actor: Member,
  userId: string,
  active: boolean,
  ipPrefix: string | null,
) {
  await ctx.db.transaction(async (tx) => {
    const target = await getMembership(tx, actor.workspaceId, userId);
    if (!canManageMember(actor.role, target.role)) throw new AppError('forbidden');
    if (userId === actor.user.id && !active)
      throw new AppError('conflict', undefined, 'You cannot deactivate yourself.');
    const status = active ? 'active' : 'deactivated';
    if (target.status === status) return;
    if (!active && target.role === 'owner') await assertAnotherActiveOwner(tx, actor.workspaceId, userId);
    await tx
      .update(memberships)
      .set({ status, deactivatedAt: active ? null : new Date(), updatedAt: new Date() })
      .where(and(eq(memberships.workspaceId, actor.workspaceId), eq(memberships.userId, userId)));
    if (!active) await revokeSessions(tx, userId, { reason: 'deactivated' });
    await recordAudit(ctx, tx, {
      type: active ? 'member.reactivated' : 'member.deactivated',
      workspaceId: actor.workspaceId,
      actorId: actor.user.id,
      subjectType: 'user',
      subjectId: userId,
      ipPrefix,
    });
  });
  await ctx.events.flush();
}

/** Ends every session of a member (e.g. a lost phone). */
export async function endMemberSessions(
  ctx: AppContext,
  actor: Member,
  userId: string,
  ipPrefix: string | null,
) {
  const n = await ctx.db.transaction(async (tx) => {
    const target = await getMembership(tx, actor.workspaceId, userId);
    if (userId !== actor.user.id && !canManageMember(actor.role, target.role))
      throw new AppError('forbidden');
    const ended = await revokeSessions(tx, userId, { reason: 'ended_by_admin' });
    await recordAudit(ctx, tx, {
      type: 'auth.session_ended',
      workspaceId: actor.workspaceId,
      actorId: actor.user.id,
      subjectType: 'user',
      subjectId: userId,
      ipPrefix,
      data: { count: ended.length, by: 'admin' },
    });
    return ended.length;
  });
  await ctx.events.flush();
  return n;
}

function inviteDto(row: typeof invites.$inferSelect, invitedBy: string) {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    invitedBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

/** Creates a single-use invite link valid for 7 days; only the hash of its token is stored. */
export async function createInvite(
  ctx: AppContext,
  actor: Member,
  input: { role: Role; email?: string },
  ipPrefix: string | null,
) {
  if (!canInvite(actor.role, input.role)) throw new AppError('forbidden');
  const token = randomToken(24);
  const row = await ctx.db.transaction(async (tx) => {
    const [invite] = await tx
      .insert(invites)
      .values({
        workspaceId: actor.workspaceId,
        tokenHash: sha256Hex(token),
        email: input.email ?? null,
        role: input.role,
        invitedBy: actor.user.id,
        expiresAt: new Date(Date.now() + INVITE_TTL_MS),
      })
      .returning();
    await recordAudit(ctx, tx, {
      type: 'invite.created',
      workspaceId: actor.workspaceId,
      actorId: actor.user.id,
      subjectType: 'invite',
      subjectId: invite!.id,
      ipPrefix,
      data: { role: input.role },
    });
    return invite!;
  });
  const url = new URL(`/invite/${token}`, ctx.config.publicUrl).toString();
  return { ...inviteDto(row, actor.user.name), url, token };
}

export async function listInvites(db: DbOrTx, workspaceId: string) {
  const rows = await db
    .select({ invite: invites, invitedBy: users.name })
    .from(invites)
    .innerJoin(users, eq(users.id, invites.invitedBy))
    .where(
      and(
        eq(invites.workspaceId, workspaceId),
        isNull(invites.acceptedAt),
        isNull(invites.revokedAt),
        gt(invites.expiresAt, new Date()),
      ),
    )
    .orderBy(asc(invites.createdAt));
  return rows.map((r) => inviteDto(r.invite, r.invitedBy));
}

export async function revokeInvite(
  ctx: AppContext,
  actor: Member,
  inviteId: string,
  ipPrefix: string | null,
) {
  await ctx.db.transaction(async (tx) => {
    const revoked = await tx
      .update(invites)
      .set({ revokedAt: new Date(), updatedAt: new Date() })
      .where(
        and(
          eq(invites.id, inviteId),
          eq(invites.workspaceId, actor.workspaceId),
          isNull(invites.acceptedAt),
          isNull(invites.revokedAt),
        ),
      )
      .returning({ id: invites.id });
    if (revoked.length === 0) throw new AppError('not_found');
    await recordAudit(ctx, tx, {
      type: 'invite.revoked',
      workspaceId: actor.workspaceId,
      actorId: actor.user.id,
      subjectType: 'invite',
      subjectId: inviteId,
      ipPrefix,
    });
  });
}

/** Finds a usable invite by its token: 404 when unknown, 410 when expired, used or revoked. */
export async function findInviteByToken(db: DbOrTx, token: string) {
  const [row] = await db
    .select({ invite: invites, invitedBy: users.name, workspaceName: workspaces.name })
    .from(invites)
    .innerJoin(users, eq(users.id, invites.invitedBy))
    .innerJoin(workspaces, eq(workspaces.id, invites.workspaceId))
    .where(eq(invites.tokenHash, sha256Hex(token)));
  if (!row) throw new AppError('not_found');
  const i = row.invite;
  if (i.acceptedAt || i.revokedAt || i.expiresAt.getTime() <= Date.now())
    throw new AppError('invite_expired');
  return row;
}
