import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Keyring } from './crypto/keyring.js';
import type { Database, Db } from './db/client.js';
import type { Metrics } from './http/metrics.js';
import type { JobRunner } from './jobs/runner.js';
import type { ChannelCache } from './modules/channels/channel-cache.js';
import type { MediaStorage } from './modules/media/storage.js';
import type { Sandbox } from './modules/sandbox/index.js';
import type { SendLimiter } from './modules/whatsapp/send-limits.js';
import type { EventBus } from './realtime/event-bus.js';

/** What every route and service may use. Built once in buildApp; no globals. */
export type AppContext = {
  config: Config;
  database: Database;
  db: Db;
  keyring: Keyring;
  events: EventBus;
  metrics: Metrics;
  /** Poke after committing an enqueued job so it starts at once. */
  jobs: JobRunner;
  /** Per-number throughput and per-customer pair rate of WhatsApp sends on this node. */
  sendLimits: SendLimiter;
  /** Channel rows for webhook deliveries, 30 s per node; `updateChannel` invalidates its entry. */
  channelCache: ChannelCache;
  /** Encrypted media files (`PARLEY_DATA_DIR/media`, or a temporary directory in memory mode). */
  media: MediaStorage;
  /** The built-in sandbox number (null when PARLEY_SANDBOX=off). */
  sandbox: Sandbox | null;
  log: FastifyBaseLogger;
};
