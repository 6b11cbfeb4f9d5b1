import { SEND_LIMITS, SEND_MESSAGE_TYPES, type SendMessageType } from '@parley/whatsapp';
import { GraphError, invalidValue, missingParam, requiredMissing, tooLong } from '../errors.js';
import { validateInteractive } from './validate-interactive.js';

export type Json = Record<string, unknown>;

export type ParsedSend =
  | { kind: 'read'; messageId: string; typing: boolean }
  | {
      kind: 'send';
      type: SendMessageType;
      /** Digits of `to` (the wa_id), or undefined for a BSUID send. */
      waId?: string;
      /** BSUID of a `recipient` send. */
      recipient?: string;
      input: string;
      body: Json;
      media?: { kind: MediaSendType; id?: string; link?: string };
      reactionTarget?: string;
    };

export type MediaSendType = 'image' | 'video' | 'audio' | 'document' | 'sticker';
const MEDIA_TYPES = new Set<string>(['image', 'video', 'audio', 'document', 'sticker']);
const CAPTION_TYPES = new Set<string>(['image', 'video', 'document']);

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A required string inside a type object (131008 when missing, 100 when not a string). */
export function requireString(object: Json, key: string, path: string): string {
  const value = object[key];
  if (value === undefined || value === null) throw requiredMissing(path);
  if (typeof value !== 'string')
    throw new GraphError({ code: 100, details: `Param ${path} must be a string.` });
  return value;
}

export function optionalString(object: Json, key: string, path: string, max?: number): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new GraphError({ code: 100, details: `Param ${path} must be a string.` });
  if (max !== undefined && value.length > max) throw tooLong(path, max);
  return value;
}

export function checkLength(value: string, path: string, max: number): void {
  if (value.length > max) throw tooLong(path, max);
}

/** Normalises `to` like Meta: `+`, spaces, `-`, `(`, `)` are tolerated; the rest must be 5–15 digits. */
export function normalizePhone(to: string): string | undefined {
  const digits = to.replace(/[\s+\-()]/g, '');
  return /^\d{5,15}$/.test(digits) ? digits : undefined;
}

/**
 * Validates a `POST /{PNID}/messages` body like Meta: the first problem found is thrown as a
 * GraphError (100 for top-level params and over-long values, 131008 missing field, 131009 invalid
 * value, 131051 unknown type). Template existence and parameters are checked separately.
 */
export function parseSendBody(body: unknown): ParsedSend {
  if (!isObject(body))
    throw new GraphError({ code: 100, details: 'The request body must be a JSON object.' });
  if (body.messaging_product === undefined) throw missingParam('messaging_product');
  if (body.messaging_product !== 'whatsapp') {
    throw new GraphError({
      code: 100,
      message: `(#100) Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product).slice(0, 40)}".`,
      details: 'messaging_product must be whatsapp',
    });
  }
  if (body.status !== undefined) return parseMarkRead(body);
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    if (body.recipient_type === 'group')
      throw invalidValue('Group messages are not supported by the simulator.');
    throw new GraphError({ code: 100, details: 'Param recipient_type must be one of {INDIVIDUAL, GROUP}.' });
  }
  const { waId, recipient, input } = parseRecipient(body);
  if (body.type === undefined) throw missingParam('type');
  if (typeof body.type !== 'string' || !(SEND_MESSAGE_TYPES as readonly string[]).includes(body.type)) {
    throw new GraphError({
      code: 131051,
      details: `Unsupported message type: ${String(body.type).slice(0, 40)}`,
    });
  }
  const type = body.type as SendMessageType;
  const typeObject = body[type];
  if (typeObject === undefined) throw missingParam(type);
  if (type === 'contacts' ? !Array.isArray(typeObject) : !isObject(typeObject)) {
    throw new GraphError({ code: 100, details: `Param ${type} has the wrong type.` });
  }
  optionalString(
    body,
    'biz_opaque_callback_data',
    'biz_opaque_callback_data',
    SEND_LIMITS.bizOpaqueCallbackData,
  );
  if (body.context !== undefined) {
    if (!isObject(body.context))
      throw new GraphError({ code: 100, details: 'Param context must be an object.' });
    requireString(body.context, 'message_id', 'context.message_id');
  }
  const parsed: ParsedSend = { kind: 'send', type, waId, recipient, input, body };
  if (type === 'text') validateText(typeObject as Json);
  if (MEDIA_TYPES.has(type)) parsed.media = validateMedia(type as MediaSendType, typeObject as Json);
  if (type === 'location') validateLocation(typeObject as Json);
  if (type === 'contacts') validateContacts(typeObject as unknown[]);
  if (type === 'interactive') validateInteractive(typeObject as Json);
  if (type === 'template') validateTemplateShape(typeObject as Json);
  if (type === 'reaction') parsed.reactionTarget = validateReaction(typeObject as Json);
  return parsed;
}

function parseMarkRead(body: Json): ParsedSend {
  if (body.status !== 'read')
    throw new GraphError({ code: 100, details: 'Param status must be one of {READ}.' });
  if (body.message_id === undefined) throw missingParam('message_id');
  if (typeof body.message_id !== 'string')
    throw new GraphError({ code: 100, details: 'Param message_id must be a string.' });
  let typing = false;
  if (body.typing_indicator !== undefined) {
    if (!isObject(body.typing_indicator) || body.typing_indicator.type !== 'text') {
      throw new GraphError({ code: 100, details: 'Param typing_indicator.type must be one of {TEXT}.' });
    }
    typing = true;
  }
  return { kind: 'read', messageId: body.message_id, typing };
}

