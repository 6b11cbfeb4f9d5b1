import type {
  AttributeValues,
  ContactListItem,
  ContactListQuery,
  ContactListResponse,
  ContactProfileDto,
  CreateContactRequest,
  CustomAttributeDto,
  LabelDto,
  UpdateContactRequest,
} from '@parley/contracts';
import {
  and,
  arrayContains,
  arrayOverlaps,
  asc,
  desc,
  eq,
  inArray,
  isNull,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import {
  contactLabels,
  contactNotes,
  contacts,
  conversations,
  customAttributes,
  labels,
  users,
  workspaces,
} from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { visibilityOf, visibleConversationsWhere } from '../access/index.js';
import { recordAudit } from '../audit/service.js';
import { toLabelDto } from '../labels/service.js';
import { contactSearchTokens, searchTokenHasher } from '../search/hash.js';
import { matchesWords, planSearch } from '../search/query.js';
import { splitWords } from '../search/tokenizer.js';

type ContactRow = typeof contacts.$inferSelect;

/** A phone number in E.164 (`+4915112345678`) and as a WhatsApp id (its digits). */
export type NormalizedPhone = { e164: string; waId: string };

/**
 * Normalises a phone number written any usual way ("0151 1234567", "+49 (0)151-1234567",
 * "0049151…") to E.164, reading national numbers as `defaultCountry`'s. Null when it is not a valid
 * number (libphonenumber's full metadata decides).
 */
export function normalizePhone(raw: string, defaultCountry: string): NormalizedPhone | null {
  const cleaned = raw.trim().replace(/\(0\)/g, '');
  const international = cleaned.replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(international, defaultCountry as CountryCode);
  if (!parsed?.isValid()) return null;
  return { e164: parsed.number, waId: parsed.number.slice(1) };
}

export async function defaultCountryOf(db: DbOrTx, workspaceId: string): Promise<string> {
  const [w] = await db
    .select({ settings: workspaces.settings })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const c = (w?.settings as { defaultCountry?: unknown } | undefined)?.defaultCountry;
  return typeof c === 'string' && /^[A-Z]{2}$/.test(c) ? c : 'DE';
}

export async function decryptAttributes(
  ctx: AppContext,
  db: DbOrTx,
  c: ContactRow,
): Promise<AttributeValues> {
  const raw = await ctx.keyring.decryptOptional(db, c.workspaceId, c.attributes, 'contacts.attributes');
  return raw ? (JSON.parse(raw) as AttributeValues) : {};
}

export async function encryptAttributes(
  ctx: AppContext,
  db: DbOrTx,
  ws: string,
  values: AttributeValues,
): Promise<string | null> {
  return Object.keys(values).length > 0
    ? ctx.keyring.encrypt(db, ws, JSON.stringify(values), 'contacts.attributes')
    : null;
}

/** Labels of many contacts in one query. */
async function labelsOfContacts(db: DbOrTx, ids: string[]): Promise<Map<string, LabelDto[]>> {
  const out = new Map<string, LabelDto[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ contactId: contactLabels.contactId, label: labels })
    .from(contactLabels)
    .innerJoin(labels, eq(labels.id, contactLabels.labelId))
    .where(inArray(contactLabels.contactId, ids))
    .orderBy(asc(labels.name));
  for (const r of rows) {
    const list = out.get(r.contactId) ?? [];
    list.push(toLabelDto(r.label));
    out.set(r.contactId, list);
  }
  return out;
}

async function toListItem(
  ctx: AppContext,
  db: DbOrTx,
  c: ContactRow,
  labelMap: Map<string, LabelDto[]>,
): Promise<ContactListItem> {
  const waId = await ctx.keyring.decryptOptional(db, c.workspaceId, c.waId, 'contacts.wa_id');
  return {
    id: c.id,
    name: await ctx.keyring.decryptOptional(db, c.workspaceId, c.name, 'contacts.name'),
    phone: waId ? `+${waId}` : null,
    email: await ctx.keyring.decryptOptional(db, c.workspaceId, c.email, 'contacts.email'),
    labels: labelMap.get(c.id) ?? [],
    blocked: c.blockedAt !== null,
    source: c.source,
    lastActivityAt: c.lastActivityAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
  };
}

