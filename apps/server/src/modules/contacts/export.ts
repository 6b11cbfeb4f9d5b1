import { Readable } from 'node:stream';
import type { ContactListQuery } from '@parley/contracts';
import { stringify } from 'csv-stringify';
import { and, gt, type SQL, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { contacts } from '../../db/schema.js';
import type { Member } from '../../http/auth.js';
import { recordAudit } from '../audit/service.js';
import { escapeCell } from './csv.js';
import { attributeDefinitions, contactFilter, decryptAttributes } from './service.js';

const PAGE = 1000;

/**
 * The contacts (filtered like the list) as CSV, streamed page by page: UTF-8 with a BOM (Excel opens
 * it with the right characters), name, phone (E.164), email, labels, blocked, created_at and one
 * column per custom attribute; every cell that a spreadsheet would run as a formula starts with a
 * single quote. Audited with the count.
 */
export async function exportContacts(
  ctx: AppContext,
  member: Member,
  query: Pick<ContactListQuery, 'q' | 'labelId' | 'blocked'>,
  ipPrefix: string | null,
): Promise<Readable> {
  const ws = member.workspaceId;
  const defs = await attributeDefinitions(ctx.db, ws);
  const filter = await contactFilter(ctx, ws, query);
  const header = ['name', 'phone', 'email', 'labels', 'blocked', 'created_at', ...defs.map((d) => d.key)];
  const dec = (v: string | null, context: string) => ctx.keyring.decryptOptional(ctx.db, ws, v, context);
  async function* rows() {
    yield header;
    if (!filter.where) return;
    let after: string | null = null;
    let count = 0;
    for (;;) {
      const conds: SQL[] = [filter.where];
      if (after) conds.push(gt(contacts.id, after));
      const page = await ctx.db
        .select({
          c: contacts,
          phoneHit: filter.byPhone ?? sql<boolean>`false`,
          labelNames: sql<
            string | null
          >`(select string_agg(l.name, ', ' order by l.name) from contact_labels cl join labels l on l.id = cl.label_id where cl.contact_id = ${contacts.id})`,
        })
        .from(contacts)
        .where(and(...conds))
        .orderBy(contacts.id)
        .limit(PAGE);
      for (const r of page) {
        const name = await dec(r.c.name, 'contacts.name');
        if (r.phoneHit !== true && !filter.postFilter(name)) continue;
        const waId = await dec(r.c.waId, 'contacts.wa_id');
        const attrs = await decryptAttributes(ctx, ctx.db, r.c);
        count++;
        yield [
          name ?? '',
          waId ? `+${waId}` : '',
          (await dec(r.c.email, 'contacts.email')) ?? '',
          r.labelNames ?? '',
          r.c.blockedAt ? 'yes' : 'no',
          r.c.createdAt.toISOString(),
          ...defs.map((d) => {
            const v = attrs[d.key];
            return v === undefined || v === null ? '' : String(v);
          }),
        ].map(escapeCell);
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.c.id;
    }
    await recordAudit(ctx, ctx.db, {
      type: 'contacts.exported',
      workspaceId: ws,
      actorId: member.user.id,
      ipPrefix,
      data: { count },
    });
  }
  const csv = stringify({ bom: true, record_delimiter: 'windows' });
  Readable.from(rows())
    .on('error', (err) => csv.destroy(err))
    .pipe(csv);
  return csv;
}
