import { createClock, type SimClock } from './clock.js';
import { createFaults, type Faults } from './faults.js';
import { MediaStore } from './media-store.js';
import { type ResolvedOptions, resolveOptions, type SimulatorOptions } from './options.js';
import { MarketingLedger } from './rules/marketing.js';
import { MessagingLimit } from './rules/messaging-limit.js';
import { PairRateLimiter, ThroughputLimiter } from './rules/rate-limits.js';
import { SimState } from './state.js';
import { TemplateStore } from './template-store.js';
import { UploadStore } from './upload-store.js';
import { WebhookDeliverer } from './webhooks/deliverer.js';
import type { PhoneNumberInfo } from './webhooks/payloads.js';
import { StatusEngine } from './webhooks/statuses.js';

export type PhoneNumberRecord = PhoneNumberInfo & {
  verifiedName: string;
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
};

/** Everything one simulator instance holds; shared by the Graph routes, the control API and the phone page. */
export type SimCore = {
  options: ResolvedOptions;
  clock: SimClock;
  faults: Faults;
  state: SimState;
  media: MediaStore;
  templates: TemplateStore;
  /** Resumable Upload API sessions and the file handles they issued (template header samples). */
  uploads: UploadStore;
  deliverer: WebhookDeliverer;
  statuses: StatusEngine;
  numbers: Map<string, PhoneNumberRecord>;
  throughput: ThroughputLimiter;
  pairRate: PairRateLimiter;
  messagingLimit: MessagingLimit;
  marketing: MarketingLedger;
  subscribedApps: Set<string>;
  /** Access token answers 190 / 463 "Session has expired" while true. */
  tokenExpired: boolean;
  /** Timers to clear on close. */
  timers: Set<NodeJS.Timeout>;
  /** setTimeout that is cleared on close. */
  later(ms: number, run: () => void): void;
  close(): void;
};

export function createSimCore(input: SimulatorOptions): SimCore {
  const options = resolveOptions(input);
  const clock = input.clock ?? createClock();
  const faults = createFaults(options.seed, input.faults);
  const numbers = new Map<string, PhoneNumberRecord>([
    [
      options.phoneNumberId,
      {
        phoneNumberId: options.phoneNumberId,
        displayPhoneNumber: options.displayPhoneNumber,
        verifiedName: options.verifiedName,
        qualityRating: 'GREEN',
      },
    ],
  ]);
  const deliverer = new WebhookDeliverer(
    {
      settings: options.webhook,
      appSecret: options.appSecret,
      wabaId: options.wabaId,
      numbers,
      clock,
      faults,
      asciiOnly: true,
    },
    options.webhookUrl,
    options.verifyToken,
  );
  const templates = new TemplateStore(clock);
  if (options.seedTemplates) templates.seed();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const core: SimCore = {
    options,
    clock,
    faults,
    state: new SimState(options.maxCustomers, options.maxMessages),
    media: new MediaStore(options.media, clock),
    templates,
    uploads: new UploadStore(),
    deliverer,
    statuses: undefined as unknown as StatusEngine,
    numbers,
    throughput: new ThroughputLimiter(options.rules.throughputMps),
    pairRate: new PairRateLimiter(options.rules.pairIntervalMs, options.rules.pairBurst),
    messagingLimit: new MessagingLimit(),
    marketing: new MarketingLedger(),
    subscribedApps: new Set(),
    tokenExpired: false,
    timers,
    later(ms, run) {
      if (closed) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        run();
      }, ms);
      timers.add(timer);
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      deliverer.close();
    },
  };
  core.statuses = new StatusEngine(core);
  return core;
}