// ---------------------------------------------------------------- list

type Cursor = { t: string; id: string };
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
const MICROS = /^\d{1,18}$/;

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    // `t` is the sort key in microseconds since 1970 (a JavaScript date would cut the microseconds,
    // and rows written in one transaction share their timestamp).
    if (typeof c.t !== 'string' || !MICROS.test(c.t) || !/^[0-9a-f-]{36}$/.test(c.id))
      throw new Error('shape');
    return c;
  } catch {
    throw new AppError('validation_failed', {
      issues: [{ path: 'query.cursor', message: 'Unknown cursor' }],
    });
  }
}

/**
 * The conditions of a contact listing (list and CSV export share them): the workspace, not merged
 * away, optional label and blocked filters, and the search `q` answered from the blind index (name
 * words and number digits; see the search module). `postFilter` checks what the index only narrows
 * (a last word of 5+ characters is indexed by its first 4).
 */
export async function contactFilter(
  ctx: AppContext,
  workspaceId: string,
  query: Pick<ContactListQuery, 'q' | 'labelId' | 'blocked'>,
): Promise<{
  where: SQL | null;
  postFilter: (name: string | null) => boolean;
  byPhone: SQL<boolean> | null;
}> {
  const parts: SQL[] = [eq(contacts.workspaceId, workspaceId), isNull(contacts.mergedIntoId)];
  if (query.labelId)
    parts.push(
      sql`exists (select 1 from ${contactLabels} where ${contactLabels.contactId} = ${contacts.id} and ${contactLabels.labelId} = ${query.labelId})`,
    );
  if (query.blocked === 'true') parts.push(sql`${contacts.blockedAt} is not null`);
  if (query.blocked === 'false') parts.push(isNull(contacts.blockedAt));
  let postFilter: (name: string | null) => boolean = () => true;
  let byPhone: SQL<boolean> | null = null;
  const q = query.q?.trim();
  if (q) {
    const plan = planSearch(q);
    const hash = await searchTokenHasher(ctx.keyring, ctx.db, workspaceId);
    const nameTokens = plan.tokens.map(hash);
    const phoneTokens = plan.phoneTokens.map(hash);
    const byName = nameTokens.length > 0 ? arrayContains(contacts.nameTokens, nameTokens) : undefined;
    byPhone =
      phoneTokens.length > 0 ? sql<boolean>`${arrayOverlaps(contacts.nameTokens, phoneTokens)}` : null;
    if (!byName && !byPhone) return { where: null, postFilter, byPhone };
    parts.push(or(byName, byPhone ?? undefined)!);
    if (plan.lastWordPrefix) postFilter = (name) => matchesWords(plan, splitWords(name ?? ''));
  }
  return { where: and(...parts)!, postFilter, byPhone };
}

