import type { TemplateDto } from '@parley/contracts';
import { describe, expect, it } from 'vitest';
import {
  buttonValueProblem,
  examplesOf,
  fieldOfIssue,
  headerFileProblem,
  headerMediaKindOf,
  isStale,
  matchesSearch,
  partsOf,
  problemsOf,
  renderedBodyOf,
  segmentsOf,
  templateRequestOf,
  unsupportedReason,
  urlPrefixOf,
} from './template-model';

function template(overrides: Partial<TemplateDto> = {}): TemplateDto {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    channelId: '00000000-0000-4000-8000-000000000002',
    name: 'order_ready',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['A-1'] } },
      { type: 'BODY', text: 'Hi {{1}}, order {{2}} is ready.', example: { body_text: [['Ana', 'A-1042']] } },
      { type: 'FOOTER', text: 'Shop' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Thanks' }] },
    ],
    bodyParameters: ['1', '2'],
    headerParameters: ['1'],
    headerFormat: 'TEXT',
    buttonParameters: [],
    syncedAt: '2026-05-01T10:00:00.000Z',
    ...overrides,
  };
}

const named = template({
  name: 'welcome',
  parameterFormat: 'NAMED',
  components: [
    {
      type: 'BODY',
      text: 'Hello {{first_name}}, code {{code}}',
      example: {
        body_text_named_params: [
          { param_name: 'first_name', example: 'Ana' },
          { param_name: 'code', example: 'X1' },
        ],
      },
    },
  ],
  bodyParameters: ['first_name', 'code'],
  headerParameters: [],
  headerFormat: null,
});

/** Like the simulator's order_shipped: image header, two values, a URL button taking the order number. */
const shipped = template({
  name: 'order_shipped',
  components: [
    { type: 'HEADER', format: 'IMAGE' },
    { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Track order' },
        { type: 'URL', text: 'Order details', url: 'https://shop.example.com/orders/{{1}}' },
        { type: 'COPY_CODE', text: 'Copy offer code' },
      ],
    },
  ],
  headerParameters: [],
  headerFormat: 'IMAGE',
  buttonParameters: [
    { index: 1, type: 'url', text: 'Order details', example: 'A-1042' },
    { index: 2, type: 'copy_code', text: 'Copy offer code' },
  ],
});

