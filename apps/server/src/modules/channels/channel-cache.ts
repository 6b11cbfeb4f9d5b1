import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { channels } from '../../db/schema.js';

type ChannelRow = typeof channels.$inferSelect;

/** How long a channel row is reused for webhook deliveries on one node. */
export const CHANNEL_CACHE_TTL_MS = 30_000;
const MAX_ENTRIES = 1000;

/**
 * Channel rows by id for the webhook route, which needs the (encrypted) app secret and verify token on
 * every delivery: channels change rarely, so a row is reused for 30 s instead of a query per delivery.
 * The cache is per node. `updateChannel` invalidates the entry on the node that made the change, so a
 * new app secret counts there at once; other nodes pick it up within `CHANNEL_CACHE_TTL_MS`.
 */
export class ChannelCache {
  private readonly entries = new Map<string, { row: ChannelRow; until: number }>();
  /** Bumped by every invalidate: a read that started before it must not store what it read. */
  private generation = 0;

  constructor(
    private readonly db: DbOrTx,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The channel with this id in any workspace (webhooks carry no workspace), or null. Inside a
   * transaction pass it as `db` (on PGlite the transaction holds the only connection).
   */
  async find(channelId: string, db: DbOrTx = this.db): Promise<ChannelRow | null> {
    const hit = this.entries.get(channelId);
    if (hit && hit.until > this.now()) return hit.row;
    const generation = this.generation;
    const [row] = await db.select().from(channels).where(eq(channels.id, channelId));
    if (!row) {
      this.entries.delete(channelId);
      return null;
    }
    // A change committed while this read was in flight: answer with the row, but do not keep it.
    if (generation !== this.generation) return row;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(channelId, { row, until: this.now() + CHANNEL_CACHE_TTL_MS });
    return row;
  }

  /** Forgets a channel on this node: the next delivery reads it from the database. */
  invalidate(channelId: string): void {
    this.entries.delete(channelId);
    this.generation++;
  }
}