export async function listContacts(
  ctx: AppContext,
  member: Member,
  query: ContactListQuery,
): Promise<ContactListResponse> {
  const ws = member.workspaceId;
  const limit = query.limit ?? 50;
  const filter = await contactFilter(ctx, ws, query);
  if (!filter.where) return { items: [], nextCursor: null };
  const key =
    query.sort === 'created'
      ? sql`${contacts.createdAt}`
      : sql`coalesce(${contacts.lastActivityAt}, ${contacts.createdAt})`;
  const micros = sql`(extract(epoch from ${key}) * 1000000)::bigint`;
  const conds: SQL[] = [filter.where];
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    conds.push(sql`(${micros}, ${contacts.id}) < (${c.t}::bigint, ${c.id}::uuid)`);
  }
  const rows = await ctx.db
    .select({ c: contacts, k: sql<string>`${micros}::text`, phoneHit: filter.byPhone ?? sql<boolean>`false` })
    .from(contacts)
    .where(and(...conds))
    .orderBy(desc(key), desc(contacts.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const labelMap = await labelsOfContacts(
    ctx.db,
    page.map((r) => r.c.id),
  );
  const items: ContactListItem[] = [];
  for (const r of page) {
    const item = await toListItem(ctx, ctx.db, r.c, labelMap);
    if (r.phoneHit === true || filter.postFilter(item.name)) items.push(item);
  }
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor({ t: last.k, id: last.c.id }) : null;
  return { items, nextCursor };
}

// ---------------------------------------------------------------- one contact

export async function loadContact(db: DbOrTx, workspaceId: string, contactId: string): Promise<ContactRow> {
  const [c] = await db
    .select()
    .from(contacts)
    .where(
      and(eq(contacts.id, contactId), eq(contacts.workspaceId, workspaceId), isNull(contacts.mergedIntoId)),
    );
  if (!c) throw new AppError('not_found');
  return c;
}

export async function contactProfile(
  ctx: AppContext,
  member: Member,
  contactId: string,
): Promise<ContactProfileDto> {
  const ws = member.workspaceId;
  const c = await loadContact(ctx.db, ws, contactId);
  const visibility = await visibilityOf(ctx.db, {
    workspaceId: ws,
    userId: member.user.id,
    role: member.role,
  });
  const convs = await ctx.db
    .select()
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), visibleConversationsWhere(visibility)))
    .orderBy(desc(conversations.lastMessageAt));
  const noteRows = await ctx.db
    .select({ n: contactNotes, authorName: users.name })
    .from(contactNotes)
    .leftJoin(users, eq(users.id, contactNotes.authorId))
    .where(and(eq(contactNotes.contactId, contactId), eq(contactNotes.workspaceId, ws)))
    .orderBy(desc(contactNotes.createdAt));
  const item = await toListItem(ctx, ctx.db, c, await labelsOfContacts(ctx.db, [c.id]));
  return {
    ...item,
    waId: item.phone ? item.phone.slice(1) : null,
    attributes: await decryptAttributes(ctx, ctx.db, c),
    blockedAt: c.blockedAt?.toISOString() ?? null,
    notes: await Promise.all(
      noteRows.map(async (r) => ({
        id: r.n.id,
        text: await ctx.keyring.decrypt(ctx.db, ws, r.n.text, 'contact_notes.text'),
        authorId: r.n.authorId,
        authorName: r.authorName ?? null,
        createdAt: r.n.createdAt.toISOString(),
      })),
    ),
    conversations: convs.map((v) => ({
      id: v.id,
      channelId: v.channelId,
      status: v.status,
      lastMessageAt: v.lastMessageAt.toISOString(),
    })),
  };
}

// ---------------------------------------------------------------- custom attributes

export function toAttributeDto(a: typeof customAttributes.$inferSelect): CustomAttributeDto {
  return {
    id: a.id,
    key: a.key,
    label: a.label,
    type: a.type,
    options: (a.options as string[]) ?? [],
    position: a.position,
  };
}

export async function attributeDefinitions(db: DbOrTx, workspaceId: string): Promise<CustomAttributeDto[]> {
  const rows = await db
    .select()
    .from(customAttributes)
    .where(eq(customAttributes.workspaceId, workspaceId))
    .orderBy(asc(customAttributes.position), asc(customAttributes.key));
  return rows.map(toAttributeDto);
}

/**
 * Checks values against the definitions: known keys only, the type's shape (numbers finite, dates
 * YYYY-MM-DD, list values among the options, checkboxes booleans); null clears. Returns the error
 * (key and why) or null.
 */
export function attributeProblem(
  defs: CustomAttributeDto[],
  values: AttributeValues,
): { key: string; message: string } | null {
  for (const [key, value] of Object.entries(values)) {
    const def = defs.find((d) => d.key === key);
    if (!def) return { key, message: 'No such attribute' };
    if (value === null) continue;
    switch (def.type) {
      case 'text':
        if (typeof value !== 'string') return { key, message: 'Expected text' };
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value))
          return { key, message: 'Expected a number' };
        break;
      case 'date':
        if (
          typeof value !== 'string' ||
          !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
          Number.isNaN(Date.parse(value))
        )
          return { key, message: 'Expected a date (YYYY-MM-DD)' };
        break;
      case 'list':
        if (typeof value !== 'string' || !def.options.includes(value))
          return { key, message: `Expected one of: ${def.options.join(', ')}` };
        break;
      case 'checkbox':
        if (typeof value !== 'boolean') return { key, message: 'Expected true or false' };
        break;
    }
  }
  return null;
}

