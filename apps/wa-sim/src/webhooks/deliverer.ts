import { randomInt } from 'node:crypto';
import { signPayload } from '@parley/whatsapp';
import { pushBounded } from '../bounded-map.js';
import type { SimClock } from '../clock.js';
import type { Faults } from '../faults.js';
import type { WebhookSettings } from '../options.js';
import { httpRequest } from './http-post.js';
import { buildEnvelope, type PhoneNumberInfo, type WebhookItem } from './payloads.js';

type Pending = { item: WebhookItem; onDone?: (ok: boolean) => void; faulted?: boolean };
type Batch = { items: Pending[]; bytes: Buffer; attempts: number; firstAttemptAt: number; notBefore: number };

export type DeliveryLogEntry = {
  at: string;
  kind: 'verify' | 'post';
  status: number;
  updates: number;
  attempt: number;
  error?: string;
};

export type DelivererConfig = {
  settings: WebhookSettings;
  appSecret: string;
  wabaId: string;
  numbers: Map<string, PhoneNumberInfo>;
  clock: SimClock;
  faults: Faults;
  /** Meta escapes non-ASCII as \uXXXX (UNCERTAIN); the signature always covers the bytes sent. */
  asciiOnly: boolean;
};

const MAX_QUEUE = 200_000;
/** Batches waiting for a retry; beyond this the oldest are given up (a receiver down for long). */
const MAX_RETRY_BATCHES = 5_000;

/** JSON with every non-ASCII UTF-16 unit escaped, as integrators report Meta's bodies to be. */
export function toAsciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Delivers webhook updates to the callback URL: GET verification handshake first, then signed
 * POSTs, batching what queued up while earlier POSTs were in flight, retrying non-200 answers with
 * exponential back-off until `retryMaxAttempts` or the (simulated) 7-day horizon. Never blocks callers.
 */
