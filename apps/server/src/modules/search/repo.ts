import { and, arrayContains, arrayOverlaps, desc, eq, inArray, lte, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { channels, contacts, conversations, messages } from '../../db/schema.js';

/** A position in the conversation list order (lastMessageAt desc, id desc). */
export type ListPosition = { lastMessageAt: Date; id: string };

/**
 * Conversations after `position` in the list order, as a row comparison: PostgreSQL uses it as a
 * bound of `conversations_recent_idx` / `conversations_list_idx` (the equivalent `a < x OR (a = x AND
 * id < y)` is only a filter, read from the top of the index). `position.id` must be a UUID.
 */
export function conversationsBefore(position: ListPosition): SQL {
  return sql`(${conversations.lastMessageAt}, ${conversations.id}) < (${position.lastMessageAt.toISOString()}::timestamptz, ${position.id}::uuid)`;
}

/**
 * Conversation ids of up to `limit` messages whose `search_tokens` contain all `tokens`, in no
 * particular order (GIN `@>`; stops after `limit` rows, so it also tells whether the tokens are rare).
 */
export async function probeMessageTokens(
  db: DbOrTx,
  workspaceId: string,
  tokens: string[],
  limit: number,
): Promise<string[]> {
  if (tokens.length === 0) return [];
  const rows = await db
    .select({ id: messages.conversationId })
    .from(messages)
    .where(and(eq(messages.workspaceId, workspaceId), arrayContains(messages.searchTokens, tokens)))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Ids of up to `limit` contacts whose `name_tokens` contain all `nameTokens` or any of `phoneTokens`
 * (GIN `@>` / `&&`), in no particular order.
 */
export async function probeContactTokens(
  db: DbOrTx,
  workspaceId: string,
  nameTokens: string[],
  phoneTokens: string[],
  limit: number,
): Promise<string[]> {
  const byName = nameTokens.length > 0 ? arrayContains(contacts.nameTokens, nameTokens) : undefined;
  const byPhone = phoneTokens.length > 0 ? arrayOverlaps(contacts.nameTokens, phoneTokens) : undefined;
  if (!byName && !byPhone) return [];
  const rows = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), or(byName, byPhone)))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * The conversations of some contacts. Looked up through the (channel_id, contact_id) unique index
 * with the workspace's channels, as there is no index on contact_id alone.
 */
export async function listConversationIdsOfContacts(
  db: DbOrTx,
  workspaceId: string,
  contactIds: string[],
): Promise<string[]> {
  if (contactIds.length === 0) return [];
  const channelIds = (
    await db.select({ id: channels.id }).from(channels).where(eq(channels.workspaceId, workspaceId))
  ).map((c) => c.id);
  if (channelIds.length === 0) return [];
  const rows = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        inArray(conversations.channelId, channelIds),
        inArray(conversations.contactId, contactIds),
      ),
    );
  return rows.map((r) => r.id);
}

/**
 * A round of a search: up to `limit` conversations in list order after `position` that pass
 * `conversationFilter`, only among `candidates` when given, with their contact's encrypted name and
 * whether its tokens contain all `nameTokens` (`byName`) or any of `phoneTokens` (`byPhone`).
 */
export async function listSearchRound(
  db: DbOrTx,
  workspaceId: string,
  nameTokens: string[],
  phoneTokens: string[],
  conversationFilter: SQL | undefined,
  candidates: string[] | null,
  position: ListPosition | null,
  limit: number,
): Promise<(ListPosition & { name: string | null; byName: boolean; byPhone: boolean })[]> {
  const byName =
    nameTokens.length > 0 ? sql<boolean>`${arrayContains(contacts.nameTokens, nameTokens)}` : null;
  const byPhone =
    phoneTokens.length > 0 ? sql<boolean>`${arrayOverlaps(contacts.nameTokens, phoneTokens)}` : null;
  return db
    .select({
      id: conversations.id,
      lastMessageAt: conversations.lastMessageAt,
      name: contacts.name,
      byName: byName ?? sql<boolean>`false`,
      byPhone: byPhone ?? sql<boolean>`false`,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        conversationFilter,
        candidates ? inArray(conversations.id, candidates) : undefined,
        position ? conversationsBefore(position) : undefined,
      ),
    )
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(limit);
}

/**
 * Messages of the given conversations whose `search_tokens` contain all `tokens`: of each
 * conversation its newest `perConversation`, with the encrypted text (to check a prefix).
 */
export async function listCandidateMessages(
  db: DbOrTx,
  workspaceId: string,
  conversationIds: string[],
  tokens: string[],
  perConversation: number,
): Promise<{ conversationId: string; text: string | null }[]> {
  if (conversationIds.length === 0 || tokens.length === 0) return [];
  // The candidate conversations' messages first (conversation index), then their tokens: with a
  // GIN bitmap the planner would read every message holding a common word (bench/README.md).
  const own = db
    .select({
      conversationId: messages.conversationId,
      text: messages.text,
      searchTokens: messages.searchTokens,
      createdAt: messages.createdAt,
      seq: messages.seq,
    })
    .from(messages)
    .where(and(eq(messages.workspaceId, workspaceId), inArray(messages.conversationId, conversationIds)))
    .offset(0) // keeps the planner from merging the subquery (and taking the GIN index)
    .as('own');
  const ranked = db
    .select({
      conversationId: own.conversationId,
      text: own.text,
      rank: sql<number>`row_number() over (partition by ${own.conversationId} order by ${own.createdAt} desc, ${own.seq} desc)`.as(
        'rank',
      ),
    })
    .from(own)
    .where(arrayContains(own.searchTokens, tokens))
    .as('ranked');
  return db
    .select({ conversationId: ranked.conversationId, text: ranked.text })
    .from(ranked)
    .where(lte(ranked.rank, perConversation));
}

/** Which of the given conversations have a message whose `search_tokens` contain all `tokens`. */
export async function listConversationIdsWithTokens(
  db: DbOrTx,
  workspaceId: string,
  conversationIds: string[],
  tokens: string[],
): Promise<Set<string>> {
  if (conversationIds.length === 0 || tokens.length === 0) return new Set();
  const own = db
    .select({ conversationId: messages.conversationId, searchTokens: messages.searchTokens })
    .from(messages)
    .where(and(eq(messages.workspaceId, workspaceId), inArray(messages.conversationId, conversationIds)))
    .offset(0) // as in listCandidateMessages
    .as('own');
  const rows = await db
    .selectDistinct({ id: own.conversationId })
    .from(own)
    .where(arrayContains(own.searchTokens, tokens));
  return new Set(rows.map((r) => r.id));
}