function checkAttributes(defs: CustomAttributeDto[], values: AttributeValues) {
  const problem = attributeProblem(defs, values);
  if (problem) throw new AppError('invalid_attribute', problem, `${problem.key}: ${problem.message}`);
}

/** Merges `changes` into `current`; null removes a key. */
export function mergeAttributes(current: AttributeValues, changes: AttributeValues): AttributeValues {
  const out: AttributeValues = { ...current };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

// ---------------------------------------------------------------- writes

async function checkLabelIds(db: DbOrTx, ws: string, ids: string[]) {
  if (ids.length === 0) return;
  const found = await db
    .select({ id: labels.id })
    .from(labels)
    .where(and(eq(labels.workspaceId, ws), inArray(labels.id, ids)));
  if (found.length !== new Set(ids).size)
    throw new AppError('not_found', undefined, 'A label does not exist.');
}

export async function createContact(
  ctx: AppContext,
  member: Member,
  input: CreateContactRequest,
): Promise<ContactProfileDto> {
  const ws = member.workspaceId;
  const country = input.defaultCountry ?? (await defaultCountryOf(ctx.db, ws));
  const phone = normalizePhone(input.phone, country);
  if (!phone)
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.phone', message: 'Not a valid phone number' }],
    });
  const defs = await attributeDefinitions(ctx.db, ws);
  if (input.attributes) checkAttributes(defs, input.attributes);
  await checkLabelIds(ctx.db, ws, input.labelIds ?? []);
  const waIdHash = await ctx.keyring.blindIndex(ctx.db, ws, 'contacts.wa_id', phone.waId);
  const [existing] = await ctx.db
    .select({ id: contacts.id, mergedIntoId: contacts.mergedIntoId })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, ws), eq(contacts.waIdHash, waIdHash)));
  if (existing) {
    const known = existing.mergedIntoId ?? existing.id;
    throw new AppError('contact_exists', { contactId: known, id: known });
  }
  const id = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(contacts)
      .values({
        workspaceId: ws,
        waIdHash,
        waId: await ctx.keyring.encrypt(tx, ws, phone.waId, 'contacts.wa_id'),
        name: input.name ? await ctx.keyring.encrypt(tx, ws, input.name, 'contacts.name') : null,
        nameTokens: await contactSearchTokens(ctx.keyring, tx, ws, input.name, phone.waId),
        // Without a name given, the customer's WhatsApp profile name fills it when they write.
        nameFromProfile: !input.name,
        email: input.email ? await ctx.keyring.encrypt(tx, ws, input.email, 'contacts.email') : null,
        attributes: await encryptAttributes(ctx, tx, ws, mergeAttributes({}, input.attributes ?? {})),
        source: 'manual',
      })
      .onConflictDoNothing()
      .returning({ id: contacts.id });
    if (!row) throw new AppError('contact_exists');
    if (input.labelIds?.length)
      await tx
        .insert(contactLabels)
        .values(
          [...new Set(input.labelIds)].map((labelId) => ({ contactId: row.id, labelId, workspaceId: ws })),
        );
    await recordAudit(ctx, tx, {
      type: 'contact.created',
      workspaceId: ws,
      actorId: member.user.id,
      subjectType: 'contact',
      subjectId: row.id,
    });
    return row.id;
  });
  return contactProfile(ctx, member, id);
}

