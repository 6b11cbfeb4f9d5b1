import { describe, expect, it } from 'vitest';
import type { templates } from '../../db/schema.js';
import { toTemplateDto } from './service.js';

type TemplateRow = typeof templates.$inferSelect;

function row(components: unknown[], overrides: Partial<TemplateRow> = {}): TemplateRow {
  const at = new Date('2026-05-01T10:00:00.000Z');
  return {
    id: '00000000-0000-4000-8000-000000000001',
    workspaceId: '00000000-0000-4000-8000-000000000002',
    channelId: '00000000-0000-4000-8000-000000000003',
    providerTemplateId: '500000000000001',
    name: 'order_shipped',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    parameterFormat: 'POSITIONAL',
    components,
    statusReason: null,
    qualityScore: null,
    syncedAt: at,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

const body = { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' };

describe('toTemplateDto: header format', () => {
  it.each([
    ['no header', [body], null],
    ['a text header', [{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' }, body], 'TEXT'],
    ['a header without format (text)', [{ type: 'HEADER', text: 'Hello' }, body], 'TEXT'],
    ['an image header', [{ type: 'HEADER', format: 'IMAGE' }, body], 'IMAGE'],
    ['a video header', [{ type: 'HEADER', format: 'VIDEO' }, body], 'VIDEO'],
    ['a document header', [{ type: 'HEADER', format: 'DOCUMENT' }, body], 'DOCUMENT'],
    ['a location header', [{ type: 'HEADER', format: 'LOCATION' }, body], 'LOCATION'],
    ['a GIF header (sent as an MP4 video)', [{ type: 'HEADER', format: 'GIF' }, body], 'VIDEO'],
    ['lower-case format', [{ type: 'header', format: 'image' }, body], 'IMAGE'],
    ['a format Parley does not know', [{ type: 'HEADER', format: 'PRODUCT' }, body], null],
  ])('%s → %s', (_name, components, expected) => {
    expect(toTemplateDto(row(components)).headerFormat).toBe(expected);
  });

  it('takes header placeholders only from a text header', () => {
    expect(toTemplateDto(row([{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' }, body]))).toMatchObject(
      {
        headerParameters: ['1'],
        bodyParameters: ['1', '2'],
      },
    );
    expect(toTemplateDto(row([{ type: 'HEADER', format: 'IMAGE' }, body])).headerParameters).toEqual([]);
  });
});

describe('toTemplateDto: button parameters', () => {
  it("lists URL buttons with {{1}} and copy-code buttons at their index, with Meta's example", () => {
    const dto = toTemplateDto(
      row([
        body,
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
            { type: 'URL', text: 'Our shop', url: 'https://shop.example.com/' },
            { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+15550100001' },
            { type: 'COPY_CODE', text: 'Copy offer code', example: '25OFF' },
          ],
        },
      ]),
    );
    expect(dto.buttonParameters).toEqual([
      { index: 1, type: 'url', text: 'Order details', example: 'A-1042' },
      { index: 4, type: 'copy_code', text: 'Copy offer code', example: '25OFF' },
    ]);
  });

  it('keeps only the variable part of an example given as the whole URL', () => {
    const dto = toTemplateDto(
      row([
        body,
        {
          type: 'BUTTONS',
          buttons: [
            {
              type: 'URL',
              text: 'Track',
              url: 'https://t.example.com/track?id={{1}}',
              example: ['https://t.example.com/track?id=Z-9'],
            },
          ],
        },
      ]),
    );
    expect(dto.buttonParameters).toEqual([{ index: 0, type: 'url', text: 'Track', example: 'Z-9' }]);
  });

  it('has no example when Meta keeps none, and none without buttons', () => {
    const dto = toTemplateDto(
      row([
        body,
        { type: 'BUTTONS', buttons: [{ type: 'url', text: 'Go', url: 'https://x.example/{{ 1 }}' }] },
      ]),
    );
    expect(dto.buttonParameters).toEqual([{ index: 0, type: 'url', text: 'Go' }]);
    expect(toTemplateDto(row([body])).buttonParameters).toEqual([]);
  });
});
