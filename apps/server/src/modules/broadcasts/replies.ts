import { sql } from 'drizzle-orm';
import { type DbOrTx, rowsOf } from '../../db/client.js';

/** A customer's new message that may answer a newsletter. */
export type ReplyCandidate = {
  messageId: string;
  workspaceId: string;
  channelId: string;
  contactId: string;
  /** The wamid the customer replied to (WhatsApp's context), if any. */
  contextId: string | null;
  at: Date;
};

/** How long after a newsletter a message from its recipient counts as a reply without quoting it. */
export const REPLY_WINDOW_HOURS = 72;

/**
 * Links replies to the broadcast they answer, in the transaction that stores them: a message quoting
 * a newsletter (a button tap or a reply) belongs to that one; otherwise the newest newsletter of the
 * same number sent to the contact in the 72 hours before (a minute's leeway: WhatsApp's timestamps are
 * whole seconds). The message gets `broadcast_id`, the
 * recipient its first `replied_at`. Messages of contacts who got no newsletter cost one indexed lookup.
 */
export async function linkBroadcastReplies(tx: DbOrTx, candidates: ReplyCandidate[]): Promise<void> {
  for (let i = 0; i < candidates.length; i += 500) {
    const part = candidates.slice(i, i + 500);
    const values = part.map(
      (c) =>
        sql`(${c.messageId}::uuid, ${c.workspaceId}::uuid, ${c.channelId}::uuid, ${c.contactId}::uuid, ${c.contextId}::text, ${c.at.toISOString()}::timestamptz)`,
    );
    const hits = rowsOf<{ mid: string; rid: string; bid: string; at: string | Date }>(
      await tx.execute(sql`
        with c(mid, ws, ch, contact, ctx, at) as (values ${sql.join(values, sql`, `)})
        select distinct on (c.mid) c.mid, r.id as rid, r.broadcast_id as bid, c.at
        from c
        join broadcast_recipients r on r.contact_id = c.contact and r.workspace_id = c.ws
        join broadcasts b on b.id = r.broadcast_id and b.channel_id = c.ch
        where r.sent_at is not null and (
          r.provider_message_id = c.ctx
          or (r.sent_at <= c.at + interval '1 minute' and r.sent_at > c.at - (${REPLY_WINDOW_HOURS} * interval '1 hour')))
        order by c.mid, (r.provider_message_id = c.ctx) desc nulls last, r.sent_at desc`),
    );
    if (hits.length === 0) continue;
    const links = hits.map(
      (h) =>
        sql`(${h.mid}::uuid, ${h.rid}::uuid, ${h.bid}::uuid, ${new Date(h.at).toISOString()}::timestamptz)`,
    );
    await tx.execute(sql`
      update messages m set broadcast_id = v.bid
      from (values ${sql.join(links, sql`, `)}) as v(mid, rid, bid, at)
      where m.id = v.mid`);
    await tx.execute(sql`
      update broadcast_recipients r set replied_at = least(coalesce(r.replied_at, v.at), v.at), updated_at = now()
      from (select rid, min(at) as at from (values ${sql.join(links, sql`, `)}) as x(mid, rid, bid, at) group by rid) as v
      where r.id = v.rid`);
  }
}
