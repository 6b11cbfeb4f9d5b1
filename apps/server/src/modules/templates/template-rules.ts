import { placeholdersOf } from './placeholders.js';

/** One broken Meta rule: where it is and a machine-readable rule code the form can switch on. */
export type TemplateRuleIssue = { path: string; rule: TemplateRule; message: string };

export type TemplateRule =
  | 'name_format'
  | 'category_invalid'
  | 'language_invalid'
  | 'header_text_too_long'
  | 'header_too_many_variables'
  | 'header_media_sample_missing'
  | 'body_missing'
  | 'body_too_long'
  | 'variables_not_sequential'
  | 'variable_sample_missing'
  | 'variable_at_edge'
  | 'footer_too_long'
  | 'footer_has_variables'
  | 'too_many_buttons'
  | 'too_many_url_buttons'
  | 'too_many_phone_buttons'
  | 'quick_replies_not_grouped'
  | 'button_text_missing'
  | 'url_variable_not_at_end'
  | 'url_sample_missing'
  | 'phone_number_invalid';

export type TemplateButtonDraft =
  | { type: 'QUICK_REPLY'; text: string }
  | { type: 'URL'; text: string; url: string; example?: string }
  | { type: 'PHONE_NUMBER'; text: string; phoneNumber: string }
  | { type: 'COPY_CODE'; example?: string };

/** What an admin submits; the shape the form edits, translated to Meta's components on submit. */
export type TemplateDraft = {
  name: string;
  category: string;
  language: string;
  header?:
    | { format: 'TEXT'; text: string; example?: string }
    | { format: 'IMAGE' | 'VIDEO' | 'DOCUMENT'; mediaHandle?: string };
  body: { text: string; examples: string[] };
  footer?: string;
  buttons?: TemplateButtonDraft[];
};

const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const NAME = /^[a-z0-9_]{1,512}$/;
const PHONE = /^\+?[0-9]{6,20}$/;

/**
 * Checks a draft against Meta's template rules (docs/whatsapp-cloud-api.md §7.2, §7.4) and returns
 * every broken rule at once, so a form can mark all fields. Pure: never touches the database.
 */
export function checkTemplateDraft(draft: TemplateDraft): TemplateRuleIssue[] {
  const issues: TemplateRuleIssue[] = [];
  const add = (path: string, rule: TemplateRule, message: string) => issues.push({ path, rule, message });

  if (!NAME.test(draft.name))
    add('name', 'name_format', 'Use lowercase letters, digits and _ (at most 512).');
  if (!CATEGORIES.includes(draft.category))
    add('category', 'category_invalid', 'Choose MARKETING, UTILITY or AUTHENTICATION.');
  if (!LANGUAGE.test(draft.language))
    add('language', 'language_invalid', 'Use a language code such as en or en_US.');

  const header = draft.header;
  if (header?.format === 'TEXT') {
    if (header.text.length === 0 || header.text.length > 60)
      add('header.text', 'header_text_too_long', 'A text header has 1 to 60 characters.');
    const vars = placeholdersOf(header.text);
    if (vars.length > 1)
      add('header.text', 'header_too_many_variables', 'A text header has at most one variable.');
    else if (vars.length === 1) {
      if (vars[0] !== '1') add('header.text', 'variables_not_sequential', 'The header variable is {{1}}.');
      if (!header.example?.trim())
        add('header.example', 'variable_sample_missing', 'Give a sample for the header variable.');
    }
  } else if (header && !header.mediaHandle?.trim()) {
    add('header.mediaHandle', 'header_media_sample_missing', 'A media header needs a sample file.');
  }

  const body = draft.body.text;
  if (body.trim().length === 0) add('body.text', 'body_missing', 'The body is required.');
  if (body.length > 1024) add('body.text', 'body_too_long', 'The body has at most 1024 characters.');
  const vars = placeholdersOf(body);
  if (vars.some((v, i) => v !== String(i + 1))) {
    add('body.text', 'variables_not_sequential', 'Number variables {{1}}, {{2}}, … in order.');
  }
  vars.forEach((_, i) => {
    if (!draft.body.examples[i]?.trim())
      add(`body.examples.${i}`, 'variable_sample_missing', `Give a sample for {{${i + 1}}}.`);
  });
  const trimmed = body.trim();
  if (vars.length > 0 && (/^\{\{[^}]+\}\}/.test(trimmed) || /\{\{[^}]+\}\}[.!?]?$/.test(trimmed))) {
    add('body.text', 'variable_at_edge', 'The body may not start or end with a variable.');
  }

  if (draft.footer !== undefined) {
    if (draft.footer.length > 60) add('footer', 'footer_too_long', 'The footer has at most 60 characters.');
    if (placeholdersOf(draft.footer).length > 0)
      add('footer', 'footer_has_variables', 'The footer cannot contain variables.');
  }

  const buttons = draft.buttons ?? [];
  if (buttons.length > 10) add('buttons', 'too_many_buttons', 'At most 10 buttons.');
  if (buttons.filter((b) => b.type === 'URL').length > 2)
    add('buttons', 'too_many_url_buttons', 'At most 2 URL buttons.');
  if (buttons.filter((b) => b.type === 'PHONE_NUMBER').length > 1)
    add('buttons', 'too_many_phone_buttons', 'At most 1 phone button.');
  const quick = buttons.map((b) => b.type === 'QUICK_REPLY');
  const firstQuick = quick.indexOf(true);
  const lastQuick = quick.lastIndexOf(true);
  if (firstQuick >= 0 && quick.slice(firstQuick, lastQuick + 1).includes(false)) {
    add('buttons', 'quick_replies_not_grouped', 'Keep quick reply buttons together.');
  }
  buttons.forEach((b, i) => {
    const at = `buttons.${i}`;
    if (b.type !== 'COPY_CODE' && (b.text.trim().length === 0 || b.text.length > 25)) {
      add(`${at}.text`, 'button_text_missing', 'A button label has 1 to 25 characters.');
    }
    if (b.type === 'URL') {
      const urlVars = placeholdersOf(b.url);
      if (urlVars.length > 1 || (urlVars.length === 1 && !/\{\{1\}\}$/.test(b.url))) {
        add(`${at}.url`, 'url_variable_not_at_end', 'A URL has at most one variable {{1}}, at its end.');
      } else if (urlVars.length === 1 && !b.example?.trim()) {
        add(`${at}.example`, 'url_sample_missing', 'Give a sample for the URL variable.');
      }
    }
    if (b.type === 'PHONE_NUMBER' && !PHONE.test(b.phoneNumber)) {
      add(`${at}.phoneNumber`, 'phone_number_invalid', 'Use a phone number in international format.');
    }
  });
  return issues;
}
