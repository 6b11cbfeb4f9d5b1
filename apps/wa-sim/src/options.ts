import type { FastifyRequest } from 'fastify';
import type { SimClock } from './clock.js';
import type { FaultConfig } from './faults.js';

export const MESSAGING_LIMIT_TIERS = {
  TIER_50: 50,
  TIER_250: 250,
  TIER_2K: 2000,
  TIER_10K: 10_000,
  TIER_100K: 100_000,
  TIER_UNLIMITED: Number.POSITIVE_INFINITY,
} as const;
export type MessagingLimitTier = keyof typeof MESSAGING_LIMIT_TIERS;

/** Section 8 rules; each one can be switched off. Defaults follow the contract's documented choices. */
export type SimRules = {
  /** 24-hour customer-service window for free-form sends (131047). */
  customerServiceWindow: boolean;
  /** `async`: accepted, then a `failed` status (documented default); `sync`: HTTP 400 at once. */
  windowErrorMode: 'async' | 'sync';
  /** Whether an inbound reaction opens the window (UNCERTAIN in the contract; default no). */
  reactionsOpenWindow: boolean;
  /** Per-number messages per second (130429). */
  throughput: boolean;
  /** 80 by default (STANDARD), at most 1,000 (HIGH). */
  throughputMps: number;
  /** `sync`: HTTP 429 with 130429; `async`: accepted, then a `value.errors` webhook and a failed status. */
  throughputErrorMode: 'sync' | 'async';
  /** Business → same user: 1 message per `pairIntervalMs`, burst of `pairBurst` (131056). */
  pairRateLimit: boolean;
  pairIntervalMs: number;
  pairBurst: number;
  /** Unique users reached by business-initiated templates per rolling 24 h. */
  messagingLimit: boolean;
  messagingLimitTier: MessagingLimitTier;
  /** Code of the async failure past the limit (UNCERTAIN in the contract). */
  messagingLimitErrorCode: number;
  /** Honour customers' marketing stop (131050). */
  marketingOptOut: boolean;
  /** Marketing templates one user may receive per rolling 24 h (131049); null = no cap. */
  perUserMarketingLimit: number | null;
  /** Marketing templates to +1 (US) numbers are not delivered (131049). UNCERTAIN; documented default on. */
  usMarketingBlocked: boolean;
  /** Users the business blocked cannot be messaged (130403). */
  blockedUsers: boolean;
  /** Recipients the simulator never saw: on WhatsApp (`deliverable`) or not (131026). */
  unknownRecipients: 'deliverable' | 'undeliverable';
};

export type StatusDelays = {
  sentMs: number;
  deliveredMs: number;
  /** null: only the customer (phone page or control API) reads. */
  readMs: number | null;
};

export type WebhookSettings = {
  /** Updates in one POST at most (Meta: up to 1,000). */
  maxBatchSize: number;
  /** POSTs in flight at once. */
  concurrency: number;
  /** Per-attempt time-out. */
  timeoutMs: number;
  /** First retry delay; doubles each attempt up to `retryMaxDelayMs`. */
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /** Give up after this many attempts or after `retryHorizonMs` of simulated time (Meta: 7 days). */
  retryMaxAttempts: number;
  retryHorizonMs: number;
  /** Perform the GET verification handshake before the first delivery. */
  verifyBeforeDelivery: boolean;
  /** Webhook payload version: ≤ 23 adds `conversation` to statuses. */
  version: number;
};

export type TemplateReviewRule = { namePattern: string; outcome: 'APPROVED' | 'REJECTED'; reason?: string };
export type TemplateReview = {
  /** Time from create to the review outcome; 0 = decided at once (still PENDING in the response). */
  delayMs: number;
  /** First matching rule wins; otherwise `defaultOutcome` unless the format check rejects it. */
  rules: TemplateReviewRule[];
  defaultOutcome: 'APPROVED' | 'REJECTED';
};

export type MediaSettings = {
  urlTtlMs: number;
  uploadedTtlMs: number;
  inboundTtlMs: number;
  maxTotalBytes: number;
  /** `sha256` encoding in `GET /{media-id}` (UNCERTAIN; webhooks use base64). */
  sha256Encoding: 'base64' | 'hex';
};

export type SimulatorOptions = {
  webhookUrl?: string;
  appSecret: string;
  accessToken: string;
  phoneNumberId: string;
  wabaId: string;
  /** The Meta app id the access token belongs to (`GET /app`, `POST /{APP_ID}/uploads`). Default `1000000000000001`. */
  appId?: string;
  verifyToken?: string;
  displayPhoneNumber?: string;
  verifiedName?: string;
  seed?: number;
  rules?: Partial<SimRules>;
  statusDelays?: Partial<StatusDelays>;
  webhook?: Partial<WebhookSettings>;
  templateReview?: Partial<TemplateReview>;
  media?: Partial<MediaSettings>;
  /** Seed `hello_world`, `order_shipped` and `order_ready` (APPROVED, en_US). Default true. */
  seedTemplates?: boolean;
  faults?: Partial<FaultConfig>;
  clock?: SimClock;
  /** Base URL for URLs the simulator hands out (media). Default: from the request's Host + prefix. */
  publicBaseUrl?: string;
  /** Guard for the `/_sim` control API and phone page (default: open). */
  controlAuth?: (request: FastifyRequest) => boolean;
  /**
   * `POST /_sim/config` refuses `accessToken` and `appSecret` (for a simulator whose credentials its
   * host manages and whose control API others may reach, like Parley's sandbox). Default false.
   */
  credentialsLocked?: boolean;
  /** In-memory bounds. */
  maxMessages?: number;
  maxCustomers?: number;
  /** Pino logging in the standalone server. Default false. */
  logger?: boolean;
};

