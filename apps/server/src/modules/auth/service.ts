import type { SetupRequest, SignInRequest } from '@parley/contracts';
import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { sha256Hex } from '../../crypto/cipher.js';
import { recoveryCodes, users } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { recordUserAudit } from '../audit/service.js';
import { createWorkspace } from '../workspaces/service.js';
import { burnPasswordCheck, hashPassword, isPasswordTooCommon, verifyPassword } from './passwords.js';
import { assertUnderLimit, clearRateLimit, hitRateLimit, LOGIN_WINDOW_MS } from './rate-limit.js';
import { createSession, revokeSessions, type SessionRow, type UserRow } from './sessions.js';
import { checkSetupToken, consumeSetupToken, isSetupRequired } from './setup.js';
import { checkTotp, newRecoveryCodes, newTotpSecret, normalizeRecoveryCode, totpEnrollment } from './totp.js';

export type ClientInfo = { ipPrefix: string | null; userAgent: string | null };

/** Throws password_too_common when the password is on the offline list or equals the person's email/name. */
export function assertPasswordAllowed(password: string, personal: string[]): void {
  if (isPasswordTooCommon(password, personal)) {
    throw new AppError('password_too_common', {
      issues: [{ path: 'body.password', message: 'This password is too common' }],
    });
  }
}

/**
 * First run only: creates the workspace and its owner, consumes the setup token and signs the owner in.
 * Errors: setup_completed (409), invalid_setup_token (403), password_too_common (400), rate_limited (429).
 */
export async function completeSetup(ctx: AppContext, input: SetupRequest, client: ClientInfo) {
  const ipKey = `setup:ip:${client.ipPrefix ?? 'unknown'}`;
  await assertUnderLimit(ctx.db, ipKey, 20);
  if (!(await isSetupRequired(ctx.db))) throw new AppError('setup_completed');
  assertPasswordAllowed(input.password, [input.email, input.name]);
  const passwordHash = await hashPassword(input.password);
  const result = await ctx.db.transaction(async (tx) => {
    if (!(await checkSetupToken(tx, input.setupToken))) return null;
    if (!(await isSetupRequired(tx))) throw new AppError('setup_completed');
    const [user] = await tx
      .insert(users)
      .values({ email: input.email, name: input.name, passwordHash, locale: input.locale ?? null })
      .returning();
    const workspace = await createWorkspace(ctx, tx, {
      name: input.workspaceName,
      ownerId: user!.id,
      ipPrefix: client.ipPrefix,
    });
    await consumeSetupToken(tx);
    const { token, session } = await createSession(tx, ctx.config, {
      userId: user!.id,
      remember: false,
      ...client,
    });
    await recordUserAudit(ctx, tx, user!.id, {
      type: 'auth.signed_in',
      actorId: user!.id,
      ipPrefix: client.ipPrefix,
      data: { method: 'setup' },
    });
    return { user: user!, workspace, token, session };
  });
  if (!result) {
    await hitRateLimit(ctx.db, ipKey, LOGIN_WINDOW_MS);
    throw new AppError('invalid_setup_token');
  }
  return result;
}

/**
 * Signs in with email + password (+ TOTP code or recovery code when 2FA is on).
 * The same answer for an unknown email and a wrong password; failures count against the account and
 * the client IP (429 with Retry-After above the limits). Errors: invalid_credentials,
 * two_factor_required, invalid_totp_code, rate_limited.
 */
