import type {
  AudiencePreviewResponse,
  audienceImportRequest,
  audienceImportResponse,
  audiencePreviewRequest,
} from '@parley/contracts';
import { parse } from 'csv-parse/sync';
import { and, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { channels, contacts, templates } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { recordAudit } from '../audit/service.js';
import { channelCredentials } from '../channels/service.js';
import { consentStatesOf, recordConsents } from '../consents/service.js';
import { unescapeCell } from '../contacts/csv.js';
import { defaultCountryOf, normalizePhone } from '../contacts/service.js';
import { contactSearchTokens } from '../search/hash.js';
import { throughputMps } from '../whatsapp/send-limits.js';
import { resolveAudience, skipReasonOf } from './audience.js';
import { messagingLimitOf } from './pacer.js';
import { numberInfo, reachedInLastDay, type Variable, variableValue } from './send-broadcast.job.js';

async function loadChannel(ctx: AppContext, ws: string, channelId: string) {
  const [ch] = await ctx.db
    .select()
    .from(channels)
    .where(and(eq(channels.id, channelId), eq(channels.workspaceId, ws)));
  if (!ch)
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.channelId', message: 'Unknown channel' }],
    });
  return ch;
}

/**
 * The review step: who a broadcast with these settings would reach now, why the others would not
 * (the same rule as the send's claim), what the daily limit leaves, how long the sending takes at the
 * number's throughput, and up to five recipients with their variable values.
 */
export async function previewAudience(
  ctx: AppContext,
  member: Member,
  input: z.infer<typeof audiencePreviewRequest>,
): Promise<AudiencePreviewResponse> {
  const ws = member.workspaceId;
  const ch = await loadChannel(ctx, ws, input.channelId);
  const [t] =
    input.templateName && input.language
      ? await ctx.db
          .select({ category: templates.category })
          .from(templates)
          .where(
            and(
              eq(templates.workspaceId, ws),
              eq(templates.channelId, ch.id),
              eq(templates.name, input.templateName),
              eq(templates.language, input.language),
            ),
          )
      : [];
  // Without a known template, count as the strictest case: marketing needs confirmed consent.
  const marketing = t ? t.category.toUpperCase() === 'MARKETING' : true;
  const { ids, byRule } = await resolveAudience(ctx, ctx.db, ws, ch.id, input.audience);
  const excluded = { byRule, noConsent: 0, optedOut: 0, blocked: 0, noNumber: 0, overDailyLimit: 0 };
  const eligibleIds: string[] = [];
  const sampleRows: (typeof contacts.$inferSelect)[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const part = ids.slice(i, i + 1000);
    const people = await ctx.db
      .select()
      .from(contacts)
      .where(and(eq(contacts.workspaceId, ws), inArray(contacts.id, part)));
    const byId = new Map(people.map((p) => [p.id, p]));
    const states = await consentStatesOf(ctx.db, ws, part, ch.id);
    for (const id of part) {
      const reason = skipReasonOf(byId.get(id), states.get(id)!.marketing.state, marketing);
      if (reason === 'blocked') excluded.blocked++;
      else if (reason === 'no_number' || reason === 'contact_deleted') excluded.noNumber++;
      else if (reason === 'opted_out') excluded.optedOut++;
      else if (reason === 'no_consent') excluded.noConsent++;
      else {
        eligibleIds.push(id);
        if (sampleRows.length < 5) sampleRows.push(byId.get(id)!);
      }
    }
  }
  const creds = await channelCredentials(ctx, ctx.db, ch);
  const info = await numberInfo(creds, ch.phoneNumberId).catch(() => null);
  const mps = throughputMps(info?.throughput?.level ?? ch.throughputLevel);
  const limit = messagingLimitOf(info?.whatsapp_business_manager_messaging_limit ?? ch.messagingLimit);
  const finite = Number.isFinite(limit);
  const remaining = finite ? Math.max(0, limit - (await reachedInLastDay(ctx, ws, ch.wabaId)).count) : null;
  const eligible = eligibleIds.length;
  if (remaining !== null) excluded.overDailyLimit = Math.max(0, eligible - remaining);
  const sendable = eligible - excluded.overDailyLimit;
  const variables = (input.variables ?? {}) as Record<string, Variable>;
  const samples = [];
  for (const r of sampleRows) {
    const values: Record<string, string | null> = {};
    for (const [key, v] of Object.entries(variables)) values[key] = await variableValue(ctx, ws, r, v);
    samples.push({
      contactId: r.id,
      name: await ctx.keyring.decryptOptional(ctx.db, ws, r.name, 'contacts.name'),
      variables: values,
    });
  }
  return {
    total: ids.length,
    eligible,
    excluded,
    dailyLimit: finite ? limit : null,
    dailyRemaining: remaining,
    throughputMps: mps,
    estimatedSeconds: Math.ceil(sendable / Math.max(1, mps)),
    marketing,
    samples,
  };
}

const PHONE_HEADERS = /^(phone|telefon|telefonnummer|mobil|mobile|handy|number|nummer|whatsapp|wa_id)$/i;
const NAME_HEADERS = /^(name|vollständiger name|full name|kontakt|contact)$/i;
const PROOF_HEADERS = /^(consent_proof|consent|einwilligung|einwilligungsnachweis|proof|nachweis)$/i;

