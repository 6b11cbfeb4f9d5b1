import { GraphError, requiredMissing } from '../errors.js';
import { type SimTemplate, type TemplateStore, variablesOf } from '../template-store.js';
import { isObject, type Json, validateLink } from './validate-send.js';

export type RenderedTemplate = {
  header?: { format: string; text?: string; media?: Json };
  body: string;
  footer?: string;
  buttons: { type: string; text: string; payload?: string; url?: string }[];
};

const MEDIA_FORMATS: Record<string, string> = {
  IMAGE: 'image',
  VIDEO: 'video',
  DOCUMENT: 'document',
  GIF: 'video',
  LOCATION: 'location',
};

function componentOf(template: SimTemplate, type: string) {
  return template.components.find((component) => component.type.toUpperCase() === type);
}

function paramsOf(components: Json[], type: string): Json[] | undefined {
  const component = components.find((item) => String(item.type).toLowerCase() === type);
  return component ? ((component.parameters as Json[] | undefined) ?? []) : undefined;
}

/** Text of one parameter as the user sees it (fallbacks for currency / date_time). */
function textOf(parameter: Json, path: string): string {
  const type = parameter.type;
  if (type === 'text') {
    if (typeof parameter.text !== 'string' || parameter.text.length === 0) {
      throw new GraphError({ code: 131008, details: `The parameter ${path}.text is required.` });
    }
    if (/[\n\t]/.test(parameter.text) || / {5,}/.test(parameter.text)) {
      throw new GraphError({
        code: 132018,
        details: `${path}.text cannot have new-line/tab characters or more than 4 consecutive spaces.`,
      });
    }
    return parameter.text;
  }
  if (type === 'currency' && isObject(parameter.currency))
    return String(parameter.currency.fallback_value ?? '');
  if (type === 'date_time' && isObject(parameter.date_time))
    return String(parameter.date_time.fallback_value ?? '');
  throw new GraphError({
    code: 132012,
    details: `${path} has type ${String(type)}, expected text, currency or date_time.`,
  });
}

/** Fills `{{1}}` / `{{name}}` with the given parameters; count or name mismatch → 132000. */
function fill(text: string, params: Json[], template: SimTemplate, path: string): string {
  const variables = [...new Set(variablesOf(text))];
  if (params.length !== variables.length) {
    throw new GraphError({
      code: 132000,
      details: `${path}: number of localizable_params (${params.length}) does not match the expected number of params (${variables.length}).`,
    });
  }
  const values = new Map<string, string>();
  params.forEach((parameter, index) => {
    const value = textOf(parameter, `${path}[${index}]`);
    if (template.parameterFormat === 'NAMED') {
      const name = parameter.parameter_name;
      if (typeof name !== 'string' || !variables.includes(name)) {
        throw new GraphError({
          code: 132000,
          details: `${path}[${index}].parameter_name does not match a template variable.`,
        });
      }
      values.set(name, value);
    } else {
      values.set(String(index + 1), value);
    }
  });
  return text.replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/g, (_match, name: string) => values.get(name) ?? '');
}

/**
 * Checks a template send against the WABA's templates (exists in that language, APPROVED, parameter
 * counts and formats) and returns it with the text the customer sees.
 */
export function checkTemplateSend(
  store: TemplateStore,
  template: Json,
): { template: SimTemplate; rendered: RenderedTemplate } {
  const name = template.name as string;
  const language = (template.language as Json).code as string;
  const found = store.find(name, language);
  if (!found) {
    const details = store.hasName(name)
      ? `template name (${name}) does not exist in ${language}`
      : `template name (${name}) does not exist`;
    throw new GraphError({ code: 132001, details });
  }
  if (found.status === 'PAUSED')
    throw new GraphError({ code: 132015, details: `Template ${name} is paused.` });
  if (found.status === 'DISABLED')
    throw new GraphError({ code: 132016, details: `Template ${name} is disabled.` });
  if (found.status !== 'APPROVED') {
    throw new GraphError({
      code: 132001,
      details: `template ${name} (${language}) is ${found.status}, not APPROVED`,
    });
  }
  const components = ((template.components as Json[] | undefined) ?? []).filter(isObject);
  const rendered: RenderedTemplate = { body: '', buttons: [] };
  const header = componentOf(found, 'HEADER');
  const headerParams = paramsOf(components, 'header');
  if (header) {
    const format = String(header.format ?? 'TEXT').toUpperCase();
    if (format === 'TEXT') {
      rendered.header = {
        format,
        text: fill(header.text ?? '', headerParams ?? [], found, 'header.parameters'),
      };
    } else {
      const expected = MEDIA_FORMATS[format]!;
      const parameter = headerParams?.[0];
      if (!parameter)
        throw new GraphError({ code: 132012, details: `The template header needs a ${expected} parameter.` });
      if (parameter.type !== expected || !isObject(parameter[expected])) {
        throw new GraphError({
          code: 132012,
          details: `Header parameter has type ${String(parameter.type)}, expected ${expected}.`,
        });
      }
      if (expected !== 'location') checkHeaderMedia(expected, parameter[expected] as Json);
      rendered.header = { format, media: parameter[expected] as Json };
    }
  } else if (headerParams && headerParams.length > 0) {
    throw new GraphError({
      code: 132000,
      details: 'The template has no header, but header parameters were sent.',
    });
  }
  const body = componentOf(found, 'BODY');
  rendered.body = fill(body?.text ?? '', paramsOf(components, 'body') ?? [], found, 'body.parameters');
  if (rendered.body.length > 1024)
    throw new GraphError({ code: 132005, details: 'The filled-in body is longer than 1024 characters.' });
  rendered.footer = componentOf(found, 'FOOTER')?.text;
  rendered.buttons = renderButtons(found, components);
  return { template: found, rendered };
}

