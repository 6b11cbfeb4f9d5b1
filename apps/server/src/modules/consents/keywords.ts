import type { ConsentSettingsDto } from '@parley/contracts';
import { and, desc, eq, isNull, or } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/client.js';
import { consents } from '../../db/schema.js';
import { recordOutbound } from '../conversations/outbound.js';
import { consentSettingsOf, normalizeKeyword, recordConsents } from './service.js';

/** Reply button ids of the confirmation question, and of an unsubscribe button in a template. */
export const CONSENT_YES = 'parley.consent.yes';
export const CONSENT_NO = 'parley.consent.no';
export const CONSENT_STOP = 'parley.consent.stop';

/** Longer messages are conversation, never a keyword or an answer (keywords are at most 40 characters). */
const MAX_KEYWORD_MESSAGE = 60;

/** A typed "yes" confirms only a question asked this recently; the button confirms while it is open. */
const TYPED_ANSWER_MS = 24 * 3600_000;

/** A fresh inbound message of a contact that is not blocked, as the ingest stored it. */
export type ConsentCandidate = {
  workspaceId: string;
  channelId: string;
  contactId: string;
  conversationId: string;
  messageId: string;
  /** What the customer wrote, or the title of the button pressed. */
  text: string | null;
  /** The id (interactive reply) or payload (template quick reply) of the button pressed. */
  buttonId: string | null;
};

/** The button id or payload of an inbound reply, if it is one. */
export function buttonIdOf(m: { type: string; [key: string]: unknown }): string | null {
  if (m.type === 'button') {
    const b = m.button as { payload?: unknown } | undefined;
    return typeof b?.payload === 'string' ? b.payload : null;
  }
  if (m.type === 'interactive') {
    const i = m.interactive as { button_reply?: { id?: unknown }; list_reply?: { id?: unknown } } | undefined;
    const id = i?.button_reply?.id ?? i?.list_reply?.id;
    return typeof id === 'string' ? id : null;
  }
  return null;
}

type Decision =
  | { kind: 'opt_out'; source: 'keyword' | 'button' }
  | { kind: 'opt_in' }
  | { kind: 'answer'; yes: boolean; source: 'keyword' | 'button' };

function decide(c: ConsentCandidate, s: ConsentSettingsDto): Decision | null {
  if (c.buttonId === CONSENT_STOP) return { kind: 'opt_out', source: 'button' };
  if (c.buttonId === CONSENT_YES) return { kind: 'answer', yes: true, source: 'button' };
  if (c.buttonId === CONSENT_NO) return { kind: 'answer', yes: false, source: 'button' };
  if (!c.text || c.text.length > MAX_KEYWORD_MESSAGE) return null;
  const word = normalizeKeyword(c.text);
  if (word === '') return null;
  const source = c.buttonId ? 'button' : 'keyword';
  if (s.optOutKeywords.some((k) => normalizeKeyword(k) === word)) return { kind: 'opt_out', source };
  if (s.optInKeywords.some((k) => normalizeKeyword(k) === word)) return { kind: 'opt_in' };
  if (normalizeKeyword(s.confirmYes) === word) return { kind: 'answer', yes: true, source };
  if (normalizeKeyword(s.confirmNo) === word) return { kind: 'answer', yes: false, source };
  return null;
}

/** The newest marketing entry that applies to the contact on this channel. */
async function newestMarketing(tx: Tx, c: ConsentCandidate) {
  const [row] = await tx
    .select({ action: consents.action, createdAt: consents.createdAt, wording: consents.wording })
    .from(consents)
    .where(
      and(
        eq(consents.workspaceId, c.workspaceId),
        eq(consents.contactId, c.contactId),
        eq(consents.purpose, 'marketing'),
        or(isNull(consents.channelId), eq(consents.channelId, c.channelId)),
      ),
    )
    .orderBy(desc(consents.createdAt), desc(consents.id))
    .limit(1);
  return row ?? null;
}

/**
 * Sends a message of Parley's own (no author) into a conversation: recorded as pending and handed to
 * the send job in the caller's transaction, like an agent's message.
 */
export async function sendSystemMessage(
  ctx: AppContext,
  tx: Tx,
  c: { workspaceId: string; channelId: string; conversationId: string },
  text: string,
  interactive?: Record<string, unknown>,
): Promise<string> {
  const content = interactive ? { interactive } : { preview_url: false };
  const m = await recordOutbound(
    ctx,
    tx,
    c,
    { type: interactive ? 'interactive' : 'text', text, content },
    null,
  );
  return m!.id;
}

/**
 * The consent keywords in fresh inbound messages, in the transaction that stores them: an opt-out
 * keyword or unsubscribe button withdraws marketing consent and confirms it; an opt-in keyword asks
 * the confirmation question (double opt-in, recorded as `requested`); only the confirming answer to a
 * pending question grants marketing consent. Each change is a ledger entry with the message it came in.
 */
export async function applyConsentKeywords(
  ctx: AppContext,
  tx: Tx,
  candidates: ConsentCandidate[],
): Promise<void> {
  const settings = new Map<string, ConsentSettingsDto>();
  for (const c of candidates) {
    // Most messages are conversation: no settings read for them on the ingest path.
    if (!c.buttonId && (!c.text || c.text.length > MAX_KEYWORD_MESSAGE)) continue;
    let s = settings.get(c.workspaceId);
    if (!s) {
      s = await consentSettingsOf(tx, c.workspaceId);
      settings.set(c.workspaceId, s);
    }
    const d = decide(c, s);
    if (!d) continue;
    const base = {
      workspaceId: c.workspaceId,
      contactId: c.contactId,
      purpose: 'marketing' as const,
      channelId: c.channelId,
      messageId: c.messageId,
    };
    if (d.kind === 'opt_out') {
      await recordConsents(ctx, tx, [
        { ...base, action: 'withdrawn', source: d.source, wording: c.text?.slice(0, 200) ?? null },
      ]);
      await sendSystemMessage(ctx, tx, c, s.optOutReply);
    } else if (d.kind === 'opt_in') {
      await recordConsents(ctx, tx, [
        { ...base, action: 'requested', source: 'keyword', wording: s.confirmQuestion },
      ]);
      await sendSystemMessage(ctx, tx, c, `${s.confirmQuestion}\n\n[${s.confirmYes}] [${s.confirmNo}]`, {
        type: 'button',
        body: { text: s.confirmQuestion },
        action: {
          buttons: [
            { type: 'reply', reply: { id: CONSENT_YES, title: s.confirmYes } },
            { type: 'reply', reply: { id: CONSENT_NO, title: s.confirmNo } },
          ],
        },
      });
    } else {
      const pending = await newestMarketing(tx, c);
      if (pending?.action !== 'requested') continue;
      if (d.source === 'keyword' && Date.now() - pending.createdAt.getTime() > TYPED_ANSWER_MS) continue;
      await recordConsents(ctx, tx, [
        {
          ...base,
          action: d.yes ? 'granted' : 'withdrawn',
          source: d.source,
          wording: pending.wording,
        },
      ]);
      if (d.yes) await sendSystemMessage(ctx, tx, c, s.confirmedReply);
    }
  }
}
