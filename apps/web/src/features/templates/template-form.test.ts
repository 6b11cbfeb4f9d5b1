import type { TemplateDto } from '@parley/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api';
import {
  emptyForm,
  formFromTemplate,
  newButton,
  nextVariable,
  suggestName,
  toCreateRequest,
  variablesOf,
} from './template-form';
import { filterTemplates } from './template-list';
import { checkRequest, issuesFromError } from './template-rules';

describe('variablesOf', () => {
  it.each([
    ['', []],
    ['Hi {{1}}, order {{2}}', ['1', '2']],
    ['{{ 1 }} and {{1}} again, {{2}}', ['1', '2']],
    ['Hi {{1}, not closed', []],
  ])('%s → %j', (text, expected) => {
    expect(variablesOf(text)).toEqual(expected);
  });
  it('suggests the next variable', () => {
    expect(nextVariable('Hi')).toBe('{{1}}');
    expect(nextVariable('Hi {{1}} and {{2}}')).toBe('{{3}}');
  });
  it('suggests a valid name', () => {
    expect(suggestName('Bestellung Versandt – Größe!')).toBe('bestellung_versandt_grosse');
  });
});

describe('toCreateRequest', () => {
  it('sends one sample per body variable and leaves empty parts out', () => {
    const form = {
      ...emptyForm(),
      name: 'order_shipped',
      language: 'de',
      bodyText: 'Hi {{1}}, order {{2}} shipped.',
      bodyExamples: ['Ana', ' A-1 ', 'stale'],
    };
    expect(toCreateRequest(form)).toEqual({
      name: 'order_shipped',
      category: 'UTILITY',
      language: 'de',
      body: { text: 'Hi {{1}}, order {{2}} shipped.', examples: ['Ana', 'A-1'] },
    });
  });
  it('maps header, footer and every button type', () => {
    const url = { ...newButton('URL'), text: 'Open', url: 'https://x.test/{{1}}', example: 'A-1' };
    const phone = { ...newButton('PHONE_NUMBER'), text: 'Call', phoneNumber: '+49 30 123-456' };
    const quick = { ...newButton('QUICK_REPLY'), text: 'Yes' };
    const code = { ...newButton('COPY_CODE'), example: 'SAVE10' };
    const req = toCreateRequest({
      ...emptyForm(),
      name: 'x',
      language: 'en_US',
      headerType: 'TEXT',
      headerText: 'Order {{1}}',
      headerExample: 'A-1',
      bodyText: 'Hello.',
      footer: 'Acme',
      buttons: [quick, url, phone, code],
    });
    expect(req.header).toEqual({ format: 'TEXT', text: 'Order {{1}}', example: 'A-1' });
    expect(req.footer).toBe('Acme');
    expect(req.buttons).toEqual([
      { type: 'QUICK_REPLY', text: 'Yes' },
      { type: 'URL', text: 'Open', url: 'https://x.test/{{1}}', example: 'A-1' },
      { type: 'PHONE_NUMBER', text: 'Call', phoneNumber: '+4930123456' },
      { type: 'COPY_CODE', example: 'SAVE10' },
    ]);
  });
  it('sends a media header with its handle', () => {
    const req = toCreateRequest({ ...emptyForm(), headerType: 'IMAGE', headerMediaHandle: ' h:1 ' });
    expect(req.header).toEqual({ format: 'IMAGE', mediaHandle: 'h:1' });
  });
});

describe('formFromTemplate', () => {
  it('prefills everything but the language', () => {
    const t = {
      name: 'order_shipped',
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      components: [
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://h.test/a.png'] } },
        { type: 'BODY', text: 'Hi {{1}}, order {{2}}.', example: { body_text: [['Ana', 'A-1']] } },
        { type: 'FOOTER', text: 'Acme' },
        {
          type: 'BUTTONS',
          buttons: [
            {
              type: 'URL',
              text: 'Details',
              url: 'https://s.test/o/{{1}}',
              example: ['https://s.test/o/A-1'],
            },
          ],
        },
      ],
    } as unknown as TemplateDto;
    const form = formFromTemplate(t);
    expect(form.language).toBeNull();
    expect(form.name).toBe('order_shipped');
    expect(form.headerType).toBe('IMAGE');
    expect(form.headerMediaHandle).toBe('https://h.test/a.png');
    expect(form.bodyExamples).toEqual(['Ana', 'A-1']);
    expect(form.footer).toBe('Acme');
    expect(form.buttons[0]).toMatchObject({ type: 'URL', url: 'https://s.test/o/{{1}}', example: 'A-1' });
  });
});