export async function updateContact(
  ctx: AppContext,
  member: Member,
  contactId: string,
  input: UpdateContactRequest,
): Promise<ContactProfileDto> {
  const ws = member.workspaceId;
  const c = await loadContact(ctx.db, ws, contactId);
  const set: Partial<typeof contacts.$inferInsert> = { updatedAt: new Date() };
  if (input.name !== undefined) {
    const waId = await ctx.keyring.decryptOptional(ctx.db, ws, c.waId, 'contacts.wa_id');
    set.name = await ctx.keyring.encrypt(ctx.db, ws, input.name, 'contacts.name');
    set.nameTokens = await contactSearchTokens(ctx.keyring, ctx.db, ws, input.name, waId);
    set.nameFromProfile = false;
  }
  if (input.email !== undefined)
    set.email = input.email ? await ctx.keyring.encrypt(ctx.db, ws, input.email, 'contacts.email') : null;
  if (input.attributes) {
    checkAttributes(await attributeDefinitions(ctx.db, ws), input.attributes);
    const merged = mergeAttributes(await decryptAttributes(ctx, ctx.db, c), input.attributes);
    set.attributes = await encryptAttributes(ctx, ctx.db, ws, merged);
  }
  await ctx.db
    .update(contacts)
    .set(set)
    .where(and(eq(contacts.id, c.id), eq(contacts.workspaceId, ws)));
  return contactProfile(ctx, member, contactId);
}

export async function setContactLabels(
  ctx: AppContext,
  member: Member,
  contactId: string,
  labelIds: string[],
): Promise<ContactProfileDto> {
  const ws = member.workspaceId;
  await loadContact(ctx.db, ws, contactId);
  const ids = [...new Set(labelIds)];
  await checkLabelIds(ctx.db, ws, ids);
  await ctx.db.transaction(async (tx) => {
    await tx.delete(contactLabels).where(eq(contactLabels.contactId, contactId));
    if (ids.length > 0)
      await tx.insert(contactLabels).values(ids.map((labelId) => ({ contactId, labelId, workspaceId: ws })));
  });
  return contactProfile(ctx, member, contactId);
}

export async function addContactNote(ctx: AppContext, member: Member, contactId: string, text: string) {
  const ws = member.workspaceId;
  await loadContact(ctx.db, ws, contactId);
  const [n] = await ctx.db
    .insert(contactNotes)
    .values({
      workspaceId: ws,
      contactId,
      authorId: member.user.id,
      text: await ctx.keyring.encrypt(ctx.db, ws, text, 'contact_notes.text'),
    })
    .returning();
  return {
    id: n!.id,
    text,
    authorId: member.user.id,
    authorName: member.user.name,
    createdAt: n!.createdAt.toISOString(),
  };
}

/** The author deletes their note; owners and admins any note. */
export async function deleteContactNote(ctx: AppContext, member: Member, contactId: string, noteId: string) {
  const ws = member.workspaceId;
  const [n] = await ctx.db
    .select()
    .from(contactNotes)
    .where(
      and(
        eq(contactNotes.id, noteId),
        eq(contactNotes.contactId, contactId),
        eq(contactNotes.workspaceId, ws),
      ),
    );
  if (!n) throw new AppError('not_found');
  if (n.authorId !== member.user.id && member.role === 'agent') throw new AppError('forbidden');
  await ctx.db.delete(contactNotes).where(eq(contactNotes.id, noteId));
}

export async function setBlocked(ctx: AppContext, member: Member, contactId: string, blocked: boolean) {
  const ws = member.workspaceId;
  await loadContact(ctx.db, ws, contactId);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(contacts)
      .set({ blockedAt: blocked ? new Date() : null, updatedAt: new Date() })
      .where(and(eq(contacts.id, contactId), eq(contacts.workspaceId, ws)));
    await recordAudit(ctx, tx, {
      type: blocked ? 'contact.blocked' : 'contact.unblocked',
      workspaceId: ws,
      actorId: member.user.id,
      subjectType: 'contact',
      subjectId: contactId,
    });
  });
  return contactProfile(ctx, member, contactId);
}

// ---------------------------------------------------------------- merge

/**
 * Merges the duplicate `otherId` into `contactId` in one transaction: conversations, notes and labels
 * move over; the kept contact's empty name, e-mail and attributes are filled from the duplicate; a
 * block on either stays; then the duplicate is deleted (no second copy of the person remains).
 *
 * A contact is one WhatsApp number, and replies go to that number. So the number that has
 * conversations is the one the merged contact keeps, and two contacts that both have conversations
 * (necessarily from two different numbers) are refused with `merge_conflict` — merging them would
 * send replies to a number the customer did not write from.
 */
