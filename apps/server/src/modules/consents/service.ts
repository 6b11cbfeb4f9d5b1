import type {
  ConsentAction,
  ConsentEntryDto,
  ConsentHistoryResponse,
  ConsentPurpose,
  ConsentSettingsDto,
  ConsentState,
  RecordConsentRequest,
} from '@parley/contracts';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { type DbOrTx, rowsOf } from '../../db/client.js';
import { channels, consents, contacts, workspaces } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { recordAudit } from '../audit/service.js';
import { loadContact } from '../contacts/service.js';

type ConsentRow = typeof consents.$inferSelect;

/** Fresh-install wording (German, formal): every text can be changed in Settings → Consent. */
export const DEFAULT_CONSENT_SETTINGS: ConsentSettingsDto = {
  optOutKeywords: ['STOP', 'Stopp', 'Abmelden', 'Austragen', 'Unsubscribe'],
  optInKeywords: ['START', 'Anmelden'],
  confirmQuestion:
    'Möchten Sie unseren Newsletter über WhatsApp erhalten (Angebote und Neuigkeiten)? Sie können sich jederzeit mit STOP abmelden.',
  confirmYes: 'Ja, anmelden',
  confirmNo: 'Nein, danke',
  confirmedReply: 'Danke! Sie sind angemeldet. Mit STOP melden Sie sich jederzeit wieder ab.',
  optOutReply:
    'Sie erhalten von uns keine Newsletter mehr über WhatsApp. Mit START melden Sie sich wieder an.',
};

export async function consentSettingsOf(db: DbOrTx, workspaceId: string): Promise<ConsentSettingsDto> {
  const [w] = await db
    .select({ settings: workspaces.settings })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const stored = ((w?.settings as { consent?: Partial<ConsentSettingsDto> } | undefined)?.consent ??
    {}) as Partial<ConsentSettingsDto>;
  return { ...DEFAULT_CONSENT_SETTINGS, ...stored };
}

export async function updateConsentSettings(
  ctx: AppContext,
  member: Member,
  input: Partial<ConsentSettingsDto>,
): Promise<ConsentSettingsDto> {
  const ws = member.workspaceId;
  const next = { ...(await consentSettingsOf(ctx.db, ws)), ...input };
  const optIn = new Set(next.optInKeywords.map(normalizeKeyword));
  const clash = next.optOutKeywords.find((k) => optIn.has(normalizeKeyword(k)));
  if (clash)
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.optOutKeywords', message: `"${clash}" is an opt-in keyword too` }],
    });
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(workspaces)
      .set({
        settings: sql`jsonb_set(coalesce(${workspaces.settings}, '{}'::jsonb), '{consent}', ${JSON.stringify(next)}::jsonb)`,
        updatedAt: new Date(),
      })
      .where(eq(workspaces.id, ws));
    await recordAudit(ctx, tx, {
      type: 'consent.settings_updated',
      workspaceId: ws,
      actorId: member.user.id,
      subjectType: 'workspace',
      subjectId: ws,
    });
  });
  return next;
}

/**
 * A message reduced for keyword matching: Unicode-normalised, any case, without surrounding spaces,
 * punctuation and emoji ("Stopp!" and " stopp 🙏" match STOPP).
 */
export function normalizeKeyword(text: string): string {
  return text
    .normalize('NFKC')
    .toLocaleLowerCase('de')
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '');
}

export type NewConsent = {
  workspaceId: string;
  contactId: string;
  purpose: ConsentPurpose;
  action: ConsentAction;
  source: string;
  channelId?: string | null;
  wording?: string | null;
  evidence?: string | null;
  messageId?: string | null;
  actorUserId?: string | null;
  at?: Date;
};

