import type { InboundMessage, MessageStatusValue } from '@parley/whatsapp';
import { BoundedMap, pushBounded } from './bounded-map.js';
import type { RenderedTemplate } from './graph/validate-template.js';

export const THREAD_MAX = 500;

export type Customer = {
  /** Map key: the wa_id, or the BSUID for username-only users. */
  key: string;
  waId?: string;
  userId?: string;
  name: string;
  username?: string;
  createdAt: number;
  /** Sim-clock ms of the last window-opening inbound message. */
  lastInboundAt?: number;
  /** Not a WhatsApp user: sends fail with 131026. */
  notOnWhatsApp: boolean;
  /** The customer blocked the business: sends fail with 131026. */
  blockedBusiness: boolean;
  /** The customer stopped marketing messages (131050). */
  marketingOptOut: boolean;
  /** Read receipts on: `read` statuses are sent. */
  readReceipts: boolean;
  /** Business typing indicator visible until (sim ms). */
  typingUntil?: number;
  /** Free entry point (click-to-WhatsApp ad) window open until (sim ms). */
  freeEntryPointUntil?: number;
  /** Message ids in order, both directions. */
  thread: string[];
  /** Bumped on every change the phone page shows. */
  version: number;
};

export type OutboundMessage = {
  id: string;
  direction: 'out';
  customerKey: string;
  input: string;
  request: Record<string, unknown>;
  type: string;
  createdAt: number;
  status: 'accepted' | MessageStatusValue;
  statuses: { status: MessageStatusValue; timestamp: string; errors?: unknown[] }[];
  /** Pricing category (`service`, `utility`, `marketing`, `authentication`). */
  category: string;
  pricingType: 'regular' | 'free_customer_service' | 'free_entry_point';
  billable: boolean;
  /** Reaction the customer put on it. */
  customerReaction?: string;
  /** Template sends: the text the customer sees. */
  rendered?: RenderedTemplate;
};

export type InboundRecord = {
  id: string;
  direction: 'in';
  customerKey: string;
  message: InboundMessage;
  createdAt: number;
  /** The business called mark-as-read on it (or on a later message). */
  readByBusiness: boolean;
  /** Reaction the business put on it. */
  businessReaction?: string;
};

export type BlockedUser = { key: string; at: number };

/** Everything the simulator remembers, in memory, bounded. */
export class SimState {
  readonly customers: BoundedMap<string, Customer>;
  readonly byWaId = new Map<string, string>();
  readonly byUserId = new Map<string, string>();
  readonly outbound: BoundedMap<string, OutboundMessage>;
  readonly inbound: BoundedMap<string, InboundRecord>;
  /** Users the business blocked (block_users API). */
  readonly blocked = new Set<string>();
  private listeners = new Map<string, Set<() => void>>();

  constructor(
    private readonly maxCustomers: number,
    maxMessages: number,
  ) {
    this.customers = new BoundedMap(maxCustomers);
    this.outbound = new BoundedMap(maxMessages);
    this.inbound = new BoundedMap(maxMessages);
  }

  findCustomer(id: string): Customer | undefined {
    const key = this.byWaId.get(id) ?? this.byUserId.get(id) ?? id;
    return this.customers.get(key);
  }

  /** Creates or updates a customer. `waId` wins as the key; a username-only user is keyed by `userId`. */
  upsertCustomer(
    input: { waId?: string; userId?: string; name?: string; username?: string },
    now: number,
  ): Customer {
    const existing =
      (input.waId ? this.findCustomer(input.waId) : undefined) ??
      (input.userId ? this.findCustomer(input.userId) : undefined);
    if (existing) {
      if (input.name) existing.name = input.name;
      if (input.userId && !existing.userId) {
        existing.userId = input.userId;
        this.byUserId.set(input.userId, existing.key);
      }
      if (input.username) existing.username = input.username;
      return existing;
    }
    const key = input.waId ?? input.userId;
    if (!key) throw new Error('a customer needs a wa_id or a user_id');
    if (this.customers.size >= this.maxCustomers) this.forgetOldestCustomer();
    const customer: Customer = {
      key,
      waId: input.waId,
      userId: input.userId,
      name: input.name ?? input.waId ?? 'WhatsApp user',
      username: input.username,
      createdAt: now,
      notOnWhatsApp: false,
      blockedBusiness: false,
      marketingOptOut: false,
      readReceipts: true,
      thread: [],
      version: 0,
    };
    this.customers.set(key, customer);
    if (input.waId) this.byWaId.set(input.waId, key);
    if (input.userId) this.byUserId.set(input.userId, key);
    return customer;
  }

  private forgetOldestCustomer(): void {
    const oldest = this.customers.values().next();
    if (oldest.done) return;
    const customer = oldest.value;
    this.customers.delete(customer.key);
    if (customer.waId) this.byWaId.delete(customer.waId);
    if (customer.userId) this.byUserId.delete(customer.userId);
  }

  addToThread(customer: Customer, messageId: string): void {
    pushBounded(customer.thread, messageId, THREAD_MAX);
    this.touch(customer);
  }

  /** Marks a customer's thread as changed and wakes long-polls. */
  touch(customer: Customer): void {
    customer.version += 1;
    const waiting = this.listeners.get(customer.key);
    if (!waiting) return;
    this.listeners.delete(customer.key);
    for (const wake of waiting) wake();
  }

  /** Resolves when the thread changes past `version`, or after `timeoutMs`. */
  waitForChange(customer: Customer, version: number, timeoutMs: number): Promise<void> {
    if (customer.version !== version) return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.listeners.get(customer.key) ?? new Set();
      this.listeners.set(customer.key, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
    });
  }

  message(id: string): OutboundMessage | InboundRecord | undefined {
    return this.outbound.get(id) ?? this.inbound.get(id);
  }
}
