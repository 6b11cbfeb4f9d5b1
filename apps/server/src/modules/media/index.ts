import type { AppContext } from '../../context.js';
import type { media } from '../../db/schema.js';
import type { ChannelRow } from '../channels/service.js';
import type { GraphCredentials } from '../whatsapp/graph-client.js';

type MediaRow = typeof media.$inferSelect;

/**
 * The Graph API media id of a stored outbound file for the channel's number: uploads it once
 * (`POST /{PNID}/media`) and reuses the id while Meta keeps it (30 days).
 */
export async function ensureGraphMediaId(
  _ctx: AppContext,
  _ch: ChannelRow,
  _creds: GraphCredentials,
  _file: MediaRow,
): Promise<string> {
  throw new Error('media upload to the Graph API is being built');
}