export class WebhookDeliverer {
  url: string | undefined;
  verifyToken: string;
  verified = false;
  readonly stats = {
    posts: 0,
    delivered: 0,
    failedAttempts: 0,
    gaveUp: 0,
    dropped: 0,
    duplicated: 0,
    delayed: 0,
    noUrl: 0,
  };
  readonly log: DeliveryLogEntry[] = [];
  private queue: Pending[] = [];
  private head = 0;
  private delayed: { pending: Pending; notBefore: number }[] = [];
  private retries: Batch[] = [];
  private inFlight = 0;
  private verifying = false;
  private verifyAttempts = 0;
  private verifyNotBefore = 0;
  private wakeTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly config: DelivererConfig,
    url: string | undefined,
    verifyToken: string,
  ) {
    this.url = url;
    this.verifyToken = verifyToken;
  }

  get pending(): number {
    return this.queue.length - this.head + this.delayed.length + this.retries.length + this.inFlight;
  }

  /** Queues one update; `onDone(true)` once a 200 acknowledged it, `onDone(false)` when given up or dropped. */
  enqueue(item: WebhookItem, onDone?: (ok: boolean) => void): void {
    if (this.closed) return;
    if (!this.url) {
      this.stats.noUrl += 1;
      onDone?.(false);
      return;
    }
    if (this.queue.length - this.head >= MAX_QUEUE) {
      this.stats.dropped += 1;
      onDone?.(false);
      return;
    }
    this.queue.push({ item, onDone });
    this.schedulePump();
  }

  /** Changes the callback URL or verify token; the handshake runs again before the next delivery. */
  reconfigure(url: string | undefined, verifyToken: string): void {
    this.url = url;
    this.verifyToken = verifyToken;
    this.verified = false;
    this.verifyAttempts = 0;
    this.verifyNotBefore = 0;
    this.schedulePump();
  }

  /** Signs every POST from now on (retries of earlier batches too) with another app secret. */
  setAppSecret(appSecret: string): void {
    this.config.appSecret = appSecret;
  }

  /** Performs the GET handshake now. True when the receiver echoed the challenge with 200. */
  async verify(): Promise<boolean> {
    if (!this.url) return false;
    const challenge = String(randomInt(100_000_000, 2_000_000_000));
    const url = new URL(this.url);
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.verify_token', this.verifyToken);
    url.searchParams.set('hub.challenge', challenge);
    const result = await httpRequest(
      'GET',
      url,
      { 'user-agent': 'facebookplatform/1.0' },
      undefined,
      this.config.settings.timeoutMs,
    );
    const ok = result.status === 200 && 'body' in result && result.body === challenge;
    this.record({
      kind: 'verify',
      status: result.status,
      updates: 0,
      attempt: this.verifyAttempts + 1,
      error: ok ? undefined : 'error' in result ? result.error : 'challenge not echoed',
    });
    this.verified = ok;
    return ok;
  }

  /** Resolves when nothing is queued, delayed, retrying or in flight. */
  waitIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.wakeTimer);
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private schedulePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }
  private pumpQueued = false;

  private pump(): void {
    if (this.closed) return;
    const now = Date.now();
    if (this.config.settings.verifyBeforeDelivery && !this.verified) {
      if (!this.verifying && now >= this.verifyNotBefore && this.pending > 0) void this.runVerification();
      this.scheduleWake();
      return;
    }
    this.releaseDelayed(now);
    while (this.inFlight < this.config.settings.concurrency) {
      const batch = this.takeRetry(now) ?? this.takeBatch();
      if (!batch) break;
      void this.send(batch);
    }
    this.scheduleWake();
    this.checkIdle();
  }

  private async runVerification(): Promise<void> {
    this.verifying = true;
    const ok = await this.verify().catch(() => false);
    this.verifying = false;
    if (!ok) {
      this.verifyAttempts += 1;
      this.verifyNotBefore = Date.now() + this.backoff(this.verifyAttempts);
    }
    this.schedulePump();
  }

  private backoff(attempt: number): number {
    const { retryInitialDelayMs, retryMaxDelayMs } = this.config.settings;
    return Math.min(retryMaxDelayMs, retryInitialDelayMs * 2 ** Math.max(0, attempt - 1));
  }

  private releaseDelayed(now: number): void {
    if (this.delayed.length === 0) return;
    const ready = this.delayed.filter((entry) => entry.notBefore <= now);
    if (ready.length === 0) return;
    this.delayed = this.delayed.filter((entry) => entry.notBefore > now);
    for (const entry of ready) this.queue.push(entry.pending);
  }

  private takeRetry(now: number): Batch | undefined {
    const index = this.retries.findIndex((batch) => batch.notBefore <= now);
    if (index < 0) return undefined;
    return this.retries.splice(index, 1)[0];
  }

  private takeBatch(): Batch | undefined {
    const { faults } = this.config;
    const rates = faults.config().webhook;
    const items: Pending[] = [];
    while (this.head < this.queue.length && items.length < this.config.settings.maxBatchSize) {
      const pending = this.queue[this.head]!;
      this.head += 1;
      if (!pending.faulted) {
        pending.faulted = true;
        if (faults.roll(rates.drop)) {
          this.stats.dropped += 1;
          pending.onDone?.(false);
          continue;
        }
        if (faults.roll(rates.delay)) {
          this.stats.delayed += 1;
          this.delayed.push({ pending, notBefore: Date.now() + rates.delayMs });
          continue;
        }
        if (faults.roll(rates.duplicate)) {
          this.stats.duplicated += 1;
          this.queue.push({ item: pending.item, faulted: true });
        }
      }
      items.push(pending);
    }
    this.compactQueue();
    if (items.length === 0) return undefined;
    if (items.length > 1 && faults.roll(rates.reorder)) {
      for (let i = items.length - 1; i > 0; i -= 1) {
        const j = faults.pick(i + 1);
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
    }
    const envelope = buildEnvelope(
      this.config.wabaId,
      this.config.numbers,
      items.map((pending) => pending.item),
      this.config.clock.nowSeconds(),
    );
    const json = this.config.asciiOnly ? toAsciiJson(envelope) : JSON.stringify(envelope);
    return {
      items,
      bytes: Buffer.from(json, 'utf8'),
      attempts: 0,
      firstAttemptAt: this.config.clock.now(),
      notBefore: 0,
    };
  }

  private compactQueue(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private async send(batch: Batch): Promise<void> {
    const url = this.url;
    if (!url) {
      for (const pending of batch.items) pending.onDone?.(false);
      return;
    }
    this.inFlight += 1;
    batch.attempts += 1;
    this.stats.posts += 1;
    const result = await httpRequest(
      'POST',
      new URL(url),
      {
        'content-type': 'application/json',
        'user-agent': 'facebookexternalua',
        'x-hub-signature-256': signPayload(this.config.appSecret, batch.bytes),
      },
      batch.bytes,
      this.config.settings.timeoutMs,
    );
    this.inFlight -= 1;
    const ok = result.status === 200;
    this.record({
      kind: 'post',
      status: result.status,
      updates: batch.items.length,
      attempt: batch.attempts,
      error: 'error' in result ? result.error : undefined,
    });
    if (ok) {
      this.stats.delivered += batch.items.length;
      for (const pending of batch.items) pending.onDone?.(true);
    } else {
      this.stats.failedAttempts += 1;
      this.scheduleRetry(batch);
    }
    this.schedulePump();
  }

  private scheduleRetry(batch: Batch): void {
    const { retryMaxAttempts, retryHorizonMs } = this.config.settings;
    const expired = this.config.clock.now() - batch.firstAttemptAt >= retryHorizonMs;
    if (batch.attempts >= retryMaxAttempts || expired || this.closed) {
      this.stats.gaveUp += batch.items.length;
      for (const pending of batch.items) pending.onDone?.(false);
      return;
    }
    batch.notBefore = Date.now() + this.backoff(batch.attempts);
    this.retries.push(batch);
    if (this.retries.length > MAX_RETRY_BATCHES) {
      const oldest = this.retries.shift()!;
      this.stats.gaveUp += oldest.items.length;
      for (const pending of oldest.items) pending.onDone?.(false);
    }
  }

  private scheduleWake(): void {
    clearTimeout(this.wakeTimer);
    const times = [
      ...this.delayed.map((entry) => entry.notBefore),
      ...this.retries.map((batch) => batch.notBefore),
    ];
    if (this.config.settings.verifyBeforeDelivery && !this.verified && this.pending > 0)
      times.push(this.verifyNotBefore);
    if (times.length === 0) return;
    const earliest = times.reduce((min, time) => Math.min(min, time), Number.POSITIVE_INFINITY);
    const wait = Math.max(0, earliest - Date.now());
    this.wakeTimer = setTimeout(() => this.pump(), wait + 1);
    this.wakeTimer.unref?.();
  }

  private checkIdle(): void {
    if (this.pending !== 0) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private record(entry: Omit<DeliveryLogEntry, 'at'>): void {
    pushBounded(this.log, { at: new Date().toISOString(), ...entry }, 200);
  }
}
