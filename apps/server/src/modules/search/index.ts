/**
 * Inbox search over encrypted data with a blind index: words, word prefixes and phone-number digits
 * are stored only as truncated keyed hashes (`messages.search_tokens`, `contacts.name_tokens`).
 */
export { contactSearchTokens, messageSearchTokens } from './hash.js';
export { conversationsBefore } from './repo.js';
export {
  SEARCH_BOUNDS,
  type SearchBounds,
  type SearchPage,
  searchConversations,
} from './search-conversations.js';