export async function mergeContacts(
  ctx: AppContext,
  member: Member,
  contactId: string,
  otherId: string,
): Promise<ContactProfileDto> {
  const ws = member.workspaceId;
  if (contactId === otherId) throw new AppError('merge_conflict', { reason: 'same_contact' });
  await ctx.db.transaction(async (tx) => {
    // Both rows locked in a fixed order, so two merges of the same pair cannot interleave.
    const rows = await tx
      .select()
      .from(contacts)
      .where(
        and(
          eq(contacts.workspaceId, ws),
          inArray(contacts.id, [contactId, otherId].sort()),
          isNull(contacts.mergedIntoId),
        ),
      )
      .orderBy(asc(contacts.id))
      .for('update');
    const kept = rows.find((r) => r.id === contactId);
    const other = rows.find((r) => r.id === otherId);
    if (!kept || !other) throw new AppError('not_found');
    const convCount = async (id: string) =>
      (
        await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(conversations)
          .where(eq(conversations.contactId, id))
      )[0]!.n;
    const [keptConvs, otherConvs] = [await convCount(kept.id), await convCount(other.id)];
    if (keptConvs > 0 && otherConvs > 0)
      throw new AppError('merge_conflict', { reason: 'both_have_conversations' });

    await tx.update(conversations).set({ contactId: kept.id }).where(eq(conversations.contactId, other.id));
    await tx.update(contactNotes).set({ contactId: kept.id }).where(eq(contactNotes.contactId, other.id));
    const otherLabels = await tx
      .select({ labelId: contactLabels.labelId })
      .from(contactLabels)
      .where(eq(contactLabels.contactId, other.id));
    if (otherLabels.length > 0)
      await tx
        .insert(contactLabels)
        .values(otherLabels.map((l) => ({ contactId: kept.id, labelId: l.labelId, workspaceId: ws })))
        .onConflictDoNothing();

    const keptAttrs = await decryptAttributes(ctx, tx, kept);
    const otherAttrs = await decryptAttributes(ctx, tx, other);
    const attributes: AttributeValues = { ...otherAttrs };
    for (const [k, v] of Object.entries(keptAttrs)) if (v !== null && v !== '') attributes[k] = v;
    const number = otherConvs > 0 ? other : kept;
    const name = kept.name ?? other.name;
    const plainName = await ctx.keyring.decryptOptional(tx, ws, name, 'contacts.name');
    const plainWaId = await ctx.keyring.decryptOptional(tx, ws, number.waId, 'contacts.wa_id');
    const latest = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

    // The duplicate goes first: its number may be the one the kept contact takes over (unique key).
    await tx.delete(contacts).where(and(eq(contacts.id, other.id), eq(contacts.workspaceId, ws)));
    await tx
      .update(contacts)
      .set({
        waIdHash: number.waIdHash,
        waId: number.waId,
        name,
        nameFromProfile: kept.name ? kept.nameFromProfile : other.nameFromProfile,
        nameTokens: plainName
          ? await contactSearchTokens(ctx.keyring, tx, ws, plainName, plainWaId ?? '')
          : number.nameTokens,
        email: kept.email ?? other.email,
        attributes: await encryptAttributes(ctx, tx, ws, attributes),
        blockedAt: kept.blockedAt ?? other.blockedAt,
        lastActivityAt: latest(kept.lastActivityAt, other.lastActivityAt),
        createdAt: new Date(Math.min(kept.createdAt.getTime(), other.createdAt.getTime())),
        updatedAt: new Date(),
      })
      .where(and(eq(contacts.id, kept.id), eq(contacts.workspaceId, ws)));
    await recordAudit(ctx, tx, {
      type: 'contact.merged',
      workspaceId: ws,
      actorId: member.user.id,
      subjectType: 'contact',
      subjectId: kept.id,
      data: { mergedContactId: other.id, conversationsMoved: otherConvs },
    });
  });
  return contactProfile(ctx, member, contactId);
}