/** Appends entries to the ledger in the caller's transaction (one insert). */
export async function recordConsents(
  ctx: AppContext,
  tx: DbOrTx,
  entries: NewConsent[],
): Promise<ConsentRow[]> {
  if (entries.length === 0) return [];
  const values = [];
  for (const e of entries)
    values.push({
      workspaceId: e.workspaceId,
      contactId: e.contactId,
      purpose: e.purpose,
      action: e.action,
      source: e.source,
      channelId: e.channelId ?? null,
      wording: e.wording ?? null,
      evidence: e.evidence
        ? await ctx.keyring.encrypt(tx, e.workspaceId, e.evidence, 'consents.evidence')
        : null,
      messageId: e.messageId ?? null,
      actorUserId: e.actorUserId ?? null,
      ...(e.at ? { createdAt: e.at } : {}),
    });
  return tx.insert(consents).values(values).returning();
}

export type ConsentStates = { marketing: ConsentState; service: ConsentState };
type StateEntry = { state: ConsentState; entryId: string | null };

/**
 * The current state per contact and purpose: the newest entry that applies, with its id — the entry
 * a send relies on. With `channelId`, entries for every channel (null) or that channel apply; without,
 * every entry does (the contact page's overview).
 */
export async function consentStatesOf(
  db: DbOrTx,
  workspaceId: string,
  contactIds: string[],
  channelId?: string,
): Promise<Map<string, Record<ConsentPurpose, StateEntry>>> {
  const out = new Map<string, Record<ConsentPurpose, StateEntry>>();
  for (const id of contactIds)
    out.set(id, {
      marketing: { state: 'none', entryId: null },
      service: { state: 'none', entryId: null },
    });
  if (contactIds.length === 0) return out;
  const channelCondition = channelId
    ? sql`(${consents.channelId} is null or ${consents.channelId} = ${channelId})`
    : sql`true`;
  for (let i = 0; i < contactIds.length; i += 1000) {
    const part = contactIds.slice(i, i + 1000);
    const rows = rowsOf<{ id: string; contact_id: string; purpose: ConsentPurpose; action: ConsentAction }>(
      await db.execute(sql`
        select distinct on (contact_id, purpose) id, contact_id, purpose, action
        from ${consents}
        where ${consents.workspaceId} = ${workspaceId}
          and ${inArray(consents.contactId, part)}
          and ${channelCondition}
        order by contact_id, purpose, created_at desc, id desc`),
    );
    for (const r of rows) {
      const entry = out.get(r.contact_id);
      if (entry) entry[r.purpose] = { state: r.action, entryId: r.id };
    }
  }
  return out;
}

async function toEntryDto(ctx: AppContext, db: DbOrTx, r: ConsentRow): Promise<ConsentEntryDto> {
  return {
    id: r.id,
    contactId: r.contactId,
    purpose: r.purpose,
    action: r.action,
    source: r.source,
    channelId: r.channelId,
    wording: r.wording,
    evidence: await ctx.keyring.decryptOptional(db, r.workspaceId, r.evidence, 'consents.evidence'),
    messageId: r.messageId,
    actorUserId: r.actorUserId,
    createdAt: r.createdAt.toISOString(),
  };
}

/** A contact's consent history, oldest first, and the state per purpose over all channels. */
export async function consentHistory(
  ctx: AppContext,
  member: Member,
  contactId: string,
): Promise<ConsentHistoryResponse> {
  const ws = member.workspaceId;
  await loadContact(ctx.db, ws, contactId);
  const rows = await ctx.db
    .select()
    .from(consents)
    .where(and(eq(consents.workspaceId, ws), eq(consents.contactId, contactId)))
    .orderBy(asc(consents.createdAt), asc(consents.id));
  // The state from the same rows (the newest entry per purpose), not from a second read that could
  // already see an entry this list does not have.
  const current: Record<ConsentPurpose, ConsentState> = { marketing: 'none', service: 'none' };
  for (const r of rows) current[r.purpose] = r.action;
  return {
    items: await Promise.all(rows.map((r) => toEntryDto(ctx, ctx.db, r))),
    current,
  };
}

