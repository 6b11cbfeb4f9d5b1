import type { TemplateDto } from '@parley/contracts';

/** Meta's component JSON, as far as the composer reads it. */
type Component = {
  type?: string;
  format?: string;
  text?: string;
  buttons?: { type?: string; text?: string; url?: string; phone_number?: string }[];
  example?: {
    header_text?: string[];
    header_text_named_params?: { param_name?: string; example?: string }[];
    body_text?: string[][];
    body_text_named_params?: { param_name?: string; example?: string }[];
  };
};

export type TemplateButton = { type: string; text: string; url: string | null };
export type TemplateParts = {
  /** `format` TEXT (with `text`), or a media format (IMAGE, VIDEO, DOCUMENT, LOCATION). */
  header: { format: string; text: string | null } | null;
  body: string;
  footer: string | null;
  buttons: TemplateButton[];
};

/**
 * Values typed by the agent, by placeholder: body keys are "1", "2"… or names; the header's under
 * `header`; button values by the button's index ("1").
 */
export type TemplateValues = {
  body: Record<string, string>;
  header: Record<string, string>;
  buttons: Record<string, string>;
};

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function componentsOf(t: TemplateDto): Component[] {
  return t.components as Component[];
}

function componentOf(t: TemplateDto, type: string): Component | undefined {
  return componentsOf(t).find((c) => String(c.type ?? '').toUpperCase() === type);
}

/** Header, body, footer and buttons of a template as the customer will see them (unfilled). */
export function partsOf(t: TemplateDto): TemplateParts {
  const header = componentOf(t, 'HEADER');
  const buttons = componentOf(t, 'BUTTONS')?.buttons ?? [];
  return {
    header: header
      ? { format: String(header.format ?? 'TEXT').toUpperCase(), text: header.text ?? null }
      : null,
    body: componentOf(t, 'BODY')?.text ?? '',
    footer: componentOf(t, 'FOOTER')?.text ?? null,
    buttons: buttons.map((b) => ({
      type: String(b.type ?? '').toUpperCase(),
      text: b.text ?? '',
      url: b.url ?? null,
    })),
  };
}

/** The media format of the header (IMAGE, VIDEO, DOCUMENT, LOCATION), or null for none or a text header. */
export function mediaHeaderOf(t: TemplateDto): string | null {
  const header = partsOf(t).header;
  return header && header.format !== 'TEXT' ? header.format : null;
}

export type HeaderMediaKind = 'image' | 'video' | 'document';

/** The kind of file the header needs (IMAGE → image, VIDEO and GIF → video, DOCUMENT → document), or null. */
export function headerMediaKindOf(t: TemplateDto): HeaderMediaKind | null {
  if (t.headerFormat === 'IMAGE') return 'image';
  if (t.headerFormat === 'VIDEO') return 'video';
  if (t.headerFormat === 'DOCUMENT') return 'document';
  return null;
}

/**
 * Why a template cannot be sent from the composer yet, or null: a location header, or a header of a
 * kind Parley does not know. Image, video and document headers are sent with an uploaded file.
 */
export function unsupportedReason(t: TemplateDto): 'mediaHeader' | null {
  const format = mediaHeaderOf(t);
  if (!format) return null;
  return headerMediaKindOf(t) ? null : 'mediaHeader';
}

/** The part of a URL button's address before its `{{1}}` (shown before the value), or null. */
export function urlPrefixOf(t: TemplateDto, index: number): string | null {
  const url = partsOf(t).buttons[index]?.url;
  if (!url) return null;
  return url.split(/\{\{\s*1\s*\}\}/)[0] ?? null;
}

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'value'; key: string; text: string }
  | { kind: 'missing'; key: string };

/** Splits a template text into static text, filled values and placeholders still to fill. Pure. */
export function segmentsOf(text: string, values: Record<string, string>): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const index = m.index ?? 0;
    if (index > last) out.push({ kind: 'text', text: text.slice(last, index) });
    const key = m[1] ?? '';
    const value = values[key]?.trim();
    out.push(value ? { kind: 'value', key, text: value } : { kind: 'missing', key });
    last = index + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** The text with values filled in (unfilled placeholders stay), like the server renders it. Pure. */