export async function signIn(
  ctx: AppContext,
  input: SignInRequest,
  client: ClientInfo,
): Promise<{ user: UserRow; session: SessionRow; token: string }> {
  const accountKey = `login:acct:${sha256Hex(input.email)}`;
  const ipKey = `login:ip:${client.ipPrefix ?? 'unknown'}`;
  await assertUnderLimit(ctx.db, accountKey, ctx.config.loginMaxFailuresPerAccount);
  await assertUnderLimit(ctx.db, ipKey, ctx.config.loginMaxFailuresPerIp);

  const fail = async (userId: string | null, reason: string): Promise<never> => {
    await hitRateLimit(ctx.db, accountKey, LOGIN_WINDOW_MS);
    await hitRateLimit(ctx.db, ipKey, LOGIN_WINDOW_MS);
    await ctx.db.transaction((tx) =>
      recordUserAudit(ctx, tx, userId, {
        type: 'auth.sign_in_failed',
        actorId: userId,
        ipPrefix: client.ipPrefix,
        data: { reason },
      }),
    );
    throw new AppError(
      reason === 'totp' || reason === 'recovery_code' ? 'invalid_totp_code' : 'invalid_credentials',
    );
  };

  const [user] = await ctx.db.select().from(users).where(eq(users.email, input.email));
  if (!user) {
    await burnPasswordCheck(input.password);
    return fail(null, 'password');
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) return fail(user.id, 'password');

  let method = 'password';
  let totpStep: number | null = null;
  let recoveryCodeId: string | null = null;
  if (user.totpEnabledAt && user.totpSecret) {
    if (input.totpCode) {
      const secret = ctx.keyring.decryptInstance(user.totpSecret, `users.totp:${user.id}`);
      totpStep = checkTotp(secret, input.totpCode, user.totpLastStep);
      if (totpStep === null) return fail(user.id, 'totp');
      method = 'totp';
    } else if (input.recoveryCode) {
      recoveryCodeId = await findRecoveryCode(ctx, user.id, input.recoveryCode);
      if (!recoveryCodeId) return fail(user.id, 'recovery_code');
      method = 'recovery_code';
    } else {
      throw new AppError('two_factor_required');
    }
  }

  const result = await ctx.db.transaction(async (tx) => {
    if (totpStep !== null)
      await tx.update(users).set({ totpLastStep: totpStep }).where(eq(users.id, user.id));
    if (recoveryCodeId) {
      const used = await tx
        .update(recoveryCodes)
        .set({ usedAt: new Date() })
        .where(and(eq(recoveryCodes.id, recoveryCodeId), isNull(recoveryCodes.usedAt)))
        .returning({ id: recoveryCodes.id });
      if (used.length === 0) throw new AppError('invalid_totp_code');
    }
    const { token, session } = await createSession(tx, ctx.config, {
      userId: user.id,
      remember: input.remember ?? false,
      ...client,
    });
    await recordUserAudit(ctx, tx, user.id, {
      type: 'auth.signed_in',
      actorId: user.id,
      ipPrefix: client.ipPrefix,
      data: { method },
    });
    return { token, session };
  });
  await clearRateLimit(ctx.db, accountKey);
  return { user, ...result };
}

async function findRecoveryCode(ctx: AppContext, userId: string, code: string): Promise<string | null> {
  const rows = await ctx.db
    .select()
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  const wanted = sha256Hex(`${userId}:${normalizeRecoveryCode(code)}`);
  return rows.find((r) => r.codeHash === wanted)?.id ?? null;
}

/** Ends the current session (sign out). */
export async function signOut(
  ctx: AppContext,
  auth: { user: UserRow; session: SessionRow },
  client: ClientInfo,
) {
  await ctx.db.transaction(async (tx) => {
    await revokeSessions(tx, auth.user.id, { sessionId: auth.session.id, reason: 'signed_out' });
    await recordUserAudit(ctx, tx, auth.user.id, {
      type: 'auth.signed_out',
      actorId: auth.user.id,
      ipPrefix: client.ipPrefix,
    });
  });
  await ctx.events.flush();
}

/** Changes the password after checking the current one; every other session of the person ends. */
export async function changePassword(
  ctx: AppContext,
  auth: { user: UserRow; session: SessionRow },
  input: { currentPassword: string; newPassword: string },
  client: ClientInfo,
) {
  if (!(await verifyPassword(auth.user.passwordHash, input.currentPassword))) {
    throw new AppError('wrong_password', {
      issues: [{ path: 'body.currentPassword', message: 'The current password is wrong' }],
    });
  }
  if (isPasswordTooCommon(input.newPassword, [auth.user.email, auth.user.name])) {
    throw new AppError('password_too_common', {
      issues: [{ path: 'body.newPassword', message: 'This password is too common' }],
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: new Date(), updatedAt: new Date() })
      .where(eq(users.id, auth.user.id));
    const ended = await revokeSessions(tx, auth.user.id, {
      exceptSessionId: auth.session.id,
      reason: 'password_changed',
    });
    await recordUserAudit(ctx, tx, auth.user.id, {
      type: 'auth.password_changed',
      actorId: auth.user.id,
      ipPrefix: client.ipPrefix,
      data: { sessionsEnded: ended.length },
    });
  });
  await ctx.events.flush();
}

