import { describe, expect, it } from 'vitest';
import { checkTemplateDraft, type TemplateDraft } from './template-rules.js';

const valid: TemplateDraft = {
  name: 'order_shipped',
  category: 'UTILITY',
  language: 'en_US',
  header: { format: 'TEXT', text: 'Order {{1}}', example: 'A-1' },
  body: { text: 'Hi {{1}}, your order {{2}} has shipped.', examples: ['Ana', 'A-1042'] },
  footer: 'Acme Store',
  buttons: [
    { type: 'QUICK_REPLY', text: 'Thanks' },
    { type: 'URL', text: 'Track', url: 'https://acme.test/track/{{1}}', example: 'A-1042' },
    { type: 'PHONE_NUMBER', text: 'Call us', phoneNumber: '+4930123456' },
  ],
};

const rulesOf = (draft: TemplateDraft) => checkTemplateDraft(draft).map((i) => i.rule);

describe('template rules', () => {
  it('accepts a template that follows every rule', () => {
    expect(checkTemplateDraft(valid)).toEqual([]);
  });

  it.each<[string, Partial<TemplateDraft>, string]>([
    ['uppercase name', { name: 'Order' }, 'name_format'],
    ['name over 512', { name: 'a'.repeat(513) }, 'name_format'],
    ['unknown category', { category: 'PROMO' }, 'category_invalid'],
    ['bad language', { language: 'english' }, 'language_invalid'],
    ['header over 60', { header: { format: 'TEXT', text: 'x'.repeat(61) } }, 'header_text_too_long'],
    [
      'two header variables',
      { header: { format: 'TEXT', text: '{{1}} {{2}}', example: 'a' } },
      'header_too_many_variables',
    ],
    [
      'header variable without sample',
      { header: { format: 'TEXT', text: 'Hi {{1}}' } },
      'variable_sample_missing',
    ],
    ['media header without handle', { header: { format: 'IMAGE' } }, 'header_media_sample_missing'],
    ['empty body', { body: { text: ' ', examples: [] } }, 'body_missing'],
    ['body over 1024', { body: { text: 'x'.repeat(1025), examples: [] } }, 'body_too_long'],
    [
      'skipped variable',
      { body: { text: 'Hi {{1}} and {{3}} ok', examples: ['a', 'b'] } },
      'variables_not_sequential',
    ],
    [
      'missing sample',
      { body: { text: 'Hi {{1}} and {{2}} ok', examples: ['a'] } },
      'variable_sample_missing',
    ],
    ['variable at the start', { body: { text: '{{1}} is here', examples: ['a'] } }, 'variable_at_edge'],
    ['variable at the end', { body: { text: 'Hello {{1}}', examples: ['a'] } }, 'variable_at_edge'],
    ['footer over 60', { footer: 'x'.repeat(61) }, 'footer_too_long'],
    ['footer variable', { footer: 'Bye {{1}}' }, 'footer_has_variables'],
    [
      '11 buttons',
      { buttons: Array.from({ length: 11 }, () => ({ type: 'QUICK_REPLY' as const, text: 'a' })) },
      'too_many_buttons',
    ],
    [
      'three URL buttons',
      {
        buttons: Array.from({ length: 3 }, () => ({
          type: 'URL' as const,
          text: 'a',
          url: 'https://a.test',
        })),
      },
      'too_many_url_buttons',
    ],
    [
      'two phone buttons',
      {
        buttons: Array.from({ length: 2 }, () => ({
          type: 'PHONE_NUMBER' as const,
          text: 'a',
          phoneNumber: '+4930123456',
        })),
      },
      'too_many_phone_buttons',
    ],
    [
      'quick replies split',
      {
        buttons: [
          { type: 'QUICK_REPLY', text: 'a' },
          { type: 'URL', text: 'b', url: 'https://a.test' },
          { type: 'QUICK_REPLY', text: 'c' },
        ],
      },
      'quick_replies_not_grouped',
    ],
    ['empty button label', { buttons: [{ type: 'QUICK_REPLY', text: '' }] }, 'button_text_missing'],
    [
      'URL variable in the middle',
      { buttons: [{ type: 'URL', text: 'a', url: 'https://a.test/{{1}}/x', example: 'a' }] },
      'url_variable_not_at_end',
    ],
    [
      'URL variable without sample',
      { buttons: [{ type: 'URL', text: 'a', url: 'https://a.test/{{1}}' }] },
      'url_sample_missing',
    ],
    [
      'bad phone',
      { buttons: [{ type: 'PHONE_NUMBER', text: 'a', phoneNumber: 'call me' }] },
      'phone_number_invalid',
    ],
  ])('reports %s', (_label, change, rule) => {
    expect(rulesOf({ ...valid, ...change })).toContain(rule);
  });

  it('returns all issues at once', () => {
    expect(rulesOf({ ...valid, name: 'Bad', category: 'X', footer: 'x'.repeat(61) })).toEqual([
      'name_format',
      'category_invalid',
      'footer_too_long',
    ]);
  });
});