/** A media header parameter needs `id` or `link` (not both); only a document takes a `filename`. */
function checkHeaderMedia(kind: string, media: Json): void {
  const path = `header.parameters[0].${kind}`;
  for (const key of ['id', 'link', 'filename']) {
    if (media[key] !== undefined && typeof media[key] !== 'string')
      throw new GraphError({ code: 100, details: `Param ${path}.${key} must be a string.` });
  }
  if (media.id && media.link)
    throw new GraphError({ code: 100, details: `Param ${path} must have either id or link, not both.` });
  if (!media.id && !media.link) throw requiredMissing(`${path}.id`);
  if (typeof media.link === 'string') validateLink(media.link, `${path}.link`);
  if (media.filename !== undefined && kind !== 'document')
    throw new GraphError({ code: 100, details: `Param filename is not supported for ${kind}.` });
}

const SUB_TYPES: Record<string, string> = {
  quick_reply: 'QUICK_REPLY',
  url: 'URL',
  copy_code: 'COPY_CODE',
  flow: 'FLOW',
};

function renderButtons(template: SimTemplate, components: Json[]): RenderedTemplate['buttons'] {
  const defined = componentOf(template, 'BUTTONS')?.buttons ?? [];
  const buttons: RenderedTemplate['buttons'] = defined.map((button) => ({
    type: button.type.toUpperCase(),
    text: button.text ?? '',
    url: button.url,
  }));
  const answered = new Set<number>();
  for (const component of components.filter((item) => String(item.type).toLowerCase() === 'button')) {
    const index = Number(component.index);
    const target = defined[index];
    if (!Number.isInteger(index) || !target) {
      throw new GraphError({
        code: 132000,
        details: `The template has no button at index ${String(component.index)}.`,
      });
    }
    const subType = String(component.sub_type).toLowerCase();
    if (SUB_TYPES[subType] !== target.type.toUpperCase()) {
      throw new GraphError({ code: 132012, details: `Button ${index} is ${target.type}, not ${subType}.` });
    }
    const parameter = ((component.parameters as Json[] | undefined) ?? [])[0];
    const view = buttons[index]!;
    if (subType === 'quick_reply' && parameter) {
      if (parameter.type !== 'payload' || typeof parameter.payload !== 'string') {
        throw new GraphError({ code: 132012, details: `Button ${index} needs a payload parameter.` });
      }
      view.payload = parameter.payload;
    }
    if (subType === 'url' && target.url?.includes('{{')) {
      if (!parameter || typeof parameter.text !== 'string') {
        throw new GraphError({ code: 132000, details: `URL button ${index} needs a text parameter.` });
      }
      view.url = target.url.replace(/\{\{\s*1\s*\}\}/, encodeURIComponent(parameter.text));
    }
    if (subType === 'copy_code') {
      if (!parameter)
        throw new GraphError({ code: 132000, details: `Copy code button ${index} needs a parameter.` });
      if (parameter.type !== 'coupon_code' || typeof parameter.coupon_code !== 'string') {
        throw new GraphError({ code: 132012, details: `Button ${index} needs a coupon_code parameter.` });
      }
    }
    answered.add(index);
  }
  // A URL button with a variable and a copy-code button always take their value at send time.
  defined.forEach((button, index) => {
    const type = button.type.toUpperCase();
    const needsValue = (type === 'URL' && button.url?.includes('{{')) || type === 'COPY_CODE';
    if (needsValue && !answered.has(index)) {
      throw new GraphError({
        code: 132000,
        details: `Button ${index} (${type}) needs a parameter: number of parameters does not match the expected number of params.`,
      });
    }
  });
  return buttons;
}
