import crypto from 'node:crypto';
import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { auditEvents, memberships, users } from '../../db/schema.js';
import { canonicalJson } from '../../lib/canonical-json.js';

export const GENESIS = '0'.repeat(64);
export const INSTANCE_CHAIN = 'instance';

export type AuditInput = {
  type: string;
  workspaceId: string | null;
  actorId?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  ipPrefix?: string | null;
  data?: Record<string, unknown>;
};

type Row = typeof auditEvents.$inferSelect;

function hashOf(key: Buffer, prevHash: string, r: Omit<Row, 'id' | 'hash' | 'prevHash'>): string {
  return hmacHex(
    key,
    `${prevHash}\n${canonicalJson([
      r.chainKey,
      r.workspaceId,
      r.type,
      r.actorId,
      r.subjectType,
      r.subjectId,
      r.ipPrefix,
      r.data,
      r.createdAt.toISOString(),
    ])}`,
  );
}

function hmacHex(key: Buffer, text: string): string {
  return crypto.createHmac('sha256', key).update(text).digest('hex');
}

/**
 * Appends one audit event to its workspace's hash chain (inside the caller's transaction).
 * Chains are serialised with a transaction-scoped advisory lock, so concurrent writers cannot fork a chain.
 * Never put message bodies, tokens or phone numbers in `data`.
 */
export async function recordAudit(ctx: AppContext, tx: DbOrTx, input: AuditInput): Promise<void> {
  const chainKey = input.workspaceId ?? INSTANCE_CHAIN;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`audit:${chainKey}`}))`);
  const [last] = await tx
    .select({ hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.chainKey, chainKey))
    .orderBy(desc(auditEvents.id))
    .limit(1);
  const prevHash = last?.hash ?? GENESIS;
  const row = {
    chainKey,
    workspaceId: input.workspaceId,
    type: input.type,
    actorId: input.actorId ?? null,
    subjectType: input.subjectType ?? null,
    subjectId: input.subjectId ?? null,
    ipPrefix: input.ipPrefix ?? null,
    data: input.data ?? {},
    createdAt: new Date(),
  };
  await tx
    .insert(auditEvents)
    .values({ ...row, prevHash, hash: hashOf(ctx.keyring.auditKey, prevHash, row) });
}

/**
 * Records a person-level event (sign-in, 2FA, sessions) in the audit chain of every workspace the
 * person is an active member of; with no membership (e.g. unknown email) in the instance chain.
 */
export async function recordUserAudit(
  ctx: AppContext,
  tx: DbOrTx,
  userId: string | null,
  input: Omit<AuditInput, 'workspaceId'>,
): Promise<void> {
  const rows = userId
    ? await tx
        .select({ workspaceId: memberships.workspaceId })
        .from(memberships)
        .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')))
    : [];
  if (rows.length === 0) {
    await recordAudit(ctx, tx, { ...input, workspaceId: null });
    return;
  }
  for (const r of rows) await recordAudit(ctx, tx, { ...input, workspaceId: r.workspaceId });
}

const verified = new Map<string, { id: number; hash: string }>();

/**
 * Checks a chain: false when any row was changed, removed or reordered. Rows verified earlier by this
 * process are not checked again (`full` re-checks from the start; `parley audit verify` would use it).
 */
export async function verifyChain(
  ctx: AppContext,
  db: DbOrTx,
  chainKey: string,
  full = false,
): Promise<boolean> {
  const key = ctx.keyring.auditKey;
  const known = full ? undefined : verified.get(chainKey);
  let prev = known?.hash ?? GENESIS;
  let afterId = known?.id ?? 0;
  if (known) {
    const [still] = await db
      .select({ hash: auditEvents.hash })
      .from(auditEvents)
      .where(eq(auditEvents.id, known.id));
    if (still?.hash !== known.hash) {
      verified.delete(chainKey);
      return false;
    }
  }
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chainKey, chainKey), sql`${auditEvents.id} > ${afterId}`))
      .orderBy(asc(auditEvents.id))
      .limit(1000);
    if (rows.length === 0) {
      if (afterId > 0) verified.set(chainKey, { id: afterId, hash: prev });
      return true;
    }
    for (const r of rows) {
      if (r.prevHash !== prev || hashOf(key, prev, r) !== r.hash) {
        verified.delete(chainKey);
        return false;
      }
      prev = r.hash;
      afterId = r.id;
    }
  }
}

/** A page of a workspace's audit events, newest first, with the actor's name. */
export async function listAuditEvents(
  db: DbOrTx,
  workspaceId: string,
  opts: { before?: number; limit: number },
) {
  const where = opts.before
    ? and(eq(auditEvents.chainKey, workspaceId), lt(auditEvents.id, opts.before))
    : eq(auditEvents.chainKey, workspaceId);
  const rows = await db
    .select()
    .from(auditEvents)
    .where(where)
    .orderBy(desc(auditEvents.id))
    .limit(opts.limit);
  const actorIds = [...new Set(rows.map((r) => r.actorId).filter((x): x is string => !!x))];
  const names = actorIds.length
    ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, actorIds))
    : [];
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    actorId: r.actorId,
    actorName: r.actorId ? (nameOf.get(r.actorId) ?? null) : null,
    subjectType: r.subjectType,
    subjectId: r.subjectId,
    ipPrefix: r.ipPrefix,
    data: r.data as Record<string, unknown>,
    createdAt: r.createdAt.toISOString(),
  }));
}
