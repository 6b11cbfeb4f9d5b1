import type {
  AudienceCondition,
  BroadcastAudience,
  BroadcastDto,
  CreateBroadcastRequest,
  TemplateDto,
} from '@parley/contracts';
import type { TemplateValues } from '../inbox/composer/template-model';

export type BroadcastVariable = BroadcastDto['variables'][string];

/** A template variable as the form holds it: a contact field (with a fallback) or a fixed text. */
export type VariableChoice =
  | { kind: 'field'; field: string; fallback: string }
  | { kind: 'fixed'; value: string };

/** One segment condition as the form holds it (may be incomplete while it is edited). */
export type ConditionDraft = { uid: string } & (
  | { type: 'label'; labelIds: string[]; match: 'any' | 'all' }
  | {
      type: 'attribute';
      key: string;
      op: 'equals' | 'not_equals' | 'contains' | 'exists' | 'not_exists';
      value: string;
    }
  | { type: 'consent'; state: 'granted' | 'requested' | 'withdrawn' | 'none' }
  | { type: 'lastContact'; op: 'within_days' | 'before_days' | 'never'; days: number | '' }
  | { type: 'conversation'; op: 'any' | 'none' | 'open' | 'resolved' }
);
export type ConditionType = ConditionDraft['type'];

export type BroadcastForm = {
  channelId: string | null;
  templateId: string | null;
  /** Contacts carrying any of these labels. */
  labelIds: string[];
  /** Contacts meeting every complete condition. */
  conditions: ConditionDraft[];
  excludeLabelIds: string[];
  /** Contacts of uploaded CSV lists. */
  listContactIds: string[];
  variables: Record<string, VariableChoice>;
  schedule: 'now' | 'later';
  /** `datetime-local` value (`2026-12-07T10:30`), in the browser's time zone. */
  scheduledLocal: string;
};

export const emptyForm: BroadcastForm = {
  channelId: null,
  templateId: null,
  labelIds: [],
  conditions: [],
  excludeLabelIds: [],
  listContactIds: [],
  variables: {},
  schedule: 'now',
  scheduledLocal: '',
};

let uidCounter = 0;

/** A new condition of the type with sensible defaults. */
export function newCondition(type: ConditionType): ConditionDraft {
  uidCounter += 1;
  const uid = `c${uidCounter}`;
  switch (type) {
    case 'label':
      return { uid, type, labelIds: [], match: 'any' };
    case 'attribute':
      return { uid, type, key: '', op: 'equals', value: '' };
    case 'consent':
      return { uid, type, state: 'granted' };
    case 'lastContact':
      return { uid, type, op: 'within_days', days: 30 };
    case 'conversation':
      return { uid, type, op: 'any' };
  }
}

const ATTRIBUTE_KEY = /^[A-Za-z0-9_]{1,64}$/;

/** Whether an attribute operator compares with a value. */
export const needsValue = (op: string) => op === 'equals' || op === 'not_equals' || op === 'contains';
/** Whether a last-contact operator takes a number of days. */
export const needsDays = (op: string) => op === 'within_days' || op === 'before_days';

/** The condition for the API, or null while it is incomplete (it is then left out). Pure. */
export function conditionOf(d: ConditionDraft): AudienceCondition | null {
  switch (d.type) {
    case 'label':
      return d.labelIds.length > 0 ? { type: 'label', labelIds: d.labelIds, match: d.match } : null;
    case 'attribute': {
      const key = d.key.trim();
      if (!ATTRIBUTE_KEY.test(key)) return null;
      if (!needsValue(d.op)) return { type: 'attribute', key, op: d.op };
      return d.value.trim() ? { type: 'attribute', key, op: d.op, value: d.value.trim() } : null;
    }
    case 'consent':
      return { type: 'consent', state: d.state };
    case 'lastContact': {
      if (!needsDays(d.op)) return { type: 'lastContact', op: d.op };
      const days = typeof d.days === 'number' ? Math.trunc(d.days) : Number.NaN;
      return days >= 1 && days <= 3650 ? { type: 'lastContact', op: d.op, days } : null;
    }
    case 'conversation':
      return { type: 'conversation', op: d.op };
  }
}

/** Whether the condition is still incomplete (shown as a hint; it does not count yet). */
export const isIncomplete = (d: ConditionDraft) => conditionOf(d) === null;

/** The audience of the form: labels, the segment, the uploaded lists, minus the excluded labels. Pure. */
export function audienceOf(form: BroadcastForm): BroadcastAudience {
  const audience: BroadcastAudience = {};
  const contactIds = [...new Set(form.listContactIds)];
  if (contactIds.length > 0) audience.contactIds = contactIds;
  if (form.labelIds.length > 0) audience.labelIds = [...form.labelIds];
  const conditions = form.conditions.map(conditionOf).filter((c): c is AudienceCondition => c !== null);
  if (conditions.length > 0) audience.segment = { conditions: conditions.slice(0, 20) };
  if (form.excludeLabelIds.length > 0) audience.exclude = { labelIds: [...form.excludeLabelIds] };
  return audience;
}

/** Whether the audience names nobody yet (no list, no label, no complete condition). */
export function isAudienceEmpty(audience: BroadcastAudience): boolean {
  return !audience.contactIds?.length && !audience.labelIds?.length && !audience.segment;
}

/**
 * The placeholders a template needs, as the API keys them: a text header's as `header.1` (or
 * `header.<name>`), then the body's `1`, `2`… (or names) in order.
 */
