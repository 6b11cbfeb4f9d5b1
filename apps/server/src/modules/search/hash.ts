import type { Keyring } from '../../crypto/keyring.js';
import type { DbOrTx } from '../../db/client.js';
import { contactIndexTokens, messageIndexTokens } from './index-tokens.js';

/** Stored tokens are the first 16 base64url characters (96 bits) of the HMAC-SHA256. */
export const TOKEN_HASH_LENGTH = 16;
const PURPOSE = 'search';

/**
 * A function that turns a plaintext token (`w:hallo`) into what is stored and queried: the truncated
 * keyed hash under the workspace's index key. Tokens are never stored in plaintext; the same token
 * hashes differently in every workspace.
 */
export async function searchTokenHasher(
  keyring: Keyring,
  db: DbOrTx,
  workspaceId: string,
): Promise<(token: string) => string> {
  const hmac = await keyring.blindIndexer(db, workspaceId, PURPOSE);
  return (token) => hmac(token).slice(0, TOKEN_HASH_LENGTH);
}

/** The `messages.search_tokens` value for a message text (empty for null: reactions, media without caption). */
export async function messageSearchTokens(
  keyring: Keyring,
  db: DbOrTx,
  workspaceId: string,
  text: string | null | undefined,
): Promise<string[]> {
  const tokens = messageIndexTokens(text);
  if (tokens.length === 0) return [];
  const hash = await searchTokenHasher(keyring, db, workspaceId);
  return tokens.map(hash);
}

/** The `contacts.name_tokens` value: the name's words and the phone number's leading/trailing digits. */
export async function contactSearchTokens(
  keyring: Keyring,
  db: DbOrTx,
  workspaceId: string,
  name: string | null | undefined,
  waId: string | null | undefined,
): Promise<string[]> {
  const tokens = contactIndexTokens(name, waId);
  if (tokens.length === 0) return [];
  const hash = await searchTokenHasher(keyring, db, workspaceId);
  return tokens.map(hash);
}
