import type { CreateTemplateRequest, TemplateDto } from '@parley/contracts';

/** The categories Meta accepts for a new template. */
export const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type Category = (typeof CATEGORIES)[number];

export const HEADER_TYPES = ['NONE', 'TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT'] as const;
export type HeaderType = (typeof HEADER_TYPES)[number];

export const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE'] as const;
export type ButtonType = (typeof BUTTON_TYPES)[number];

/** Common languages first; every code is one Meta supports (docs/whatsapp-cloud-api.md §7.2). */
export const LANGUAGES = [
  'de',
  'de_AT',
  'de_CH',
  'en',
  'en_US',
  'en_GB',
  'fr',
  'it',
  'es',
  'es_ES',
  'es_MX',
  'pt_BR',
  'pt_PT',
  'nl',
  'pl',
  'tr',
  'ar',
  'ru',
  'uk',
  'sv',
  'da',
  'nb',
  'fi',
  'cs',
  'el',
  'hu',
  'ro',
  'hr',
  'id',
  'hi',
  'ja',
  'ko',
  'zh_CN',
  'zh_HK',
  'zh_TW',
] as const;

/** Meta's limits, shown beside the fields and checked before submitting. */
export const LIMITS = {
  name: 512,
  headerText: 60,
  body: 1024,
  footer: 60,
  buttonText: 25,
  buttons: 10,
  urlButtons: 2,
  phoneButtons: 1,
} as const;

export type FormButton = {
  /** A stable key for React lists (not sent). */
  key: string;
  type: ButtonType;
  text: string;
  url: string;
  /** URL button: the sample for `{{1}}`; copy code: the sample code. */
  example: string;
  phoneNumber: string;
};

/** What the create form edits; `toCreateRequest` turns it into the server's draft. */
export type TemplateForm = {
  name: string;
  category: Category;
  language: string | null;
  headerType: HeaderType;
  headerText: string;
  headerExample: string;
  headerMediaHandle: string;
  bodyText: string;
  /** Samples by variable position: `bodyExamples[0]` is the sample for `{{1}}`. */
  bodyExamples: string[];
  footer: string;
  buttons: FormButton[];
};

export function emptyForm(): TemplateForm {
  return {
    name: '',
    category: 'UTILITY',
    language: null,
    headerType: 'NONE',
    headerText: '',
    headerExample: '',
    headerMediaHandle: '',
    bodyText: '',
    bodyExamples: [],
    footer: '',
    buttons: [],
  };
}

let keySeq = 0;
export function newButton(type: ButtonType): FormButton {
  keySeq += 1;
  return { key: `b${keySeq}`, type, text: '', url: '', example: '', phoneNumber: '' };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** Variables of a text in order of first use: "Hi {{1}}, {{2}} {{1}}" → ["1", "2"]. Pure. */
export function variablesOf(text: string | undefined): string[] {
  if (!text) return [];
  const seen: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (!seen.includes(name)) seen.push(name);
  }
  return seen;
}

/** The next free positional variable of a text ("Hi {{1}}" → "{{2}}"). Pure. */
export function nextVariable(text: string): string {
  const numbers = variablesOf(text)
    .map(Number)
    .filter((n) => Number.isInteger(n));
  return `{{${numbers.length === 0 ? 1 : Math.max(...numbers) + 1}}}`;
}

/** Suggests a valid name from anything typed: "Order Shipped!" → "order_shipped". Pure. */
export function suggestName(input: string): string {
  return input
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, LIMITS.name);
}

const hasUrlVariable = (url: string) => /\{\{\s*1\s*\}\}/.test(url);

/**
 * The server's create request (`createTemplateRequest`) for the form: empty optional parts are left
 * out, one sample per body variable, samples only where a variable needs them. Pure.
 */
export function toCreateRequest(form: TemplateForm): CreateTemplateRequest {
  const request: CreateTemplateRequest = {
    name: form.name.trim(),
    category: form.category,
    language: form.language ?? '',
    body: {
      text: form.bodyText,
      examples: variablesOf(form.bodyText).map((_, i) => (form.bodyExamples[i] ?? '').trim()),
    },
  };
  if (form.headerType === 'TEXT') {
    const example = form.headerExample.trim();
    request.header = {
      format: 'TEXT',
      text: form.headerText,
      ...(variablesOf(form.headerText).length > 0 && example ? { example } : {}),
    };
  } else if (form.headerType !== 'NONE') {
    const mediaHandle = form.headerMediaHandle.trim();
    request.header = { format: form.headerType, ...(mediaHandle ? { mediaHandle } : {}) };
  }
  if (form.footer.trim()) request.footer = form.footer;
  if (form.buttons.length > 0) {
    request.buttons = form.buttons.map((b) => {
      if (b.type === 'URL') {
        const example = b.example.trim();
        return {
          type: 'URL' as const,
          text: b.text,
          url: b.url.trim(),
          ...(hasUrlVariable(b.url) && example ? { example } : {}),
        };
      }
      if (b.type === 'PHONE_NUMBER')
        return {
          type: 'PHONE_NUMBER' as const,
          text: b.text,
          phoneNumber: b.phoneNumber.replace(/[\s()-]/g, ''),
        };
      if (b.type === 'COPY_CODE') {
        const example = b.example.trim();
        return { type: 'COPY_CODE' as const, ...(example ? { example } : {}) };
      }
      return { type: 'QUICK_REPLY' as const, text: b.text };
    });
  }
  return request;
}

