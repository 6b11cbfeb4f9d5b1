import type { TemplateDto } from '@parley/contracts';
import { describe, expect, it } from 'vitest';
import { buttonIssues, headerMediaKindOf, templateComponents, withHeaderMedia } from './send-components.js';

function dto(overrides: Partial<TemplateDto> = {}): TemplateDto {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    channelId: '00000000-0000-4000-8000-000000000002',
    name: 'order_shipped',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    parameterFormat: 'POSITIONAL',
    components: [],
    bodyParameters: ['1', '2'],
    headerParameters: [],
    headerFormat: 'IMAGE',
    buttonParameters: [
      { index: 1, type: 'url', text: 'Order details', example: 'A-1042' },
      { index: 2, type: 'copy_code', text: 'Copy offer code' },
    ],
    syncedAt: '2026-05-01T10:00:00.000Z',
    ...overrides,
  };
}

describe('headerMediaKindOf', () => {
  it.each([
    ['IMAGE', 'image'],
    ['VIDEO', 'video'],
    ['DOCUMENT', 'document'],
    ['TEXT', null],
    ['LOCATION', null],
    [null, null],
  ] as const)('%s → %s', (format, kind) => {
    expect(headerMediaKindOf(format)).toBe(kind);
  });
});

describe('buttonIssues', () => {
  it('needs a value for every button that takes one, at its index', () => {
    expect(buttonIssues(dto(), {})).toEqual([
      { path: 'body.template.buttons.1', message: 'Fill in the value of the button “Order details”' },
      { path: 'body.template.buttons.2', message: 'Fill in the value of the button “Copy offer code”' },
    ]);
  });

  it('refuses whitespace in a URL end, long coupon codes and values for buttons that take none', () => {
    expect(buttonIssues(dto(), { '1': 'A 1042', '2': 'X'.repeat(16), '0': 'track' })).toEqual([
      { path: 'body.template.buttons.1', message: 'The end of a link cannot contain spaces or line breaks' },
      { path: 'body.template.buttons.2', message: 'A code can have at most 15 characters' },
      { path: 'body.template.buttons.0', message: 'This button takes no value' },
    ]);
  });

  it('accepts a value for each', () => {
    expect(buttonIssues(dto(), { '1': 'A-1042', '2': '25OFF' })).toEqual([]);
  });
});

describe('templateComponents', () => {
  it('builds a media header marker, the body in {{n}} order and the button parameters', () => {
    const components = templateComponents(
      dto(),
      { templateId: dto().id, body: ['Ana', 'A-1042'], buttons: { '2': '25OFF', '1': 'A-1042' } },
      { kind: 'image' },
    );
    expect(components).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { parley_media: true } }] },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Ana' },
          { type: 'text', text: 'A-1042' },
        ],
      },
      { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'A-1042' }] },
      {
        type: 'button',
        sub_type: 'copy_code',
        index: '2',
        parameters: [{ type: 'coupon_code', coupon_code: '25OFF' }],
      },
    ]);
  });

  it('keeps the file name of a document header; text headers and named bodies as before', () => {
    expect(
      templateComponents(
        dto({ headerFormat: 'DOCUMENT', buttonParameters: [] }),
        { templateId: dto().id },
        {
          kind: 'document',
          filename: 'Rechnung 42.pdf',
        },
      )[0],
    ).toEqual({
      type: 'header',
      parameters: [{ type: 'document', document: { parley_media: true, filename: 'Rechnung 42.pdf' } }],
    });
    const named = dto({
      parameterFormat: 'NAMED',
      headerFormat: 'TEXT',
      headerParameters: ['order'],
      bodyParameters: ['first_name'],
      buttonParameters: [],
    });
    expect(
      templateComponents(named, { templateId: named.id, header: ['A-1'], body: { first_name: 'Ana' } }, null),
    ).toEqual([
      { type: 'header', parameters: [{ type: 'text', parameter_name: 'order', text: 'A-1' }] },
      { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Ana' }] },
    ]);
  });

  it('sends positional values given by key in {{1}}, {{2}} order', () => {
    const positional = dto({ bodyParameters: ['2', '1'], headerFormat: null, buttonParameters: [] });
    expect(
      templateComponents(positional, { templateId: positional.id, body: { '1': 'a', '2': 'b' } }, null),
    ).toEqual([
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
    ]);
  });
});

describe('withHeaderMedia', () => {
  it('puts the Graph media id (and a document name) in place of the marker, on a copy', () => {
    const stored = {
      name: 'invoice',
      language: { code: 'de' },
      components: [
        {
          type: 'header',
          parameters: [{ type: 'document', document: { parley_media: true, filename: 'R.pdf' } }],
        },
        { type: 'body', parameters: [{ type: 'text', text: 'Ana' }] },
      ],
    };
    const copy = JSON.parse(JSON.stringify(stored));
    expect(withHeaderMedia(stored, '1234567890')).toEqual({
      name: 'invoice',
      language: { code: 'de' },
      components: [
        {
          type: 'header',
          parameters: [{ type: 'document', document: { id: '1234567890', filename: 'R.pdf' } }],
        },
        { type: 'body', parameters: [{ type: 'text', text: 'Ana' }] },
      ],
    });
    expect(stored).toEqual(copy);
  });

  it('leaves a template without a marker as it is', () => {
    const stored = {
      name: 'order_ready',
      components: [{ type: 'header', parameters: [{ type: 'text', text: 'A' }] }],
    };
    expect(withHeaderMedia(stored, '1')).toEqual(stored);
  });
});