export function renderText(text: string, values: Record<string, string>): string {
  return segmentsOf(text, values)
    .map((s) => (s.kind === 'missing' ? `{{${s.key}}}` : s.text))
    .join('');
}

/** Example values Meta keeps with the template (shown as input placeholders), by placeholder. */
export function examplesOf(t: TemplateDto): TemplateValues {
  const body: Record<string, string> = {};
  const header: Record<string, string> = {};
  const buttons: Record<string, string> = {};
  for (const b of t.buttonParameters) if (b.example) buttons[String(b.index)] = b.example;
  const bodyExample = componentOf(t, 'BODY')?.example;
  const headerExample = componentOf(t, 'HEADER')?.example;
  for (const p of bodyExample?.body_text_named_params ?? [])
    if (p.param_name && p.example) body[p.param_name] = p.example;
  for (const [i, value] of (bodyExample?.body_text?.[0] ?? []).entries()) body[String(i + 1)] = value;
  for (const p of headerExample?.header_text_named_params ?? [])
    if (p.param_name && p.example) header[p.param_name] = p.example;
  for (const [i, value] of (headerExample?.header_text ?? []).entries()) header[String(i + 1)] = value;
  return { body, header, buttons };
}

export const MAX_BODY_VALUE = 1024;
export const MAX_HEADER_VALUE = 60;
/** The end of a URL button's link. */
export const MAX_URL_VALUE = 2000;
/** What a copy-code button copies (Meta's limit). */
export const MAX_COUPON_CODE = 15;

export type ValueProblem = 'required' | 'tooLong' | 'whitespace' | 'urlSpace';

/** What is wrong with one value (WhatsApp refuses new lines, tabs and more than 4 spaces in a row). Pure. */
export function valueProblem(value: string, max: number): ValueProblem | null {
  const trimmed = value.trim();
  if (!trimmed) return 'required';
  if (trimmed.length > max) return 'tooLong';
  if (/[\n\t]/.test(trimmed) || / {5,}/.test(trimmed)) return 'whitespace';
  return null;
}

/** What is wrong with a button value (a URL's end takes no whitespace at all). Pure. */
export function buttonValueProblem(value: string, type: 'url' | 'copy_code'): ValueProblem | null {
  const trimmed = value.trim();
  if (!trimmed) return 'required';
  if (trimmed.length > (type === 'url' ? MAX_URL_VALUE : MAX_COUPON_CODE)) return 'tooLong';
  if (type === 'url' && /\s/.test(trimmed)) return 'urlSpace';
  if (/[\n\t]/.test(trimmed) || / {5,}/.test(trimmed)) return 'whitespace';
  return null;
}

/** The header file, as far as sending is concerned. */
export type HeaderFileState = 'none' | 'uploading' | 'failed' | 'ready';
export type HeaderFileProblem = 'required' | 'uploading' | 'failed';

/** Field id of a value: `body.1`, `body.first_name`, `header.1`, `button.1`; `headerMedia` for the file. */
export type FieldId = `${'body' | 'header' | 'button'}.${string}` | 'headerMedia';

/** Why the header file keeps the template from being sent, or null. Pure. */
export function headerFileProblem(t: TemplateDto, file: HeaderFileState): HeaderFileProblem | null {
  if (!headerMediaKindOf(t) || file === 'ready') return null;
  return file === 'none' ? 'required' : file;
}

/** Every problem of the values (not the header file: `headerFileProblem`), by field. Empty when they can be sent. */
export function problemsOf(t: TemplateDto, values: TemplateValues): Map<FieldId, ValueProblem> {
  const out = new Map<FieldId, ValueProblem>();
  for (const key of t.headerParameters) {
    const p = valueProblem(values.header[key] ?? '', MAX_HEADER_VALUE);
    if (p) out.set(`header.${key}`, p);
  }
  for (const key of t.bodyParameters) {
    const p = valueProblem(values.body[key] ?? '', MAX_BODY_VALUE);
    if (p) out.set(`body.${key}`, p);
  }
  for (const b of t.buttonParameters) {
    const p = buttonValueProblem(values.buttons[String(b.index)] ?? '', b.type);
    if (p) out.set(`button.${b.index}`, p);
  }
  return out;
}

