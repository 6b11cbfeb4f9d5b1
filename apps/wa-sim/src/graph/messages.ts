import type { FastifyInstance } from 'fastify';
import type { SimCore } from '../core.js';
import { GraphError, invalidValue } from '../errors.js';
import { newWamid } from '../ids.js';
import { isAnimatedWebp, STATIC_STICKER_MAX_BYTES } from '../media-store.js';
import { MESSAGING_LIMIT_TIERS } from '../options.js';
import { isUsNumber } from '../rules/marketing.js';
import { isWindowOpen } from '../rules/window.js';
import type { Customer, OutboundMessage } from '../state.js';
import type { SendOutcome } from '../webhooks/statuses.js';
import { type GraphParams, loseResponseMaybe, requirePhoneNumber } from './shared.js';
import { type ParsedSend, parseSendBody } from './validate-send.js';
import { checkTemplateSend, type RenderedTemplate } from './validate-template.js';

const TYPING_MS = 25_000;

/** `POST /{v}/{PNID}/messages`: sends, mark-as-read and typing indicator. */
export function registerMessageRoutes(app: FastifyInstance, core: SimCore): void {
  app.post<{ Params: GraphParams }>('/:version/:nodeId/messages', async (request) => {
    const phoneNumberId = requirePhoneNumber(core, request.params.nodeId, 'post');
    const parsed = parseSendBody(request.body);
    if (parsed.kind === 'read') return markRead(core, parsed);
    const response = send(core, phoneNumberId, parsed);
    loseResponseMaybe(core);
    return response;
  });
}

function markRead(core: SimCore, parsed: Extract<ParsedSend, { kind: 'read' }>) {
  const record = core.state.inbound.get(parsed.messageId);
  if (!record)
    throw invalidValue(`message_id ${parsed.messageId.slice(0, 80)} is not a message this number received.`);
  const customer = core.state.customers.get(record.customerKey);
  if (customer) {
    for (const id of customer.thread) {
      const earlier = core.state.inbound.get(id);
      if (earlier) earlier.readByBusiness = true;
      if (id === record.id) break;
    }
    if (parsed.typing) customer.typingUntil = core.clock.now() + TYPING_MS;
    core.state.touch(customer);
  }
  return { success: true };
}

function resolveCustomer(core: SimCore, parsed: Extract<ParsedSend, { kind: 'send' }>): Customer {
  const now = core.clock.now();
  const existing = core.state.findCustomer(parsed.waId ?? parsed.recipient!);
  if (existing) return existing;
  const customer = core.state.upsertCustomer(
    parsed.waId ? { waId: parsed.waId } : { userId: parsed.recipient },
    now,
  );
  if (core.options.rules.unknownRecipients === 'undeliverable') customer.notOnWhatsApp = true;
  return customer;
}