export function placeholdersOf(t: TemplateDto): string[] {
  const body =
    t.parameterFormat === 'NAMED'
      ? [...t.bodyParameters]
      : [...t.bodyParameters].sort((a, b) => Number(a) - Number(b));
  return [...t.headerParameters.map((k) => `header.${k}`), ...body];
}

/** Whether a broadcast cannot send this template: a media header, or buttons that take a value. */
export function unsupportedTemplate(t: TemplateDto): boolean {
  if (t.headerFormat && ['IMAGE', 'VIDEO', 'DOCUMENT'].includes(t.headerFormat)) return true;
  return t.buttonParameters.length > 0;
}

/** The default choice for a placeholder: the contact's name for the first body value, else a fixed text. */
export function defaultChoice(key: string, bodyIndex: number): VariableChoice {
  return bodyIndex === 0 && !key.startsWith('header.')
    ? { kind: 'field', field: 'contact.name', fallback: '' }
    : { kind: 'fixed', value: '' };
}

/** The choice the form shows for each placeholder (the default until one was made). */
export function choicesOf(form: BroadcastForm, t: TemplateDto): [string, VariableChoice][] {
  let bodyIndex = 0;
  return placeholdersOf(t).map((key) => {
    const index = key.startsWith('header.') ? -1 : bodyIndex++;
    return [key, form.variables[key] ?? defaultChoice(key, index)];
  });
}

const FIELD = /^contact\.(name|phone|email|attributes\.[A-Za-z0-9_]+)$/;

/** One variable for the API, or null while it has no value. Pure. */
export function variableOf(choice: VariableChoice | undefined): BroadcastVariable | null {
  if (!choice) return null;
  if (choice.kind === 'fixed') {
    const value = choice.value.trim();
    return value ? value.slice(0, 1024) : null;
  }
  if (!FIELD.test(choice.field)) return null;
  const fallback = choice.fallback.trim();
  return fallback ? { field: choice.field, fallback: fallback.slice(0, 1024) } : { field: choice.field };
}

/** The variables of the template's placeholders that have a value. Pure. */
export function variablesOf(form: BroadcastForm, t: TemplateDto): Record<string, BroadcastVariable> {
  const out: Record<string, BroadcastVariable> = {};
  for (const [key, choice] of choicesOf(form, t)) {
    const v = variableOf(choice);
    if (v !== null) out[key] = v;
  }
  return out;
}

/** Placeholders still without a value. */
export function missingVariables(form: BroadcastForm, t: TemplateDto): string[] {
  const given = variablesOf(form, t);
  return placeholdersOf(t).filter((k) => given[k] === undefined);
}

const pad = (n: number) => String(Math.trunc(Math.abs(n))).padStart(2, '0');

/**
 * A `datetime-local` value read in the browser's time zone, as ISO 8601 with that zone's offset
 * (`2026-12-07T10:30:00+01:00`), or null when it is not a valid date and time.
 */
export function localToIso(local: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(date.getTime()) || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  if (date.getHours() !== h || date.getMinutes() !== mi) return null; // a time skipped by a DST change
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(offset / 60)}:${pad(offset % 60)}`
  );
}

/** A Date as a `datetime-local` value in the browser's time zone. */
export function toLocalInput(date: Date): string {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

export type ScheduleProblem = 'required' | 'invalid' | 'past';

/** What is wrong with the chosen time, or null (sending now has no time). */
export function scheduleProblem(form: BroadcastForm, now = Date.now()): ScheduleProblem | null {
  if (form.schedule === 'now') return null;
  if (!form.scheduledLocal) return 'required';
  const iso = localToIso(form.scheduledLocal);
  if (!iso) return 'invalid';
  return new Date(iso).getTime() <= now ? 'past' : null;
}

/** The `POST /broadcasts` body. */
export function requestOf(form: BroadcastForm, t: TemplateDto): CreateBroadcastRequest {
  const request: CreateBroadcastRequest = {
    channelId: form.channelId ?? t.channelId,
    templateName: t.name,
    language: t.language,
    audience: audienceOf(form),
  };
  const variables = variablesOf(form, t);
  if (Object.keys(variables).length > 0) request.variables = variables;
  if (form.schedule === 'later') {
    const iso = localToIso(form.scheduledLocal);
    if (iso) request.scheduledAt = iso;
  }
  return request;
}

/** A sample's variable values as the template preview takes them (null values stay placeholders). Pure. */
export function sampleValues(values: Record<string, string | null>): TemplateValues {
  const out: TemplateValues = { body: {}, header: {}, buttons: {} };
  for (const [key, value] of Object.entries(values)) {
    if (value === null) continue;
    if (key.startsWith('header.')) out.header[key.slice('header.'.length)] = value;
    else out.body[key] = value;
  }
  return out;
}

/** States in which a broadcast still changes (the detail page polls). */
export function isLive(state: BroadcastDto['state']): boolean {
  return state === 'scheduled' || state === 'running' || state === 'paused';
}

/** Recipients done (any outcome) of all, and the share in percent (0–100, rounded down). Pure. */
export function progressOf(counts: BroadcastDto['counts']): { done: number; total: number; percent: number } {
  const done = Math.max(0, counts.total - counts.queued - counts.sending);
  const percent = counts.total > 0 ? Math.min(100, Math.floor((done / counts.total) * 100)) : 0;
  return { done, total: counts.total, percent };
}

/** A duration split into hours, minutes and seconds (rounded up to whole seconds). Pure. */
export function durationOf(totalSeconds: number): { hours: number; minutes: number; seconds: number } {
  const s = Math.max(0, Math.ceil(totalSeconds));
  return { hours: Math.floor(s / 3600), minutes: Math.floor((s % 3600) / 60), seconds: s % 60 };
}
