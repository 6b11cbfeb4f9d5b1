import { SEND_LIMITS } from '@parley/whatsapp';
import { GraphError, invalidValue, requiredMissing } from '../errors.js';
import {
  checkLength,
  isObject,
  type Json,
  optionalString,
  requireString,
  validateLink,
} from './validate-send.js';

/** Validates `interactive` of type button, list or cta_url with Meta's counts and lengths. */
export function validateInteractive(interactive: Json): void {
  const type = requireString(interactive, 'type', 'interactive.type');
  if (!['button', 'list', 'cta_url'].includes(type)) {
    throw invalidValue(`interactive.type ${type.slice(0, 30)} is not supported (button, list, cta_url).`);
  }
  if (interactive.action === undefined) throw requiredMissing('interactive.action');
  if (!isObject(interactive.action))
    throw new GraphError({ code: 100, details: 'Param interactive.action must be an object.' });
  validateHeader(interactive, type);
  validateTextObject(interactive, 'footer', SEND_LIMITS.footerText, false);
  const bodyMax = type === 'list' ? SEND_LIMITS.listBody : SEND_LIMITS.interactiveBody;
  validateTextObject(interactive, 'body', bodyMax, type !== 'cta_url');
  if (type === 'button') validateButtons(interactive.action);
  if (type === 'list') validateList(interactive.action);
  if (type === 'cta_url') validateCtaUrl(interactive.action);
}

function validateTextObject(interactive: Json, key: 'body' | 'footer', max: number, required: boolean): void {
  const value = interactive[key];
  if (value === undefined) {
    if (required) throw requiredMissing(`interactive.${key}`);
    return;
  }
  if (!isObject(value))
    throw new GraphError({ code: 100, details: `Param interactive.${key} must be an object.` });
  const text = requireString(value, 'text', `interactive.${key}.text`);
  checkLength(text, `interactive['${key}']['text']`, max);
}

function validateHeader(interactive: Json, type: string): void {
  const header = interactive.header;
  if (header === undefined) return;
  if (!isObject(header))
    throw new GraphError({ code: 100, details: 'Param interactive.header must be an object.' });
  const headerType = requireString(header, 'type', 'interactive.header.type');
  if (headerType === 'text') {
    const text = requireString(header, 'text', 'interactive.header.text');
    checkLength(text, "interactive['header']['text']", SEND_LIMITS.headerText);
    return;
  }
  if (type === 'list') throw invalidValue('List messages only support a text header.');
  if (!['image', 'video', 'document'].includes(headerType)) {
    throw invalidValue(`interactive.header.type ${headerType.slice(0, 30)} is not supported.`);
  }
  const media = header[headerType];
  if (!isObject(media)) throw requiredMissing(`interactive.header.${headerType}`);
  const id = optionalString(media, 'id', `interactive.header.${headerType}.id`);
  const link = optionalString(media, 'link', `interactive.header.${headerType}.link`);
  if (!id && !link) throw requiredMissing(`interactive.header.${headerType}.link`);
  if (link) validateLink(link, `interactive.header.${headerType}.link`);
}

function validateButtons(action: Json): void {
  const buttons = action.buttons;
  if (buttons === undefined) throw requiredMissing('interactive.action.buttons');
  if (!Array.isArray(buttons))
    throw new GraphError({ code: 100, details: 'Param interactive.action.buttons must be an array.' });
  if (buttons.length < SEND_LIMITS.replyButtonsMin || buttons.length > SEND_LIMITS.replyButtonsMax) {
    throw invalidValue(
      `Reply buttons: between ${SEND_LIMITS.replyButtonsMin} and ${SEND_LIMITS.replyButtonsMax} are allowed.`,
    );
  }
  const titles = new Set<string>();
  const ids = new Set<string>();
  buttons.forEach((button, index) => {
    const path = `interactive.action.buttons[${index}]`;
    if (!isObject(button)) throw requiredMissing(path);
    if (button.type !== 'reply') throw invalidValue(`${path}.type must be reply.`);
    if (!isObject(button.reply)) throw requiredMissing(`${path}.reply`);
    const id = requireString(button.reply, 'id', `${path}.reply.id`);
    const title = requireString(button.reply, 'title', `${path}.reply.title`);
    if (id.length === 0 || title.trim().length === 0)
      throw invalidValue(`${path}: id and title must not be empty.`);
    checkLength(id, `${path}.reply.id`, SEND_LIMITS.replyButtonId);
    checkLength(title, `${path}.reply.title`, SEND_LIMITS.replyButtonTitle);
    if (titles.has(title) || ids.has(id)) throw invalidValue('Button titles and ids must be unique.');
    titles.add(title);
    ids.add(id);
  });
}

function validateList(action: Json): void {
  const button = requireString(action, 'button', 'interactive.action.button');
  if (button.trim().length === 0) throw invalidValue('interactive.action.button must not be empty.');
  checkLength(button, 'interactive.action.button', SEND_LIMITS.listButtonLabel);
  const sections = action.sections;
  if (sections === undefined) throw requiredMissing('interactive.action.sections');
  if (!Array.isArray(sections))
    throw new GraphError({ code: 100, details: 'Param interactive.action.sections must be an array.' });
  if (sections.length < 1 || sections.length > SEND_LIMITS.listSectionsMax) {
    throw invalidValue(`A list has between 1 and ${SEND_LIMITS.listSectionsMax} sections.`);
  }
  let rowCount = 0;
  const ids = new Set<string>();
  sections.forEach((section, sectionIndex) => {
    const path = `interactive.action.sections[${sectionIndex}]`;
    if (!isObject(section)) throw requiredMissing(path);
    const title = optionalString(section, 'title', `${path}.title`, SEND_LIMITS.listSectionTitle);
    if (sections.length > 1 && !title) throw requiredMissing(`${path}.title`);
    if (!Array.isArray(section.rows) || section.rows.length === 0) throw requiredMissing(`${path}.rows`);
    section.rows.forEach((row, rowIndex) => {
      const rowPath = `${path}.rows[${rowIndex}]`;
      if (!isObject(row)) throw requiredMissing(rowPath);
      const id = requireString(row, 'id', `${rowPath}.id`);
      const rowTitle = requireString(row, 'title', `${rowPath}.title`);
      checkLength(id, `${rowPath}.id`, SEND_LIMITS.listRowId);
      checkLength(rowTitle, `${rowPath}.title`, SEND_LIMITS.listRowTitle);
      optionalString(row, 'description', `${rowPath}.description`, SEND_LIMITS.listRowDescription);
      if (ids.has(id)) throw invalidValue('List row ids must be unique.');
      ids.add(id);
      rowCount += 1;
    });
  });
  if (rowCount > SEND_LIMITS.listRowsMax)
    throw invalidValue(`A list has at most ${SEND_LIMITS.listRowsMax} rows in total.`);
}

function validateCtaUrl(action: Json): void {
  if (action.name !== 'cta_url') throw invalidValue('interactive.action.name must be cta_url.');
  if (!isObject(action.parameters)) throw requiredMissing('interactive.action.parameters');
  const text = requireString(action.parameters, 'display_text', 'interactive.action.parameters.display_text');
  checkLength(text, 'interactive.action.parameters.display_text', SEND_LIMITS.ctaDisplayText);
  const url = requireString(action.parameters, 'url', 'interactive.action.parameters.url');
  validateLink(url, 'interactive.action.parameters.url');
}
