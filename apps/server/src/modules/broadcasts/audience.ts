import type { AttributeValues, AudienceCondition, BroadcastAudience, ConsentState } from '@parley/contracts';
import { type SQL, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { type DbOrTx, rowsOf } from '../../db/client.js';
import { uuidArray } from '../../db/sets.js';

/** The SQL test of one segment condition on contact `c` (attribute conditions: true, filtered later). */
function conditionSql(ws: string, channelId: string, c: AudienceCondition): SQL {
  switch (c.type) {
    case 'label':
      return c.match === 'all'
        ? sql`(select count(distinct cl.label_id) from contact_labels cl where cl.contact_id = c.id and cl.label_id = any(${uuidArray(c.labelIds)})) = ${new Set(c.labelIds).size}`
        : sql`exists (select 1 from contact_labels cl where cl.contact_id = c.id and cl.label_id = any(${uuidArray(c.labelIds)}))`;
    case 'consent':
      // The same rule as consentStatesOf: the newest marketing entry for every channel or this one.
      return sql`coalesce((select k.action from consents k where k.workspace_id = ${ws} and k.contact_id = c.id
        and k.purpose = 'marketing' and (k.channel_id is null or k.channel_id = ${channelId})
        order by k.created_at desc, k.id desc limit 1), 'none') = ${c.state}`;
    case 'lastContact':
      if (c.op === 'never') return sql`c.last_activity_at is null`;
      return c.op === 'within_days'
        ? sql`c.last_activity_at >= now() - (${c.days ?? 30} * interval '1 day')`
        : sql`c.last_activity_at < now() - (${c.days ?? 30} * interval '1 day')`;
    case 'conversation': {
      const on = sql`v.contact_id = c.id and v.channel_id = ${channelId}`;
      if (c.op === 'none') return sql`not exists (select 1 from conversations v where ${on})`;
      if (c.op === 'open')
        return sql`exists (select 1 from conversations v where ${on} and v.status in ('open', 'pending', 'snoozed'))`;
      if (c.op === 'resolved')
        return sql`exists (select 1 from conversations v where ${on} and v.status = 'resolved')`;
      return sql`exists (select 1 from conversations v where ${on})`;
    }
    case 'attribute':
      return sql`true`;
  }
}

/** Whether decrypted attribute values meet an attribute condition (text compared case-insensitively). Pure. */
export function attributeMatches(
  values: AttributeValues,
  c: Extract<AudienceCondition, { type: 'attribute' }>,
): boolean {
  const raw = values[c.key];
  const present = raw !== undefined && raw !== null && String(raw).trim() !== '';
  const text = present ? String(raw).toLowerCase() : '';
  const wanted = (c.value ?? '').toLowerCase();
  switch (c.op) {
    case 'exists':
      return present;
    case 'not_exists':
      return !present;
    case 'equals':
      return present && text === wanted;
    case 'not_equals':
      return text !== wanted;
    case 'contains':
      return present && text.includes(wanted);
  }
}

/**
 * The contacts an audience names, in the order they are frozen (oldest contact first): those listed,
 * those with one of the labels, and those meeting every segment condition — merged duplicates left
 * out — minus the exclusions. `byRule` counts the contacts the exclusions removed.
 */
export async function resolveAudience(
  ctx: AppContext,
  db: DbOrTx,
  ws: string,
  channelId: string,
  audience: BroadcastAudience,
): Promise<{ ids: string[]; byRule: number }> {
  const contactIds = audience.contactIds ?? [];
  const labelIds = audience.labelIds ?? [];
  const conditions = audience.segment?.conditions ?? [];
  const parts: SQL[] = [];
  if (contactIds.length) parts.push(sql`c.id = any(${uuidArray(contactIds)})`);
  if (labelIds.length)
    parts.push(
      sql`exists (select 1 from contact_labels cl where cl.contact_id = c.id and cl.label_id = any(${uuidArray(labelIds)}))`,
    );
  const attributeConditions = conditions.filter(
    (c): c is Extract<AudienceCondition, { type: 'attribute' }> => c.type === 'attribute',
  );
  if (conditions.length)
    parts.push(
      sql`(${sql.join(
        conditions.map((c) => conditionSql(ws, channelId, c)),
        sql` and `,
      )})`,
    );
  if (parts.length === 0) return { ids: [], byRule: 0 };
  // Attribute conditions only narrow the segment; contacts named or labelled are in regardless.
  const segmentOnly = attributeConditions.length
    ? sql`, (${contactIds.length ? sql`c.id = any(${uuidArray(contactIds)})` : sql`false`} or ${
        labelIds.length
          ? sql`exists (select 1 from contact_labels cl where cl.contact_id = c.id and cl.label_id = any(${uuidArray(labelIds)}))`
          : sql`false`
      }) as listed, c.attributes`
    : sql``;
  const rows = rowsOf<{ id: string; listed?: boolean; attributes?: string | null }>(
    await db.execute(sql`
      select c.id ${segmentOnly} from contacts c
      where c.workspace_id = ${ws} and c.merged_into_id is null and (${sql.join(parts, sql` or `)})
      order by c.created_at, c.id`),
  );
  let ids: string[];
  if (attributeConditions.length) {
    ids = [];
    for (const r of rows) {
      if (r.listed) {
        ids.push(r.id);
        continue;
      }
      const raw = await ctx.keyring.decryptOptional(db, ws, r.attributes ?? null, 'contacts.attributes');
      const values = raw ? (JSON.parse(raw) as AttributeValues) : {};
      if (attributeConditions.every((c) => attributeMatches(values, c))) ids.push(r.id);
    }
  } else ids = rows.map((r) => r.id);

  const exIds = audience.exclude?.contactIds ?? [];
  const exLabels = audience.exclude?.labelIds ?? [];
  if (ids.length === 0 || (exIds.length === 0 && exLabels.length === 0)) return { ids, byRule: 0 };
  const excluded = new Set(exIds);
  if (exLabels.length)
    for (const r of rowsOf<{ contact_id: string }>(
      await db.execute(
        sql`select distinct cl.contact_id from contact_labels cl where cl.workspace_id = ${ws} and cl.label_id = any(${uuidArray(exLabels)})`,
      ),
    ))
      excluded.add(r.contact_id);
  const kept = ids.filter((id) => !excluded.has(id));
  return { ids: kept, byRule: ids.length - kept.length };
}

export type SkipReason = 'contact_deleted' | 'blocked' | 'no_number' | 'opted_out' | 'no_consent';

export const SKIP_MESSAGES: Record<SkipReason, string> = {
  contact_deleted: 'The contact was deleted',
  blocked: 'The contact is blocked',
  no_number: 'The contact has no WhatsApp number',
  opted_out: 'The contact withdrew marketing consent',
  no_consent: 'The contact has not confirmed marketing consent',
};

/**
 * Why a contact does not receive a broadcast, or null when it does. The same rule decides the review
 * step's counts and, just before each send, the claim. Pure.
 */
export function skipReasonOf(
  contact: { blockedAt: Date | null; waId: string | null } | undefined,
  marketingConsent: ConsentState,
  marketing: boolean,
): SkipReason | null {
  if (!contact) return 'contact_deleted';
  if (contact.blockedAt) return 'blocked';
  if (!contact.waId) return 'no_number';
  if (marketing && marketingConsent !== 'granted')
    return marketingConsent === 'withdrawn' ? 'opted_out' : 'no_consent';
  return null;
}