type Component = {
  type?: string;
  format?: string;
  text?: string;
  example?: { header_text?: unknown; header_handle?: unknown; body_text?: unknown };
  buttons?: { type?: string; text?: string; url?: string; phone_number?: string; example?: unknown }[];
};

const firstString = (value: unknown): string => {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : '';
};

/**
 * The form prefilled with a template's content for "copy into another language": same name,
 * category and components with their samples; the language is cleared. Pure.
 */
export function formFromTemplate(t: TemplateDto): TemplateForm {
  const components = t.components as Component[];
  const find = (type: string) => components.find((c) => String(c.type ?? '').toUpperCase() === type);
  const form = emptyForm();
  form.name = t.name;
  form.category = (CATEGORIES as readonly string[]).includes(t.category.toUpperCase())
    ? (t.category.toUpperCase() as Category)
    : 'UTILITY';
  const header = find('HEADER');
  if (header) {
    const format = String(header.format ?? 'TEXT').toUpperCase();
    if (format === 'TEXT') {
      form.headerType = 'TEXT';
      form.headerText = header.text ?? '';
      form.headerExample = firstString(header.example?.header_text);
    } else if (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT') {
      form.headerType = format;
      form.headerMediaHandle = firstString(header.example?.header_handle);
    }
  }
  const body = find('BODY');
  form.bodyText = body?.text ?? '';
  const rows = body?.example?.body_text;
  form.bodyExamples =
    Array.isArray(rows) && Array.isArray(rows[0])
      ? rows[0].map((v: unknown) => (typeof v === 'string' ? v : ''))
      : [];
  form.footer = find('FOOTER')?.text ?? '';
  form.buttons = (find('BUTTONS')?.buttons ?? []).flatMap((b) => {
    const type = String(b.type ?? '').toUpperCase();
    if (!(BUTTON_TYPES as readonly string[]).includes(type)) return [];
    const button = newButton(type as ButtonType);
    button.text = b.text ?? '';
    button.url = b.url ?? '';
    button.phoneNumber = b.phone_number ?? '';
    button.example = firstString(b.example);
    // Meta may keep a URL button's sample as the whole address: keep only the part for {{1}}.
    const prefix = button.url.split(/\{\{\s*1\s*\}\}/)[0] ?? '';
    if (type === 'URL' && prefix && button.example.startsWith(prefix))
      button.example = button.example.slice(prefix.length);
    return [button];
  });
  return form;
}

/**
 * A template object for the inbox's `TemplatePreview` built from the form (Meta's component JSON),
 * with the samples as the values the customer would see. Pure.
 */
export function previewOf(form: TemplateForm): {
  template: TemplateDto;
  values: { body: Record<string, string>; header: Record<string, string>; buttons: Record<string, string> };
} {
  const components: Record<string, unknown>[] = [];
  if (form.headerType === 'TEXT' && form.headerText) {
    components.push({ type: 'HEADER', format: 'TEXT', text: form.headerText });
  } else if (form.headerType !== 'NONE' && form.headerType !== 'TEXT') {
    components.push({ type: 'HEADER', format: form.headerType });
  }
  components.push({ type: 'BODY', text: form.bodyText });
  if (form.footer) components.push({ type: 'FOOTER', text: form.footer });
  if (form.buttons.length > 0)
    components.push({
      type: 'BUTTONS',
      buttons: form.buttons.map((b) => ({ type: b.type, text: b.text, url: b.url })),
    });
  const body: Record<string, string> = {};
  variablesOf(form.bodyText).forEach((name, i) => {
    const value = form.bodyExamples[i];
    if (value) body[name] = value;
  });
  const header: Record<string, string> = {};
  const headerVar = variablesOf(form.headerText)[0];
  if (headerVar && form.headerExample) header[headerVar] = form.headerExample;
  const buttons: Record<string, string> = {};
  form.buttons.forEach((b, i) => {
    if (b.type === 'URL' && b.example) buttons[String(i)] = b.example;
  });
  return {
    template: {
      id: '00000000-0000-0000-0000-000000000000',
      channelId: '00000000-0000-0000-0000-000000000000',
      name: form.name,
      language: form.language ?? '',
      category: form.category,
      status: 'PENDING',
      statusReason: null,
      qualityScore: null,
      parameterFormat: 'POSITIONAL',
      components,
      bodyParameters: variablesOf(form.bodyText),
      headerParameters: variablesOf(form.headerText),
      headerFormat: form.headerType === 'NONE' ? null : form.headerType,
      buttonParameters: [],
      syncedAt: new Date(0).toISOString(),
    },
    values: { body, header, buttons },
  };
}
