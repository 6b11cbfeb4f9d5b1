import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { invites, memberships, users } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { hashPassword } from '../auth/passwords.js';
import { assertPasswordAllowed, type ClientInfo } from '../auth/service.js';
import { createSession, type SessionRow, type UserRow } from '../auth/sessions.js';
import { findInviteByToken } from './service.js';

type AcceptInput = { name?: string; email?: string; password?: string };

/**
 * Accepts a single-use invite. Signed in: joins as the current person. Otherwise creates the account
 * from name + email + password and signs it in. The invite is consumed atomically, so two people
 * racing for one link cannot both join.
 * Errors: not_found, invite_expired (410), already_member, email_taken, validation_failed, password_too_common.
 */
export async function acceptInvite(
  ctx: AppContext,
  token: string,
  input: AcceptInput,
  current: { user: UserRow } | null,
  client: ClientInfo,
): Promise<{ workspaceId: string; newSession: { token: string; session: SessionRow } | null }> {
  const found = await findInviteByToken(ctx.db, token);
  const invite = found.invite;
  let passwordHash: string | null = null;
  if (!current) {
    const issues = [];
    if (!input.name) issues.push({ path: 'body.name', message: 'Enter your name' });
    if (!input.email) issues.push({ path: 'body.email', message: 'Enter your email address' });
    if (!input.password) issues.push({ path: 'body.password', message: 'Choose a password' });
    if (invite.email && input.email && input.email !== invite.email) {
      issues.push({ path: 'body.email', message: 'This invite is for another email address' });
    }
    if (issues.length > 0) throw new AppError('validation_failed', { issues });
    assertPasswordAllowed(input.password!, [input.email!, input.name!]);
    const [existing] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, input.email!));
    if (existing) throw new AppError('email_taken');
    passwordHash = await hashPassword(input.password!);
  } else if (invite.email && invite.email !== current.user.email) {
    throw new AppError('forbidden', undefined, 'This invite is for another email address.');
  }

  return ctx.db.transaction(async (tx) => {
    const claimed = await tx
      .update(invites)
      .set({ acceptedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(invites.id, invite.id), isNull(invites.acceptedAt), isNull(invites.revokedAt)))
      .returning({ id: invites.id });
    if (claimed.length === 0) throw new AppError('invite_expired');

    let userId: string;
    let newSession: { token: string; session: SessionRow } | null = null;
    if (current) {
      userId = current.user.id;
      const [m] = await tx
        .select()
        .from(memberships)
        .where(and(eq(memberships.workspaceId, invite.workspaceId), eq(memberships.userId, userId)));
      if (m?.status === 'active') throw new AppError('already_member');
      if (m) {
        await tx
          .update(memberships)
          .set({ status: 'active', role: invite.role, deactivatedAt: null, updatedAt: new Date() })
          .where(and(eq(memberships.workspaceId, invite.workspaceId), eq(memberships.userId, userId)));
      } else {
        await tx.insert(memberships).values({ workspaceId: invite.workspaceId, userId, role: invite.role });
      }
    } else {
      const inserted = await tx
        .insert(users)
        .values({ email: input.email!, name: input.name!, passwordHash: passwordHash! })
        .onConflictDoNothing()
        .returning();
      if (inserted.length === 0) throw new AppError('email_taken');
      userId = inserted[0]!.id;
      await tx.insert(memberships).values({ workspaceId: invite.workspaceId, userId, role: invite.role });
      newSession = await createSession(tx, ctx.config, { userId, remember: false, ...client });
    }
    await tx.update(invites).set({ acceptedBy: userId }).where(eq(invites.id, invite.id));
    await recordAudit(ctx, tx, {
      type: 'invite.accepted',
      workspaceId: invite.workspaceId,
      actorId: userId,
      subjectType: 'invite',
      subjectId: invite.id,
      ipPrefix: client.ipPrefix,
      data: { role: invite.role },
    });
    return { workspaceId: invite.workspaceId, newSession };
  });
}