/**
 * A static list from CSV: a header row naming the phone column (and optionally name and consent
 * proof), rows by comma or semicolon. Known numbers are matched (merged duplicates to the contact they
 * went into), unknown ones become contacts (source import). A row with a consent proof records
 * marketing consent for the channel (source import, the proof encrypted as evidence); a row without
 * one records nothing: the list alone proves no consent. Every row that cannot be used is reported
 * by line and nothing of the file is lost silently.
 */
export async function importAudience(
  ctx: AppContext,
  member: Member,
  input: z.infer<typeof audienceImportRequest>,
): Promise<z.infer<typeof audienceImportResponse>> {
  const ws = member.workspaceId;
  const ch = await loadChannel(ctx, ws, input.channelId);
  const firstLine = input.csv.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    records = parse(input.csv, {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      trim: true,
      max_record_size: 64 * 1024,
    }) as string[][];
  } catch (err) {
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.csv', message: `Not a readable CSV file: ${(err as Error).message}` }],
    });
  }
  const header = (records[0] ?? []).map((h) => h.toLowerCase());
  const phoneCol = header.findIndex((h) => PHONE_HEADERS.test(h));
  const nameCol = header.findIndex((h) => NAME_HEADERS.test(h));
  const proofCol = header.findIndex((h) => PROOF_HEADERS.test(h));
  if (phoneCol < 0)
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.csv', message: 'The first row must name the columns; none is called "phone"' }],
    });
  const country = await defaultCountryOf(ctx.db, ws);
  const hash = await ctx.keyring.blindIndexer(ctx.db, ws, 'contacts.wa_id');
  const errors: z.infer<typeof audienceImportResponse>['errors'] = [];
  type Row = { line: number; waId: string; hash: string; name: string; proof: string };
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (const [i, rec] of records.entries()) {
    if (i === 0) continue;
    const line = i + 1;
    if (rec.every((cell) => cell === '')) continue;
    const phone = normalizePhone(unescapeCell(rec[phoneCol] ?? ''), country);
    if (!phone) {
      if (errors.length < 1000)
        errors.push({ line, code: 'invalid_phone', message: 'Not a valid phone number' });
      continue;
    }
    const h = hash(phone.waId);
    if (seen.has(h)) {
      if (errors.length < 1000)
        errors.push({ line, code: 'duplicate', message: 'The number appears earlier in the file' });
      continue;
    }
    seen.add(h);
    rows.push({
      line,
      waId: phone.waId,
      hash: h,
      name: nameCol >= 0 ? unescapeCell(rec[nameCol] ?? '').slice(0, 200) : '',
      proof: proofCol >= 0 ? unescapeCell(rec[proofCol] ?? '').slice(0, 2000) : '',
    });
  }
  const contactIds: string[] = [];
  let created = 0;
  let matched = 0;
  let consentsRecorded = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    await ctx.db.transaction(async (tx) => {
      const existing = await tx
        .select({ id: contacts.id, hash: contacts.waIdHash, mergedIntoId: contacts.mergedIntoId })
        .from(contacts)
        .where(
          and(
            eq(contacts.workspaceId, ws),
            inArray(
              contacts.waIdHash,
              part.map((r) => r.hash),
            ),
          ),
        );
      const idOf = new Map(existing.map((c) => [c.hash, c.mergedIntoId ?? c.id]));
      matched += part.filter((r) => idOf.has(r.hash)).length;
      const fresh = part.filter((r) => !idOf.has(r.hash));
      if (fresh.length) {
        const values = [];
        for (const r of fresh)
          values.push({
            workspaceId: ws,
            waIdHash: r.hash,
            waId: await ctx.keyring.encrypt(tx, ws, r.waId, 'contacts.wa_id'),
            name: r.name ? await ctx.keyring.encrypt(tx, ws, r.name, 'contacts.name') : null,
            nameTokens: await contactSearchTokens(ctx.keyring, tx, ws, r.name || null, r.waId),
            nameFromProfile: !r.name,
            source: 'import' as const,
          });
        const inserted = await tx
          .insert(contacts)
          .values(values)
          .onConflictDoNothing()
          .returning({ id: contacts.id, hash: contacts.waIdHash });
        for (const c of inserted) idOf.set(c.hash, c.id);
        created += inserted.length;
      }
      const states = await consentStatesOf(tx, ws, [...idOf.values()], ch.id);
      const entries = [];
      for (const r of part) {
        const id = idOf.get(r.hash);
        if (!id) {
          errors.push({
            line: r.line,
            code: 'conflict',
            message: 'The contact was created at the same time',
          });
          continue;
        }
        if (r.proof && states.get(id)?.marketing.state === 'withdrawn') {
          // A customer's own opt-out outranks a list: only they can opt in again.
          errors.push({
            line: r.line,
            code: 'opted_out',
            message: 'The contact withdrew marketing consent; an import cannot grant it again',
          });
          continue;
        }
        contactIds.push(id);
        if (r.proof && states.get(id)?.marketing.state !== 'granted')
          entries.push({
            workspaceId: ws,
            contactId: id,
            purpose: 'marketing' as const,
            action: 'granted' as const,
            source: 'import',
            channelId: ch.id,
            evidence: r.proof,
            actorUserId: member.user.id,
          });
      }
      consentsRecorded += (await recordConsents(ctx, tx, entries)).length;
    });
  }
  await recordAudit(ctx, ctx.db, {
    type: 'broadcast.audience_imported',
    workspaceId: ws,
    actorId: member.user.id,
    subjectType: 'channel',
    subjectId: ch.id,
    data: { rows: rows.length, created, matched, consentsRecorded, rejected: errors.length },
  });
  return { contactIds, created, matched, consentsRecorded, errors };
}
