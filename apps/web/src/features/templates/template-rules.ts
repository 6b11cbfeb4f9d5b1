import type { CreateTemplateRequest } from '@parley/contracts';
import { isApiError } from '../../lib/api';
import { LIMITS, variablesOf } from './template-form';

/**
 * The rule codes the server answers in `template_rules_broken` (apps/server/src/modules/templates/
 * template-rules.ts). Each has a text under `rules.<code>` in this feature's namespace.
 */
export const RULES = [
  'name_format',
  'category_invalid',
  'language_invalid',
  'header_text_too_long',
  'header_too_many_variables',
  'header_media_sample_missing',
  'body_missing',
  'body_too_long',
  'variables_not_sequential',
  'variable_sample_missing',
  'variable_at_edge',
  'footer_too_long',
  'footer_has_variables',
  'too_many_buttons',
  'too_many_url_buttons',
  'too_many_phone_buttons',
  'quick_replies_not_grouped',
  'button_text_missing',
  'url_variable_not_at_end',
  'url_sample_missing',
  'phone_number_invalid',
] as const;
export type Rule = (typeof RULES)[number];

/** A broken rule at a field path of the request (`name`, `body.examples.0`, `buttons.1.url` …). */
export type RuleIssue = { path: string; rule: Rule | string };

const NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const PHONE = /^\+?[0-9]{6,20}$/;
const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];

/**
 * The server's checks of Meta's rules, mirrored so the form can mark fields before submitting; the
 * server checks again and stays the source of truth. Same paths and rule codes. Pure.
 */
export function checkRequest(draft: CreateTemplateRequest): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const add = (path: string, rule: Rule) => issues.push({ path, rule });

  if (!NAME.test(draft.name)) add('name', 'name_format');
  if (!CATEGORIES.includes(draft.category)) add('category', 'category_invalid');
  if (!LANGUAGE.test(draft.language)) add('language', 'language_invalid');

  const header = draft.header;
  if (header?.format === 'TEXT') {
    if (header.text.length === 0 || header.text.length > LIMITS.headerText)
      add('header.text', 'header_text_too_long');
    const vars = variablesOf(header.text);
    if (vars.length > 1) add('header.text', 'header_too_many_variables');
    else if (vars.length === 1) {
      if (vars[0] !== '1') add('header.text', 'variables_not_sequential');
      if (!header.example?.trim()) add('header.example', 'variable_sample_missing');
    }
  } else if (header && !header.mediaHandle?.trim()) {
    add('header.mediaHandle', 'header_media_sample_missing');
  }

  const body = draft.body.text;
  if (body.trim().length === 0) add('body.text', 'body_missing');
  if (body.length > LIMITS.body) add('body.text', 'body_too_long');
  const vars = variablesOf(body);
  if (vars.some((v, i) => v !== String(i + 1))) add('body.text', 'variables_not_sequential');
  vars.forEach((_, i) => {
    if (!draft.body.examples[i]?.trim()) add(`body.examples.${i}`, 'variable_sample_missing');
  });
  const trimmed = body.trim();
  if (vars.length > 0 && (/^\{\{[^}]+\}\}/.test(trimmed) || /\{\{[^}]+\}\}[.!?]?$/.test(trimmed)))
    add('body.text', 'variable_at_edge');

  if (draft.footer !== undefined) {
    if (draft.footer.length > LIMITS.footer) add('footer', 'footer_too_long');
    if (variablesOf(draft.footer).length > 0) add('footer', 'footer_has_variables');
  }

  const buttons = draft.buttons ?? [];
  if (buttons.length > LIMITS.buttons) add('buttons', 'too_many_buttons');
  if (buttons.filter((b) => b.type === 'URL').length > LIMITS.urlButtons)
    add('buttons', 'too_many_url_buttons');
  if (buttons.filter((b) => b.type === 'PHONE_NUMBER').length > LIMITS.phoneButtons)
    add('buttons', 'too_many_phone_buttons');
  const quick = buttons.map((b) => b.type === 'QUICK_REPLY');
  const first = quick.indexOf(true);
  const last = quick.lastIndexOf(true);
  if (first >= 0 && quick.slice(first, last + 1).includes(false)) add('buttons', 'quick_replies_not_grouped');
  buttons.forEach((b, i) => {
    const at = `buttons.${i}`;
    if (b.type !== 'COPY_CODE' && (b.text.trim().length === 0 || b.text.length > LIMITS.buttonText))
      add(`${at}.text`, 'button_text_missing');
    if (b.type === 'URL') {
      const urlVars = variablesOf(b.url);
      if (urlVars.length > 1 || (urlVars.length === 1 && !/\{\{1\}\}$/.test(b.url)))
        add(`${at}.url`, 'url_variable_not_at_end');
      else if (urlVars.length === 1 && !b.example?.trim()) add(`${at}.example`, 'url_sample_missing');
    }
    if (b.type === 'PHONE_NUMBER' && !PHONE.test(b.phoneNumber))
      add(`${at}.phoneNumber`, 'phone_number_invalid');
  });
  return issues;
}

/**
 * The broken rules of a `template_rules_broken` answer, with the request's `body.` prefix removed
 * (`body.body.text` → `body.text`); a `template_exists` answer marks the name. Empty for other errors. Pure.
 */
export function issuesFromError(error: unknown): RuleIssue[] {
  if (isApiError(error, 'template_exists')) return [{ path: 'name', rule: 'template_exists' }];
  if (!isApiError(error, 'template_rules_broken')) return [];
  const details = error.details as { issues?: unknown } | undefined;
  if (!details || !Array.isArray(details.issues)) return [];
  return details.issues.flatMap((issue: unknown) => {
    if (!issue || typeof issue !== 'object') return [];
    const { path, rule } = issue as { path?: unknown; rule?: unknown };
    if (typeof path !== 'string' || typeof rule !== 'string') return [];
    return [{ path: path.replace(/^body\./, ''), rule }];
  });
}

/** The first issue per path: what each field shows. Pure. */
export function issuesByPath(issues: RuleIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) if (!(issue.path in out)) out[issue.path] = issue.rule;
  return out;
}
