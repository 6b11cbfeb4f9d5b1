import type { MessageStatusValue } from '@parley/whatsapp';
import type { SimCore } from '../core.js';
import { toWebhookError } from '../errors.js';
import type { Customer, OutboundMessage } from '../state.js';

const RANK: Record<OutboundMessage['status'], number> = {
  accepted: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  played: 4,
  failed: 5,
};

export type SendOutcome = { ok: true } | { ok: false; code: number; details?: string };

/**
 * The status lifecycle of messages the business sent: `sent → delivered → read` after the
 * configured delays, or `failed` with errors. Status only moves forward; each step is one webhook.
 */
export class StatusEngine {
  constructor(private readonly core: SimCore) {}

  /**
   * Starts the lifecycle of an accepted message. Steps are chained (each timer schedules the next),
   * because timers of different lengths are not guaranteed to fire in order under load.
   */
  start(message: OutboundMessage, outcome: SendOutcome): void {
    const { sentMs, deliveredMs, readMs } = this.core.options.statusDelays;
    if (!outcome.ok) {
      this.core.later(sentMs, () =>
        this.advance(message, 'failed', [toWebhookError(outcome.code, outcome.details)]),
      );
      return;
    }
    this.core.later(sentMs, () => {
      this.advance(message, 'sent');
      this.core.later(Math.max(0, deliveredMs - sentMs), () => {
        this.advance(message, 'delivered');
        if (readMs !== null)
          this.core.later(Math.max(0, readMs - Math.max(sentMs, deliveredMs)), () => this.read(message));
      });
    });
  }

  /** The customer read this message (skipped when their read receipts are off). */
  read(message: OutboundMessage): void {
    const customer = this.core.state.customers.get(message.customerKey);
    if (customer && !customer.readReceipts) return;
    this.advance(message, 'read');
  }

  /** The customer opened the chat: every delivered (or sent) message to them becomes read. */
  readAll(customer: Customer): number {
    let count = 0;
    for (const id of customer.thread) {
      const message = this.core.state.outbound.get(id);
      if (
        !message ||
        message.status === 'read' ||
        message.status === 'failed' ||
        message.status === 'accepted'
      ) {
        continue;
      }
      if (customer.readReceipts) {
        this.advance(message, 'read');
        count += 1;
      }
    }
    return count;
  }

  /** Moves a message forward and queues the status webhook; ignores backwards moves. */
  advance(message: OutboundMessage, status: MessageStatusValue, errors?: unknown[]): void {
    if (message.status === 'failed' || RANK[status] <= RANK[message.status]) return;
    message.status = status;
    const timestamp = String(this.core.clock.nowSeconds());
    message.statuses.push(errors ? { status, timestamp, errors } : { status, timestamp });
    this.core.deliverer.enqueue({
      kind: 'status',
      phoneNumberId: this.core.options.phoneNumberId,
      status: this.toWebhookStatus(message, status, timestamp, errors),
    });
    const customer = this.core.state.customers.get(message.customerKey);
    if (customer) this.core.state.touch(customer);
  }

  private toWebhookStatus(
    message: OutboundMessage,
    status: MessageStatusValue,
    timestamp: string,
    errors: unknown[] | undefined,
  ): Record<string, unknown> {
    const customer = this.core.state.customers.get(message.customerKey);
    const body: Record<string, unknown> = { id: message.id, status, timestamp };
    if (customer?.waId) body.recipient_id = customer.waId;
    if (customer?.userId) body.recipient_user_id = customer.userId;
    const opaque = message.request.biz_opaque_callback_data;
    if (typeof opaque === 'string') body.biz_opaque_callback_data = opaque;
    if (status === 'failed') {
      body.errors = errors;
      return body;
    }
    if (this.core.options.webhook.version <= 23 && status !== 'read') {
      body.conversation = {
        id: `CONVERSATION_${message.customerKey}`,
        ...(status === 'sent' ? { expiration_timestamp: String(Number(timestamp) + 24 * 3600) } : {}),
        origin: { type: message.category },
      };
    }
    if (status === 'sent' || status === 'delivered') {
      body.pricing = {
        billable: message.billable,
        pricing_model: 'PMP',
        type: message.pricingType,
        category: message.category,
      };
    }
    return body;
  }
}
