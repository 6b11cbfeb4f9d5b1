import type { TemplateComponent } from '@parley/whatsapp';
import type { SimClock } from './clock.js';
import { GraphError } from './errors.js';
import { newNumericId } from './ids.js';

export type SimTemplate = {
  id: string;
  name: string;
  language: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  status: string;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: TemplateComponent[];
  createdAt: number;
  reason?: string;
  rejectionInfo?: { reason: string; recommendation: string };
  /** Meta's quality rating (GREEN / YELLOW / RED / UNKNOWN); set by /_sim/templates/:id/quality. */
  qualityScore?: string;
  /** Sends answer `held_for_quality_assessment` (template pacing). */
  paced: boolean;
};

export const SUPPORTED_LANGUAGES = new Set(
  (
    'af sq ar ar_EG ar_AE ar_LB ar_MA ar_QA az be_BY bn bn_IN bg ca zh_CN zh_HK zh_TW hr cs da prs_AF nl nl_BE en ' +
    'en_GB en_US en_AE en_AU en_CA en_GH en_IE en_IN en_JM en_MY en_NZ en_QA en_SG en_UG en_ZA et fil fi fr fr_BE ' +
    'fr_CA fr_CH fr_CI fr_MA ka de de_AT de_CH el gu ha he hi hu id ga it ja kn kk rw_RW ko ky_KG lo lv lt mk ms ml ' +
    'mr nb ps_AF fa pl pt_BR pt_PT pa ro ru sr si_LK sk sl es es_AR es_CL es_CO es_CR es_DO es_EC es_HN es_MX es_PA ' +
    'es_PE es_ES es_UY sw sv ta te th tr uk ur uz vi zu'
  ).split(' '),
);

const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
const NAME_PATTERN = /^[a-z0-9_]{1,512}$/;
const VARIABLE = /\{\{\s*([a-z0-9_]+)\s*\}\}/g;
export const MAX_TEMPLATES_PER_WABA = 250;

/** Variable names in a template text (`1`, `2` or `first_name`), in order of appearance. */
export function variablesOf(text: string | undefined): string[] {
  if (!text) return [];
  return [...text.matchAll(VARIABLE)].map((match) => match[1]!);
}

function invalid(details: string, subcode?: number, title?: string): GraphError {
  return new GraphError({
    code: 100,
    message: title ? `(#100) ${title}` : '(#100) Invalid parameter',
    details,
    subcode,
  });
}

/** Checks a create body like Meta does; returns the normalised template (status PENDING). */
export function validateTemplateCreate(body: unknown, now: number): SimTemplate {
  if (typeof body !== 'object' || body === null) throw invalid('The request body must be a JSON object.');
  const input = body as Record<string, unknown>;
  const name = input.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw invalid('Template name may only contain lowercase letters, digits and underscores (at most 512).');
  }
  const language = input.language;
  if (typeof language !== 'string' || !SUPPORTED_LANGUAGES.has(language)) {
    throw invalid(`Language ${String(language)} is not supported.`);
  }
  const category = input.category;
  if (typeof category !== 'string' || !(CATEGORIES as readonly string[]).includes(category.toUpperCase())) {
    throw invalid('Param category must be one of {MARKETING, UTILITY, AUTHENTICATION}.');
  }
  const format = String(input.parameter_format ?? 'positional').toUpperCase();
  if (format !== 'POSITIONAL' && format !== 'NAMED') {
    throw invalid('Param parameter_format must be one of {POSITIONAL, NAMED}.');
  }
  if (!Array.isArray(input.components)) throw invalid('The parameter components is required.');
  const components = input.components as TemplateComponent[];
  validateTemplateComponents(components, format);
  return {
    id: newNumericId(),
    name,
    language,
    category: category.toUpperCase() as SimTemplate['category'],
    status: 'PENDING',
    parameterFormat: format,
    components,
    createdAt: now,
    paced: false,
  };
}

function byType(components: TemplateComponent[], type: string): TemplateComponent[] {
  return components.filter((component) => component.type.toUpperCase() === type);
}