/** Records a consent given or withdrawn outside WhatsApp (a form, a call, the API), by a member. */
export async function recordConsentByMember(
  ctx: AppContext,
  member: Member,
  contactId: string,
  input: RecordConsentRequest,
): Promise<ConsentEntryDto> {
  const ws = member.workspaceId;
  await loadContact(ctx.db, ws, contactId);
  if (input.channelId) {
    const [ch] = await ctx.db
      .select({ id: channels.id })
      .from(channels)
      .where(and(eq(channels.id, input.channelId), eq(channels.workspaceId, ws)));
    if (!ch)
      throw new AppError('validation_failed', {
        issues: [{ path: 'body.channelId', message: 'Unknown channel' }],
      });
  }
  const row = await ctx.db.transaction(async (tx) => {
    const [entry] = await recordConsents(ctx, tx, [
      {
        workspaceId: ws,
        contactId,
        purpose: input.purpose,
        action: input.action,
        source: input.source,
        channelId: input.channelId ?? null,
        wording: input.wording ?? null,
        evidence: input.evidence ?? null,
        actorUserId: member.user.id,
      },
    ]);
    await recordAudit(ctx, tx, {
      type: `consent.${input.action}`,
      workspaceId: ws,
      actorId: member.user.id,
      subjectType: 'contact',
      subjectId: contactId,
      data: { purpose: input.purpose, source: input.source },
    });
    return entry!;
  });
  return toEntryDto(ctx, ctx.db, row);
}

/**
 * Meta's own opt-out signal (error 131050 on a marketing send, or a `user_preferences` webhook with
 * `stop`): the customer stopped marketing messages from the business in WhatsApp. Recorded as a
 * withdrawal for the channel, unless the newest entry already says withdrawn.
 */
export async function recordMetaOptOut(
  ctx: AppContext,
  tx: DbOrTx,
  input: { workspaceId: string; contactId: string; channelId: string; detail: string; at?: Date },
): Promise<void> {
  const current = (await consentStatesOf(tx, input.workspaceId, [input.contactId], input.channelId)).get(
    input.contactId,
  )!;
  if (current.marketing.state === 'withdrawn') return;
  await recordConsents(ctx, tx, [
    {
      workspaceId: input.workspaceId,
      contactId: input.contactId,
      purpose: 'marketing',
      action: 'withdrawn',
      source: 'meta',
      channelId: input.channelId,
      wording: input.detail,
      at: input.at,
    },
  ]);
}

type UserPreference = {
  wa_id?: string;
  category: string;
  value: string;
  detail?: string;
  timestamp?: string | number;
};

/**
 * A `user_preferences` webhook: a customer stopped marketing messages from the business inside
 * WhatsApp. `stop` withdraws marketing consent for the channel (source `meta`). `resume` only lifts
 * WhatsApp's own block; it is not consent under UWG § 7, so nothing is granted. Unknown numbers are
 * ignored (Parley keeps no contact for someone who never wrote and was never added).
 */
export async function applyUserPreferences(
  ctx: AppContext,
  tx: DbOrTx,
  ch: { id: string; workspaceId: string },
  preferences: UserPreference[],
): Promise<void> {
  for (const p of preferences) {
    if (p.category !== 'marketing_messages' || p.value !== 'stop' || !p.wa_id) continue;
    const hash = await ctx.keyring.blindIndex(tx, ch.workspaceId, 'contacts.wa_id', p.wa_id);
    const [contact] = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.workspaceId, ch.workspaceId), eq(contacts.waIdHash, hash)));
    if (!contact) continue;
    // Recorded when Parley learns it: Meta's time has whole seconds and would sort before an entry
    // made in the same second; it is kept in the wording.
    const seconds = Number(p.timestamp);
    const when =
      Number.isFinite(seconds) && seconds > 0 ? ` (${new Date(seconds * 1000).toISOString()})` : '';
    await recordMetaOptOut(ctx, tx, {
      workspaceId: ch.workspaceId,
      contactId: contact.id,
      channelId: ch.id,
      detail: `${p.detail ?? 'Stopped marketing messages in WhatsApp'}${when}`,
    });
  }
}