describe('template model', () => {
  it('reads header, body, footer and buttons', () => {
    expect(partsOf(template())).toEqual({
      header: { format: 'TEXT', text: 'Order {{1}}' },
      body: 'Hi {{1}}, order {{2}} is ready.',
      footer: 'Shop',
      buttons: [{ type: 'QUICK_REPLY', text: 'Thanks', url: null }],
    });
  });

  it('splits a text into static parts, values and missing placeholders', () => {
    expect(segmentsOf('Hi {{1}}, order {{ 2 }}.', { '1': ' Ana ' })).toEqual([
      { kind: 'text', text: 'Hi ' },
      { kind: 'value', key: '1', text: 'Ana' },
      { kind: 'text', text: ', order ' },
      { kind: 'missing', key: '2' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('builds positional and named requests in the order the API expects', () => {
    const t = template({ bodyParameters: ['2', '1'] });
    expect(
      templateRequestOf(t, { body: { '1': 'Ana', '2': 'A-1' }, header: { '1': 'H' }, buttons: {} }),
    ).toEqual({
      templateId: t.id,
      body: ['Ana', 'A-1'],
      header: ['H'],
    });
    expect(
      templateRequestOf(named, { body: { first_name: 'Ana', code: 'X' }, header: {}, buttons: {} }),
    ).toEqual({
      templateId: named.id,
      body: { first_name: 'Ana', code: 'X' },
    });
  });

  it('renders the body like the server, hostile values as plain text', () => {
    const values = { body: { '1': '<img src=x onerror=alert(1)>', '2': 'A-1' }, header: {}, buttons: {} };
    expect(renderedBodyOf(template(), values)).toBe('Hi <img src=x onerror=alert(1)>, order A-1 is ready.');
  });

  it.each([
    ['', 'required'],
    ['   ', 'required'],
    ['a\tb', 'whitespace'],
    ['a     b', 'whitespace'],
    ['x'.repeat(61), 'tooLong'],
  ])('marks the header value %j as %s', (value, problem) => {
    const problems = problemsOf(template(), {
      body: { '1': 'a', '2': 'b' },
      header: { '1': value },
      buttons: {},
    });
    expect(problems.get('header.1')).toBe(problem);
  });

  it('maps server issues to fields', () => {
    expect(fieldOfIssue(template(), 'template.body.1')).toBe('body.2');
    expect(fieldOfIssue(template(), 'template.body')).toBe('body.1');
    expect(fieldOfIssue(template(), 'template.header.0')).toBe('header.1');
    expect(fieldOfIssue(template(), 'template.templateId')).toBe('template');
    expect(fieldOfIssue(named, 'template.body.code')).toBe('body.code');
    expect(fieldOfIssue(named, 'replyToMessageId')).toBe('form');
  });

  it('reads examples, flags media headers, searches and tells a stale sync', () => {
    expect(examplesOf(template())).toEqual({
      body: { '1': 'Ana', '2': 'A-1042' },
      header: { '1': 'A-1' },
      buttons: {},
    });
    expect(examplesOf(named).body).toEqual({ first_name: 'Ana', code: 'X1' });
    expect(unsupportedReason(template())).toBeNull();
    expect(unsupportedReason(shipped)).toBeNull();
    expect(
      unsupportedReason(
        template({
          components: [
            { type: 'HEADER', format: 'LOCATION' },
            { type: 'BODY', text: 'x' },
          ],
          headerFormat: 'LOCATION',
        }),
      ),
    ).toBe('mediaHeader');
    expect(matchesSearch(template(), 'order READY')).toBe(true);
    expect(matchesSearch(template(), 'utility en_us')).toBe(true);
    expect(matchesSearch(template(), 'marketing')).toBe(false);
    expect(isStale([], Date.parse('2026-05-01T11:00:00Z'))).toBe(true);
    expect(isStale([template()], Date.parse('2026-05-01T11:00:00Z'))).toBe(false);
    expect(isStale([template()], Date.parse('2026-05-03T11:00:00Z'))).toBe(true);
  });

  it('sends a media header with the uploaded file and the button values by index', () => {
    expect(headerMediaKindOf(shipped)).toBe('image');
    expect(headerMediaKindOf(template({ headerFormat: 'DOCUMENT' }))).toBe('document');
    expect(headerMediaKindOf(template())).toBeNull();
    const values = {
      body: { '1': 'Ana', '2': 'A-1' },
      header: {},
      buttons: { '1': ' A-1042 ', '2': 'SAVE10' },
    };
    expect(templateRequestOf(shipped, values, 'c0ffee00-0000-4000-8000-000000000001')).toEqual({
      templateId: shipped.id,
      body: ['Ana', 'A-1'],
      headerMediaId: 'c0ffee00-0000-4000-8000-000000000001',
      buttons: { '1': 'A-1042', '2': 'SAVE10' },
    });
    expect(urlPrefixOf(shipped, 1)).toBe('https://shop.example.com/orders/');
    expect(urlPrefixOf(shipped, 0)).toBeNull();
    expect(examplesOf(shipped).buttons).toEqual({ '1': 'A-1042' });
  });

  it.each([
    ['', 'url', 'required'],
    ['A 1042', 'url', 'urlSpace'],
    ['A-1042', 'url', null],
    ['x'.repeat(2001), 'url', 'tooLong'],
    ['SAVE10', 'copy_code', null],
    ['X'.repeat(16), 'copy_code', 'tooLong'],
    ['a     b', 'copy_code', 'whitespace'],
  ] as const)('marks the button value %j (%s) as %s', (value, type, problem) => {
    expect(buttonValueProblem(value, type)).toBe(problem);
  });

  it('needs the header file (uploaded) and every button value', () => {
    expect(headerFileProblem(shipped, 'none')).toBe('required');
    expect(headerFileProblem(shipped, 'uploading')).toBe('uploading');
    expect(headerFileProblem(shipped, 'failed')).toBe('failed');
    expect(headerFileProblem(shipped, 'ready')).toBeNull();
    expect(headerFileProblem(template(), 'none')).toBeNull();
    const problems = problemsOf(shipped, { body: { '1': 'a', '2': 'b' }, header: {}, buttons: { '2': 'X' } });
    expect([...problems]).toEqual([['button.1', 'required']]);
  });

  it('maps header file and button issues to their fields', () => {
    expect(fieldOfIssue(shipped, 'template.headerMediaId')).toBe('headerMedia');
    expect(fieldOfIssue(template(), 'template.headerMediaId')).toBe('form');
    expect(fieldOfIssue(shipped, 'template.buttons.1')).toBe('button.1');
    expect(fieldOfIssue(shipped, 'template.buttons')).toBe('button.1');
    expect(fieldOfIssue(shipped, 'template.buttons.0')).toBe('form');
  });
});