function parseRecipient(body: Json): { waId?: string; recipient?: string; input: string } {
  if (body.to !== undefined) {
    if (typeof body.to !== 'string')
      throw new GraphError({ code: 100, details: 'Param to must be a string.' });
    const waId = normalizePhone(body.to);
    if (!waId) throw new GraphError({ code: 100, details: 'Param to must be a valid phone number.' });
    return { waId, input: body.to };
  }
  if (body.recipient !== undefined) {
    if (typeof body.recipient !== 'string' || !/^[A-Z]{2}\.[A-Za-z0-9.]{1,140}$/.test(body.recipient)) {
      throw new GraphError({ code: 100, details: 'Param recipient must be a business-scoped user id.' });
    }
    return { recipient: body.recipient, input: body.recipient };
  }
  throw missingParam('to');
}

function validateText(text: Json): void {
  const body = requireString(text, 'body', 'text.body');
  if (body.trim().length === 0) throw invalidValue('text.body must not be empty.');
  checkLength(body, "text['body']", SEND_LIMITS.textBody);
  if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') {
    throw new GraphError({ code: 100, details: "Param text['preview_url'] must be a boolean." });
  }
}

export function validateLink(link: string, path: string): void {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw invalidValue(`${path} is not a valid URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalidValue(`${path} must be an http(s) URL.`);
}

function validateMedia(
  type: MediaSendType,
  media: Json,
): { kind: MediaSendType; id?: string; link?: string } {
  const id = optionalString(media, 'id', `${type}.id`);
  const link = optionalString(media, 'link', `${type}.link`);
  if (id && link)
    throw new GraphError({ code: 100, details: `Param ${type} must have either id or link, not both.` });
  if (!id && !link) throw requiredMissing(`${type}.id`);
  if (link) validateLink(link, `${type}.link`);
  if (media.caption !== undefined) {
    if (!CAPTION_TYPES.has(type))
      throw new GraphError({ code: 100, details: `Param caption is not supported for ${type}.` });
    optionalString(media, 'caption', `${type}['caption']`, SEND_LIMITS.mediaCaption);
  }
  if (media.filename !== undefined) {
    if (type !== 'document')
      throw new GraphError({ code: 100, details: `Param filename is not supported for ${type}.` });
    optionalString(media, 'filename', 'document.filename', 240);
  }
  return { kind: type, id, link };
}

function validateLocation(location: Json): void {
  for (const [key, limit] of [
    ['latitude', 90],
    ['longitude', 180],
  ] as const) {
    const value = location[key];
    if (value === undefined) throw requiredMissing(`location.${key}`);
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number) || Math.abs(number) > limit) {
      throw invalidValue(`location.${key} must be a number between -${limit} and ${limit}.`);
    }
  }
  optionalString(location, 'name', 'location.name', 1000);
  optionalString(location, 'address', 'location.address', 1000);
}

function validateContacts(contacts: unknown[]): void {
  if (contacts.length === 0) throw requiredMissing('contacts[0]');
  if (contacts.length > 257) throw invalidValue('At most 257 contacts can be shared in one message.');
  contacts.forEach((contact, index) => {
    if (!isObject(contact) || !isObject(contact.name)) throw requiredMissing(`contacts[${index}].name`);
    requireString(contact.name, 'formatted_name', `contacts[${index}].name.formatted_name`);
  });
}

const EMOJI = /^(\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Component}|\u200d|\ufe0f)+$/u;

function validateReaction(reaction: Json): string {
  const messageId = requireString(reaction, 'message_id', 'reaction.message_id');
  const emoji = reaction.emoji;
  if (emoji === undefined) throw requiredMissing('reaction.emoji');
  if (typeof emoji !== 'string')
    throw new GraphError({ code: 100, details: 'Param reaction.emoji must be a string.' });
  if (emoji !== '' && (emoji.length > 16 || !EMOJI.test(emoji))) {
    throw invalidValue('reaction.emoji must be a single emoji (or "" to remove the reaction).');
  }
  return messageId;
}

function validateTemplateShape(template: Json): void {
  requireString(template, 'name', 'template.name');
  if (!isObject(template.language)) throw requiredMissing('template.language');
  requireString(template.language, 'code', 'template.language.code');
  if (template.components === undefined) return;
  if (!Array.isArray(template.components))
    throw new GraphError({ code: 100, details: 'Param template.components must be an array.' });
  template.components.forEach((component, index) => {
    const path = `template.components[${index}]`;
    if (!isObject(component))
      throw new GraphError({ code: 100, details: `Param ${path} must be an object.` });
    const type = requireString(component, 'type', `${path}.type`);
    if (!['header', 'body', 'button', 'footer'].includes(type.toLowerCase())) {
      throw new GraphError({
        code: 100,
        details: `Param ${path}.type must be one of {HEADER, BODY, BUTTON}.`,
      });
    }
    if (component.parameters !== undefined && !Array.isArray(component.parameters)) {
      throw new GraphError({ code: 100, details: `Param ${path}.parameters must be an array.` });
    }
    for (const [paramIndex, parameter] of ((component.parameters as unknown[]) ?? []).entries()) {
      if (!isObject(parameter) || typeof parameter.type !== 'string') {
        throw requiredMissing(`${path}.parameters[${paramIndex}].type`);
      }
    }
    if (type.toLowerCase() === 'button') {
      requireString(component, 'sub_type', `${path}.sub_type`);
      if (component.index === undefined) throw requiredMissing(`${path}.index`);
    }
  });
}