/** Checks a full component list (create or edit); throws 100 with details. */
export function validateTemplateComponents(components: unknown[], format: 'POSITIONAL' | 'NAMED'): void {
  for (const component of components) {
    if (
      typeof component !== 'object' ||
      component === null ||
      typeof (component as TemplateComponent).type !== 'string'
    ) {
      throw invalid('Every component needs a type.');
    }
  }
  checkComponents(components as TemplateComponent[], format);
}

function checkComponents(components: TemplateComponent[], format: 'POSITIONAL' | 'NAMED'): void {
  const bodies = byType(components, 'BODY');
  if (bodies.length !== 1 || typeof bodies[0]!.text !== 'string' || bodies[0]!.text.length === 0) {
    throw invalid('A template needs exactly one BODY component with text.');
  }
  const body = bodies[0]!;
  if (body.text!.length > 1024) throw invalid('BODY text must be at most 1024 characters.');
  const bodyText = body.text!.trim();
  if (/^\{\{[^}]+\}\}/.test(bodyText) || /\{\{[^}]+\}\}$/.test(bodyText)) {
    throw invalid(
      'Variables can not be at the start or end of the template.',
      2388299,
      "Variables can't be at the start or end of the template.",
    );
  }
  const variables = variablesOf(body.text);
  checkVariableNames(variables, format);
  checkExamples(body, variables, format);
  const headers = byType(components, 'HEADER');
  if (headers.length > 1) throw invalid('A template has at most one HEADER.');
  const header = headers[0];
  if (header) {
    const headerFormat = String(header.format ?? '').toUpperCase();
    if (!['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'GIF', 'LOCATION'].includes(headerFormat)) {
      throw invalid('HEADER format must be one of TEXT, IMAGE, VIDEO, DOCUMENT, GIF, LOCATION.');
    }
    if (headerFormat === 'TEXT') {
      if (!header.text || header.text.length > 60)
        throw invalid('HEADER text is required and at most 60 characters.');
      if (variablesOf(header.text).length > 1) throw invalid('HEADER text may have at most one variable.');
    }
  }
  const footer = byType(components, 'FOOTER')[0];
  if (footer && (!footer.text || footer.text.length > 60 || variablesOf(footer.text).length > 0)) {
    throw invalid('FOOTER text is required, at most 60 characters and without variables.');
  }
  const buttons = byType(components, 'BUTTONS')[0]?.buttons ?? [];
  if (buttons.length > 10) throw invalid('A template has at most 10 buttons.');
  if (buttons.filter((button) => button.type.toUpperCase() === 'URL').length > 2) {
    throw invalid('A template has at most 2 URL buttons.');
  }
  if (buttons.filter((button) => button.type.toUpperCase() === 'PHONE_NUMBER').length > 1) {
    throw invalid('A template has at most 1 phone number button.');
  }
  for (const button of buttons) {
    if (!button.text || button.text.length > 25)
      throw invalid('Button text is required and at most 25 characters.');
  }
}

function checkVariableNames(variables: string[], format: 'POSITIONAL' | 'NAMED'): void {
  if (format === 'POSITIONAL') {
    const numbers = [...new Set(variables)].map(Number);
    if (numbers.some((value) => !Number.isInteger(value))) {
      throw invalid('Positional templates use {{1}}, {{2}}, … as variables.');
    }
    const sorted = [...numbers].sort((a, b) => a - b);
    if (sorted.some((value, index) => value !== index + 1)) {
      throw invalid('Variables must be numbered {{1}}, {{2}}, … without gaps.');
    }
  } else if (variables.some((variable) => !/^[a-z][a-z0-9_]*$/.test(variable))) {
    throw invalid('Named variables use lowercase letters, digits and underscores.');
  }
}

function checkExamples(body: TemplateComponent, variables: string[], format: 'POSITIONAL' | 'NAMED'): void {
  if (variables.length === 0) return;
  const example = (body.example ?? {}) as Record<string, unknown>;
  if (format === 'POSITIONAL') {
    const rows = example.body_text;
    const first = Array.isArray(rows) ? rows[0] : undefined;
    if (!Array.isArray(first) || first.length !== new Set(variables).size) {
      throw invalid('The BODY needs example.body_text with one value per variable.');
    }
    return;
  }
  const named = example.body_text_named_params;
  const names = Array.isArray(named)
    ? named.map((item) => (item as { param_name?: unknown }).param_name)
    : [];
  if (!variables.every((variable) => names.includes(variable))) {
    throw invalid('The BODY needs example.body_text_named_params with every named variable.');
  }
}