describe('checkRequest (mirror of the server rules)', () => {
  const base = { name: 'ok', category: 'UTILITY', language: 'de', body: { text: 'Hello.', examples: [] } };
  it.each([
    [{ name: 'Bad Name' }, 'name', 'name_format'],
    [{ language: '' }, 'language', 'language_invalid'],
    [{ body: { text: 'Hi {{1}}', examples: ['A'] } }, 'body.text', 'variable_at_edge'],
    [{ body: { text: 'Hi {{2}} there', examples: ['A'] } }, 'body.text', 'variables_not_sequential'],
    [{ body: { text: 'Hi {{1}} there', examples: [''] } }, 'body.examples.0', 'variable_sample_missing'],
    [{ footer: 'Hi {{1}}' }, 'footer', 'footer_has_variables'],
    [{ header: { format: 'IMAGE' as const } }, 'header.mediaHandle', 'header_media_sample_missing'],
    [
      { buttons: [{ type: 'URL' as const, text: 'Go', url: 'https://x.test/{{1}}/y' }] },
      'buttons.0.url',
      'url_variable_not_at_end',
    ],
    [
      {
        buttons: [
          { type: 'QUICK_REPLY' as const, text: 'A' },
          { type: 'PHONE_NUMBER' as const, text: 'Call', phoneNumber: '+4930123456' },
          { type: 'QUICK_REPLY' as const, text: 'B' },
        ],
      },
      'buttons',
      'quick_replies_not_grouped',
    ],
  ])('%j → %s %s', (patch, path, rule) => {
    expect(checkRequest({ ...base, ...patch })).toContainEqual({ path, rule });
  });
  it('passes a valid draft', () => {
    expect(checkRequest(base)).toEqual([]);
  });
});

describe('issuesFromError', () => {
  it('reads the rules of template_rules_broken without the body. prefix', () => {
    const error = new ApiError({
      code: 'template_rules_broken',
      status: 422,
      message: 'x',
      details: { issues: [{ path: 'body.body.text', rule: 'variable_at_edge', message: 'm' }] },
    });
    expect(issuesFromError(error)).toEqual([{ path: 'body.text', rule: 'variable_at_edge' }]);
  });
  it('marks the name for template_exists, nothing for other errors', () => {
    expect(issuesFromError(new ApiError({ code: 'template_exists', status: 409, message: 'x' }))).toEqual([
      { path: 'name', rule: 'template_exists' },
    ]);
    expect(issuesFromError(new ApiError({ code: 'internal', status: 500, message: 'x' }))).toEqual([]);
  });
});

describe('filterTemplates', () => {
  const t = (name: string, status: string, body = '') =>
    ({ name, language: 'de', status, components: [{ type: 'BODY', text: body }] }) as unknown as TemplateDto;
  it('filters by status and text (name or body), sorted by name', () => {
    const list = [t('b_two', 'PENDING', 'Ihre Bestellung'), t('a_one', 'APPROVED'), t('c', 'REJECTED')];
    expect(filterTemplates(list, { status: 'ALL', query: '' }).map((x) => x.name)).toEqual([
      'a_one',
      'b_two',
      'c',
    ]);
    expect(filterTemplates(list, { status: 'PENDING', query: '' }).map((x) => x.name)).toEqual(['b_two']);
    expect(filterTemplates(list, { status: 'ALL', query: 'bestellung' }).map((x) => x.name)).toEqual([
      'b_two',
    ]);
  });
});