export type ResolvedOptions = Required<
  Pick<SimulatorOptions, 'appSecret' | 'accessToken' | 'phoneNumberId' | 'wabaId' | 'seed'>
> & {
  webhookUrl: string | undefined;
  appId: string;
  verifyToken: string;
  displayPhoneNumber: string;
  verifiedName: string;
  rules: SimRules;
  statusDelays: StatusDelays;
  webhook: WebhookSettings;
  templateReview: TemplateReview;
  media: MediaSettings;
  seedTemplates: boolean;
  publicBaseUrl: string | undefined;
  controlAuth: ((request: FastifyRequest) => boolean) | undefined;
  credentialsLocked: boolean;
  maxMessages: number;
  maxCustomers: number;
};

export const DEFAULT_RULES: SimRules = {
  customerServiceWindow: true,
  windowErrorMode: 'async',
  reactionsOpenWindow: false,
  throughput: true,
  throughputMps: 80,
  throughputErrorMode: 'sync',
  pairRateLimit: true,
  pairIntervalMs: 6000,
  pairBurst: 45,
  messagingLimit: true,
  messagingLimitTier: 'TIER_250',
  messagingLimitErrorCode: 131048,
  marketingOptOut: true,
  perUserMarketingLimit: 2,
  usMarketingBlocked: true,
  blockedUsers: true,
  unknownRecipients: 'deliverable',
};

const DAY = 24 * 60 * 60 * 1000;

export const DEFAULT_WEBHOOK: WebhookSettings = {
  maxBatchSize: 100,
  concurrency: 4,
  timeoutMs: 10_000,
  retryInitialDelayMs: 1000,
  retryMaxDelayMs: 60 * 60 * 1000,
  retryMaxAttempts: 12,
  retryHorizonMs: 7 * DAY,
  verifyBeforeDelivery: true,
  version: 25,
};

/** Fills in every default and checks ranges. Throws an Error naming the bad option. */
export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  for (const key of ['appSecret', 'accessToken', 'phoneNumberId', 'wabaId'] as const) {
    if (typeof options[key] !== 'string' || options[key].length === 0)
      throw new Error(`wa-sim: ${key} is required`);
  }
  const rules = { ...DEFAULT_RULES, ...options.rules };
  checkThroughput(rules.throughputMps);
  if (options.webhookUrl !== undefined) checkWebhookUrl(options.webhookUrl);
  return {
    appSecret: options.appSecret,
    accessToken: options.accessToken,
    phoneNumberId: options.phoneNumberId,
    wabaId: options.wabaId,
    seed: options.seed ?? 1,
    webhookUrl: options.webhookUrl,
    appId: options.appId ?? '1000000000000001',
    verifyToken: options.verifyToken ?? 'parley-sim-verify',
    displayPhoneNumber: (options.displayPhoneNumber ?? '15550100001').replace(/\D/g, ''),
    verifiedName: options.verifiedName ?? 'Parley Sandbox',
    rules,
    statusDelays: { sentMs: 50, deliveredMs: 300, readMs: 1500, ...options.statusDelays },
    webhook: { ...DEFAULT_WEBHOOK, ...options.webhook },
    templateReview: { delayMs: 1000, rules: [], defaultOutcome: 'APPROVED', ...options.templateReview },
    media: {
      urlTtlMs: 5 * 60 * 1000,
      uploadedTtlMs: 30 * DAY,
      inboundTtlMs: 7 * DAY,
      maxTotalBytes: 512 * 1024 * 1024,
      sha256Encoding: 'base64',
      ...options.media,
    },
    seedTemplates: options.seedTemplates ?? true,
    publicBaseUrl: options.publicBaseUrl?.replace(/\/+$/, ''),
    controlAuth: options.controlAuth,
    credentialsLocked: options.credentialsLocked ?? false,
    maxMessages: options.maxMessages ?? 100_000,
    maxCustomers: options.maxCustomers ?? 50_000,
  };
}

export function checkThroughput(mps: number): void {
  if (!Number.isFinite(mps) || mps < 1 || mps > 1000) {
    throw new Error('wa-sim: rules.throughputMps must be between 1 and 1000');
  }
}

export function checkWebhookUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`wa-sim: webhookUrl is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error('wa-sim: webhookUrl must be an http(s) URL');
  }
}