/** The review outcome for the built-in format rule: adjacent variables are rejected (INVALID_FORMAT). */
export function formatRejection(template: SimTemplate): SimTemplate['rejectionInfo'] | undefined {
  const body = byType(template.components, 'BODY')[0]?.text ?? '';
  if (/\}\}\s*\{\{/.test(body)) {
    return {
      reason: 'Two variables are placed next to each other without text between them.',
      recommendation: 'Put words or punctuation between variables.',
    };
  }
  return undefined;
}

/** Templates of one WABA. */
export class TemplateStore {
  readonly templates = new Map<string, SimTemplate>();

  constructor(private readonly clock: SimClock) {}

  add(template: SimTemplate): SimTemplate {
    const duplicate = this.find(template.name, template.language);
    if (duplicate) {
      throw new GraphError({
        code: 100,
        subcode: 2388024,
        message: '(#100) Invalid parameter',
        details: `Content in this language already exists: ${template.name} (${template.language}).`,
      });
    }
    if (this.templates.size >= MAX_TEMPLATES_PER_WABA) {
      throw new GraphError({
        code: 2388019,
        details: `A WABA can hold at most ${MAX_TEMPLATES_PER_WABA} templates.`,
      });
    }
    this.templates.set(template.id, template);
    return template;
  }

  find(name: string, language: string): SimTemplate | undefined {
    for (const template of this.templates.values()) {
      if (template.name === name && template.language === language) return template;
    }
    return undefined;
  }

  hasName(name: string): boolean {
    for (const template of this.templates.values()) if (template.name === name) return true;
    return false;
  }

  list(): SimTemplate[] {
    return [...this.templates.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /** Seeds the examples' `order_shipped`, Meta's `hello_world` and `order_ready` (text header), all APPROVED. */
  seed(): void {
    const now = this.clock.now();
    this.add({
      id: newNumericId(),
      name: 'hello_world',
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      parameterFormat: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
        {
          type: 'BODY',
          text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.',
        },
        { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
      ],
      createdAt: now,
      paced: false,
    });
    this.add({
      id: newNumericId(),
      name: 'order_shipped',
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      parameterFormat: 'POSITIONAL',
      components: [
        {
          type: 'HEADER',
          format: 'IMAGE',
          example: { header_handle: ['https://scontent.example.invalid/h.png'] },
        },
        {
          type: 'BODY',
          text: 'Hi {{1}}, your order {{2}} has shipped.',
          example: { body_text: [['Ana', 'A-1042']] },
        },
        { type: 'FOOTER', text: 'Acme Store' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Track order' },
            {
              type: 'URL',
              text: 'Order details',
              url: 'https://shop.example.com/orders/{{1}}',
              example: ['A-1042'],
            },
          ],
        },
      ],
      createdAt: now + 1,
      paced: false,
    });
    // Text header and body variables, no media: sendable from the inbox's template composer.
    this.add({
      id: newNumericId(),
      name: 'order_ready',
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      parameterFormat: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['A-1042'] } },
        {
          type: 'BODY',
          text: 'Hello {{1}}, your order {{2}} is ready for pickup at {{3}}.',
          example: { body_text: [['Ana', 'A-1042', 'Main Street 5']] },
        },
        { type: 'FOOTER', text: 'Acme Store' },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Thanks!' }] },
      ],
      createdAt: now + 2,
      paced: false,
    });
  }
}

/** The list representation Meta returns. */
export function presentTemplate(template: SimTemplate): Record<string, unknown> {
  const view: Record<string, unknown> = {
    name: template.name,
    parameter_format: template.parameterFormat,
    components: template.components,
    language: template.language,
    status: template.status,
    category: template.category,
    id: template.id,
  };
  if (template.status === 'REJECTED' && template.reason) view.rejected_reason = template.reason;
  return view;
}
