import type { SQL } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { searchTokenHasher } from './hash.js';
import { matchesWords, planSearch, type SearchPlan } from './query.js';
import {
  type ListPosition,
  listCandidateMessages,
  listConversationIdsOfContacts,
  listConversationIdsWithTokens,
  listSearchRound,
  probeContactTokens,
  probeMessageTokens,
} from './repo.js';
import { indexWords } from './tokenizer.js';

/** A conversation is checked against its newest this many candidate messages (prefix check only). */
export const PER_CONVERSATION = 10;

/** The bounds of one search page (tests pass smaller ones). */
export type SearchBounds = {
  /** Up to this many index hits the matches are collected from the index; beyond, the list is walked. */
  probeLimit: number;
  /** At most this many texts (messages and contact names) are decrypted to check one page. */
  maxDecryptions: number;
  /** When walking the list (common tokens): conversations per round after a first small one, and rounds. */
  walkRound: number;
  walkRounds: number;
  /** When checking collected candidates (rare tokens): rounds per page. */
  candidateRounds: number;
};

export const SEARCH_BOUNDS: SearchBounds = {
  probeLimit: 1000,
  maxDecryptions: 1000,
  walkRound: 1000,
  walkRounds: 4,
  candidateRounds: 10,
};

/**
 * A page of search results: matching conversation ids in list order. `resumeAfter` is set when the
 * search stopped at a bound before finding a full page: the next page continues after it.
 */
export type SearchPage = { ids: string[]; resumeAfter: ListPosition | null };

type Round = Awaited<ReturnType<typeof listSearchRound>>;

/**
 * The first `want` conversations in list order (newest activity first) that pass
 * `conversationFilter` (status, assignee, channel, cursor) and match a search query (see planSearch):
 * the contact's name has all query words (the last also as a prefix of 4+ characters), its number
 * starts or ends with the query's digits, or one of its messages has all query words.
 *
 * Index-driven and bounded (SEARCH_BOUNDS). First both GIN indexes are read for at most `probeLimit`
 * hits each. When there are fewer (rare tokens), the hits are all the candidates and only they are
 * read, in list order. Otherwise (common tokens) the list is walked in order (a small first round,
 * then `walkRound` conversations at a time), probing each round's messages through
 * `messages_conversation_idx`: common tokens fill a page quickly. When the last word is longer than
 * 4 characters, candidates are decrypted to check its prefix, at most `maxDecryptions` per page. A
 * page that stops at a bound before it is full returns `resumeAfter`.
 */
export async function searchConversations(
  ctx: AppContext,
  workspaceId: string,
  query: string,
  conversationFilter: SQL | undefined,
  want: number,
  bounds: SearchBounds = SEARCH_BOUNDS,
): Promise<SearchPage> {
  const plan = planSearch(query);
  if (plan.tokens.length === 0 && plan.phoneTokens.length === 0) return { ids: [], resumeAfter: null };
  const hash = await searchTokenHasher(ctx.keyring, ctx.db, workspaceId);
  const tokens = plan.tokens.map(hash);
  const phoneTokens = plan.phoneTokens.map(hash);
  const [messageHits, contactHits] = await Promise.all([
    probeMessageTokens(ctx.db, workspaceId, tokens, bounds.probeLimit),
    probeContactTokens(ctx.db, workspaceId, tokens, phoneTokens, bounds.probeLimit),
  ]);
  const walk = messageHits.length >= bounds.probeLimit || contactHits.length >= bounds.probeLimit;
  const byMessage = walk ? null : new Set(messageHits);
  const candidates = walk
    ? null
    : [
        ...new Set([
          ...messageHits,
          ...(await listConversationIdsOfContacts(ctx.db, workspaceId, contactHits)),
        ]),
      ];
  if (candidates?.length === 0) return { ids: [], resumeAfter: null };

  const check = new Checker(ctx, workspaceId, plan, tokens, byMessage, bounds.maxDecryptions);
  const rounds = walk ? bounds.walkRounds : bounds.candidateRounds;
  const found: string[] = [];
  let position: ListPosition | null = null;
  for (let round = 0; round < rounds; round++) {
    // Walking starts small (common tokens fill a page at once), then takes `walkRound` at a time.
    const size = !walk ? Math.max(want, 50) : round === 0 ? Math.max(want, 20) * 2 : bounds.walkRound;
    const batch = await listSearchRound(
      ctx.db,
      workspaceId,
      tokens,
      phoneTokens,
      conversationFilter,
      candidates,
      position,
      size,
    );
    const { ids, checked } = await check.matches(batch, want - found.length);
    found.push(...ids);
    if (found.length >= want) return { ids: found.slice(0, want), resumeAfter: null };
    // The budget ran out inside this round: the next page starts after the last checked one.
    if (checked < batch.length)
      return { ids: found, resumeAfter: checked > 0 ? batch[checked - 1]! : position };
    if (batch.length < size) return { ids: found, resumeAfter: null };
    position = batch[batch.length - 1]!;
  }
  return { ids: found, resumeAfter: position };
}