function send(core: SimCore, phoneNumberId: string, parsed: Extract<ParsedSend, { kind: 'send' }>) {
  const { rules } = core.options;
  const now = core.clock.now();
  const number = core.numbers.get(phoneNumberId)!;
  if (parsed.waId === number.displayPhoneNumber) {
    throw new GraphError({
      code: 131021,
      details: 'Recipient phone number cannot be the sender phone number.',
    });
  }
  let rendered: RenderedTemplate | undefined;
  let category = 'service';
  if (parsed.type === 'template') {
    const checked = checkTemplateSend(core.templates, parsed.body.template as Record<string, unknown>);
    rendered = checked.rendered;
    category = checked.template.category.toLowerCase();
    // A header file by id is checked after the 200 like any media message (131053 when unknown).
    const headerMedia = rendered.header?.media;
    const kind = rendered.header?.format === 'GIF' ? 'video' : rendered.header?.format.toLowerCase();
    if (typeof headerMedia?.id === 'string' && (kind === 'image' || kind === 'video' || kind === 'document'))
      parsed.media = { kind, id: headerMedia.id };
  }
  const customer = resolveCustomer(core, parsed);
  const windowOpen = isWindowOpen(customer, now);
  if (rules.blockedUsers && core.state.blocked.has(customer.key)) {
    throw new GraphError({
      code: 130403,
      details: 'This user is blocked by the business. Unblock the user first.',
    });
  }
  if (
    parsed.type !== 'template' &&
    rules.customerServiceWindow &&
    !windowOpen &&
    rules.windowErrorMode === 'sync'
  ) {
    throw reEngagementError();
  }
  let throughputExceeded = false;
  if (rules.throughput && !core.throughput.take(phoneNumberId, Date.now())) {
    if (rules.throughputErrorMode === 'sync') {
      throw new GraphError({
        code: 130429,
        details:
          'Message failed to send because there were too many messages sent from this phone number in a short period of time',
      });
    }
    throughputExceeded = true;
  }
  if (rules.pairRateLimit && !core.pairRate.take(phoneNumberId, customer.key, now)) {
    throw new GraphError({
      code: 131056,
      details:
        'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    });
  }
  const message: OutboundMessage = {
    id: newWamid(),
    direction: 'out',
    customerKey: customer.key,
    input: parsed.input,
    request: parsed.body,
    type: parsed.type,
    createdAt: now,
    status: 'accepted',
    statuses: [],
    category,
    ...pricingOf(parsed.type, category, windowOpen, customer, now),
    rendered,
  };
  core.state.outbound.set(message.id, message);
  core.state.addToThread(customer, message.id);
  if (throughputExceeded) {
    core.deliverer.enqueue({
      kind: 'error',
      phoneNumberId,
      error: {
        code: 130429,
        title: 'Rate limit hit',
        message: 'Rate limit hit',
        error_data: {
          details:
            'Message failed to send because there were too many messages sent from this phone number in a short period of time',
        },
        href: 'https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes',
      },
    });
  }
  const outcome: SendOutcome = throughputExceeded
    ? { ok: false, code: 130429 }
    : decideOutcome(core, parsed, message, customer, windowOpen, now);
  applyReaction(core, parsed, outcome);
  core.statuses.start(message, outcome);
  const contact: Record<string, string> = { input: parsed.input };
  if (customer.waId) contact.wa_id = customer.waId;
  if (!customer.waId && customer.userId) contact.user_id = customer.userId;
  const sent: Record<string, string> = { id: message.id };
  if (parsed.type === 'template') {
    sent.message_status = core.templates.find(
      (parsed.body.template as { name: string }).name,
      (parsed.body.template as { language: { code: string } }).language.code,
    )?.paced
      ? 'held_for_quality_assessment'
      : 'accepted';
  }
  return { messaging_product: 'whatsapp', contacts: [contact], messages: [sent] };
}

function reEngagementError(): GraphError {
  return new GraphError({
    code: 131047,
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  });
}

function pricingOf(type: string, category: string, windowOpen: boolean, customer: Customer, now: number) {
  if (customer.freeEntryPointUntil !== undefined && now < customer.freeEntryPointUntil) {
    return { pricingType: 'free_entry_point' as const, billable: false };
  }
  if (type !== 'template' || (category === 'utility' && windowOpen)) {
    return { pricingType: 'free_customer_service' as const, billable: false };
  }
  return { pricingType: 'regular' as const, billable: true };
}

/** What happens after the 200: delivered, or failed with the code a rule gives (in rule order). */
function decideOutcome(
  core: SimCore,
  parsed: Extract<ParsedSend, { kind: 'send' }>,
  message: OutboundMessage,
  customer: Customer,
  windowOpen: boolean,
  now: number,
): SendOutcome {
  const { rules } = core.options;
  if (customer.notOnWhatsApp || customer.blockedBusiness) {
    return { ok: false, code: 131026, details: 'Message undeliverable.' };
  }
  if (parsed.type !== 'template' && rules.customerServiceWindow && !windowOpen) {
    return { ok: false, code: 131047, details: reEngagementError().details };
  }
  if (parsed.media?.id) {
    const item = core.media.find(parsed.media.id);
    if (!item)
      return {
        ok: false,
        code: 131053,
        details: `Media id ${parsed.media.id} was not found or has expired.`,
      };
    const expectedKind = parsed.media.kind === 'sticker' ? 'sticker' : parsed.media.kind;
    if (item.kind !== expectedKind) {
      return {
        ok: false,
        code: 131053,
        details: `Media ${item.id} is ${item.mimeType}, which cannot be sent as ${parsed.media.kind}.`,
      };
    }
    if (
      item.kind === 'sticker' &&
      !isAnimatedWebp(item.bytes) &&
      item.bytes.length > STATIC_STICKER_MAX_BYTES
    ) {
      return { ok: false, code: 131053, details: 'Static stickers must be at most 100 KB.' };
    }
  }
  if (parsed.type === 'template') {
    if (message.category === 'marketing') {
      if (rules.marketingOptOut && customer.marketingOptOut) {
        return {
          ok: false,
          code: 131050,
          details: 'The user stopped marketing messages from this business.',
        };
      }
      if (rules.usMarketingBlocked && isUsNumber(customer.waId)) {
        return {
          ok: false,
          code: 131049,
          details: 'Marketing templates are not delivered to US phone numbers.',
        };
      }
      if (!core.marketing.tryRecord(customer.key, now, rules.perUserMarketingLimit)) {
        return {
          ok: false,
          code: 131049,
          details: 'This message was not delivered to maintain healthy ecosystem engagement.',
        };
      }
    }
    if (rules.messagingLimit && !windowOpen) {
      const limit = MESSAGING_LIMIT_TIERS[rules.messagingLimitTier];
      if (!core.messagingLimit.tryReach(customer.key, now, limit)) {
        return {
          ok: false,
          code: rules.messagingLimitErrorCode,
          details: `Messaging limit ${rules.messagingLimitTier} reached: too many unique users in 24 hours.`,
        };
      }
    }
  }
  return { ok: true };
}

/** A reaction to an unknown message fails with 131009; a valid one is shown on the customer's phone. */
function applyReaction(
  core: SimCore,
  parsed: Extract<ParsedSend, { kind: 'send' }>,
  outcome: SendOutcome,
): void {
  if (!parsed.reactionTarget || !outcome.ok) return;
  const target = core.state.inbound.get(parsed.reactionTarget);
  if (!target) {
    Object.assign(outcome, {
      ok: false,
      code: 131009,
      details: 'The message you are reacting to does not exist or is too old.',
    });
    return;
  }
  target.businessReaction = (parsed.body.reaction as { emoji: string }).emoji || undefined;
}