const isPositional = (t: TemplateDto) => t.parameterFormat !== 'NAMED';

/** Positional keys in the order {{1}}, {{2}}… (the order the API expects). */
function orderedKeys(t: TemplateDto, keys: string[]): string[] {
  return isPositional(t) ? [...keys].sort((a, b) => Number(a) - Number(b)) : keys;
}

export type TemplateRequest = {
  templateId: string;
  body?: string[] | Record<string, string>;
  header?: [string];
  headerMediaId?: string;
  buttons?: Record<string, string>;
};

/** The `template` object of `POST …/messages`; `headerMediaId` is the uploaded header file. */
export function templateRequestOf(
  t: TemplateDto,
  values: TemplateValues,
  headerMediaId: string | null = null,
): TemplateRequest {
  const request: TemplateRequest = { templateId: t.id };
  if (t.bodyParameters.length > 0) {
    const keys = orderedKeys(t, t.bodyParameters);
    request.body = isPositional(t)
      ? keys.map((k) => (values.body[k] ?? '').trim())
      : Object.fromEntries(keys.map((k) => [k, (values.body[k] ?? '').trim()]));
  }
  const headerKey = t.headerParameters[0];
  if (headerKey !== undefined) request.header = [(values.header[headerKey] ?? '').trim()];
  if (headerMediaId && headerMediaKindOf(t)) request.headerMediaId = headerMediaId;
  if (t.buttonParameters.length > 0) {
    request.buttons = Object.fromEntries(
      t.buttonParameters.map((b) => [String(b.index), (values.buttons[String(b.index)] ?? '').trim()]),
    );
  }
  return request;
}

/** The body as the customer will read it (the text of the sent message). */
export function renderedBodyOf(t: TemplateDto, values: TemplateValues): string {
  return renderText(partsOf(t).body, values.body);
}

/**
 * Where a server issue belongs (its path without `body.`): a field, the template itself, or the form.
 * `template.body.0` → `body.1` (positional index), `template.body.first_name` → `body.first_name`,
 * `template.buttons.1` → `button.1`, `template.headerMediaId` → `headerMedia`.
 */
export function fieldOfIssue(t: TemplateDto, path: string): FieldId | 'template' | 'form' {
  if (path.startsWith('template.headerMediaId')) return headerMediaKindOf(t) ? 'headerMedia' : 'form';
  const button = /^template\.buttons(?:\.(\d+))?/.exec(path);
  if (button) {
    const index = button[1] ?? String(t.buttonParameters[0]?.index ?? '');
    return t.buttonParameters.some((b) => String(b.index) === index) ? `button.${index}` : 'form';
  }
  const m = /^template\.(body|header)(?:\.([A-Za-z0-9_]+))?/.exec(path);
  if (!m) return path.startsWith('template.templateId') ? 'template' : 'form';
  const part = m[1] as 'body' | 'header';
  const params = part === 'body' ? t.bodyParameters : t.headerParameters;
  const raw = m[2];
  if (raw === undefined) {
    const first = orderedKeys(t, params)[0];
    return first === undefined ? 'form' : `${part}.${first}`;
  }
  if (isPositional(t) && /^\d+$/.test(raw)) {
    const key = orderedKeys(t, params)[Number(raw)];
    return key === undefined ? 'form' : `${part}.${key}`;
  }
  return params.includes(raw) ? `${part}.${raw}` : 'form';
}

/** Text search over name, language, category and body (case-insensitive, every word must match). */
export function matchesSearch(t: TemplateDto, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack =
    `${t.name} ${t.name.replace(/_/g, ' ')} ${t.language} ${t.category} ${partsOf(t).body}`.toLowerCase();
  return words.every((w) => haystack.includes(w));
}

/** A sync older than this is offered again prominently. */
export const STALE_AFTER_MS = 24 * 3600_000;

export function isStale(templates: TemplateDto[], now = Date.now()): boolean {
  if (templates.length === 0) return true;
  const newest = Math.max(...templates.map((t) => new Date(t.syncedAt).getTime()));
  return !Number.isFinite(newest) || now - newest > STALE_AFTER_MS;
}