/**
 * Decides, in list order, which conversations of a round match: by contact, else by one of their
 * messages. When the last word's prefix must be checked, a conversation's newest PER_CONVERSATION
 * candidate messages are decrypted, and once the page's budget is spent no further conversation is
 * started (the first one of a page always is, so paging always moves on).
 */
class Checker {
  private checkedAny = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly workspaceId: string,
    private readonly plan: SearchPlan,
    private readonly tokens: string[],
    /** Conversations known to have a message with the tokens (all of them), or null when walking. */
    private readonly byMessage: Set<string> | null,
    public decryptionsLeft: number,
  ) {}

  /**
   * The matching ids of a round in order, and how many of the round (from its start) were checked:
   * all, or fewer when `enough` matches were found or the budget ran out first.
   */
  async matches(batch: Round, enough: number): Promise<{ ids: string[]; checked: number }> {
    const ids: string[] = [];
    const hasMessage = await this.messageMatcher(batch.map((c) => c.id));
    for (const [i, c] of batch.entries()) {
      if (this.plan.lastWordPrefix && this.decryptionsLeft <= 0 && this.checkedAny)
        return { ids, checked: i };
      this.checkedAny = true;
      const byName = c.byName && (await this.verify(c.name, 'contacts.name'));
      if (c.byPhone || byName || (await hasMessage(c.id))) ids.push(c.id);
      if (ids.length >= enough) return { ids, checked: i + 1 };
    }
    return { ids, checked: batch.length };
  }

  /** A check "has this conversation a message matching the query?" for the given conversations. */
  private async messageMatcher(ids: string[]): Promise<(id: string) => Promise<boolean>> {
    const known = this.byMessage;
    const candidates = known ? ids.filter((id) => known.has(id)) : ids;
    if (candidates.length === 0 || this.tokens.length === 0) return async () => false;
    if (!this.plan.lastWordPrefix) {
      // Exact tokens: the index hits are the answer.
      const have =
        known ??
        (await listConversationIdsWithTokens(this.ctx.db, this.workspaceId, candidates, this.tokens));
      return async (id) => have.has(id);
    }
    const rows = await listCandidateMessages(
      this.ctx.db,
      this.workspaceId,
      candidates,
      this.tokens,
      PER_CONVERSATION,
    );
    const texts = new Map<string, (string | null)[]>();
    for (const m of rows) {
      const list = texts.get(m.conversationId) ?? [];
      list.push(m.text);
      texts.set(m.conversationId, list);
    }
    return async (id) => {
      for (const text of texts.get(id) ?? []) if (await this.verify(text, 'messages.text')) return true;
      return false;
    };
  }

  /** True when no check is needed, else decrypts and checks the words (counted against the budget). */
  private async verify(ciphertext: string | null, context: string): Promise<boolean> {
    if (!this.plan.lastWordPrefix) return true;
    if (!ciphertext) return false;
    this.decryptionsLeft--;
    const plain = await this.ctx.keyring.decrypt(this.ctx.db, this.workspaceId, ciphertext, context);
    return matchesWords(this.plan, indexWords(plain));
  }
}