/** Ends one of the caller's own sessions, or all but the current one. */
export async function endOwnSessions(
  ctx: AppContext,
  auth: { user: UserRow; session: SessionRow },
  opts: { sessionId?: string },
  client: ClientInfo,
): Promise<number> {
  const ended = await ctx.db.transaction(async (tx) => {
    const ids = await revokeSessions(tx, auth.user.id, {
      ...(opts.sessionId ? { sessionId: opts.sessionId } : { exceptSessionId: auth.session.id }),
      reason: 'ended_by_user',
    });
    if (ids.length > 0) {
      await recordUserAudit(ctx, tx, auth.user.id, {
        type: 'auth.session_ended',
        actorId: auth.user.id,
        subjectType: 'user',
        subjectId: auth.user.id,
        ipPrefix: client.ipPrefix,
        data: { count: ids.length },
      });
    }
    return ids;
  });
  if (opts.sessionId && ended.length === 0) throw new AppError('not_found');
  await ctx.events.flush();
  return ended.length;
}

/** Starts 2FA enrollment: a new secret, kept pending until a code confirms it. */
export async function startTotpSetup(ctx: AppContext, user: UserRow) {
  if (user.totpEnabledAt) throw new AppError('two_factor_already_enabled');
  const secret = newTotpSecret();
  await ctx.db
    .update(users)
    .set({ totpPendingSecret: ctx.keyring.encryptInstance(secret, `users.totp_pending:${user.id}`) })
    .where(eq(users.id, user.id));
  return { secret, ...(await totpEnrollment(secret, user.email)) };
}

/** Confirms enrollment with a code from the app; turns 2FA on and returns ten recovery codes (shown once). */
export async function enableTotp(ctx: AppContext, user: UserRow, code: string, client: ClientInfo) {
  if (user.totpEnabledAt) throw new AppError('two_factor_already_enabled');
  if (!user.totpPendingSecret) throw new AppError('conflict', undefined, 'Start the two-factor setup first.');
  const secret = ctx.keyring.decryptInstance(user.totpPendingSecret, `users.totp_pending:${user.id}`);
  const step = checkTotp(secret, code, null);
  if (step === null)
    throw new AppError('invalid_totp_code', {
      issues: [{ path: 'body.code', message: 'The code is not valid' }],
    });
  const codes = newRecoveryCodes();
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        totpSecret: ctx.keyring.encryptInstance(secret, `users.totp:${user.id}`),
        totpPendingSecret: null,
        totpEnabledAt: new Date(),
        totpLastStep: step,
        updatedAt: new Date(),
      })
      .where(eq(users.id, user.id));
    await replaceRecoveryCodes(tx, user.id, codes);
    await recordUserAudit(ctx, tx, user.id, {
      type: 'auth.two_factor_enabled',
      actorId: user.id,
      ipPrefix: client.ipPrefix,
    });
  });
  return codes;
}

async function replaceRecoveryCodes(
  tx: Parameters<Parameters<AppContext['db']['transaction']>[0]>[0],
  userId: string,
  codes: string[],
) {
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx
    .insert(recoveryCodes)
    .values(codes.map((c) => ({ userId, codeHash: sha256Hex(`${userId}:${normalizeRecoveryCode(c)}`) })));
}

/** Turns 2FA off after re-checking the password. */
export async function disableTotp(ctx: AppContext, user: UserRow, password: string, client: ClientInfo) {
  if (!user.totpEnabledAt) throw new AppError('two_factor_not_enabled');
  if (!(await verifyPassword(user.passwordHash, password))) {
    throw new AppError('wrong_password', {
      issues: [{ path: 'body.password', message: 'The password is wrong' }],
    });
  }
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        totpSecret: null,
        totpPendingSecret: null,
        totpEnabledAt: null,
        totpLastStep: null,
        updatedAt: new Date(),
      })
      .where(eq(users.id, user.id));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    await recordUserAudit(ctx, tx, user.id, {
      type: 'auth.two_factor_disabled',
      actorId: user.id,
      ipPrefix: client.ipPrefix,
    });
  });
}

/** New recovery codes (the old ones stop working) after re-checking the password. */
export async function regenerateRecoveryCodes(
  ctx: AppContext,
  user: UserRow,
  password: string,
  client: ClientInfo,
) {
  if (!user.totpEnabledAt) throw new AppError('two_factor_not_enabled');
  if (!(await verifyPassword(user.passwordHash, password))) {
    throw new AppError('wrong_password', {
      issues: [{ path: 'body.password', message: 'The password is wrong' }],
    });
  }
  const codes = newRecoveryCodes();
  await ctx.db.transaction(async (tx) => {
    await replaceRecoveryCodes(tx, user.id, codes);
    await recordUserAudit(ctx, tx, user.id, {
      type: 'auth.recovery_codes_regenerated',
      actorId: user.id,
      ipPrefix: client.ipPrefix,
    });
  });
  return codes;
}
