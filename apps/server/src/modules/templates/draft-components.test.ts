import { describe, expect, it } from 'vitest';
import { toGraphTemplatePayload } from './draft-components.js';

describe('toGraphTemplatePayload', () => {
  it("builds Meta's creation payload with examples for every variable", () => {
    expect(
      toGraphTemplatePayload({
        name: 'order_shipped',
        category: 'UTILITY',
        language: 'en_US',
        header: { format: 'TEXT', text: 'Order {{1}}', example: 'A-1' },
        body: { text: 'Hi {{1}}, your order has shipped.', examples: ['Ana'] },
        footer: 'Acme Store',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Thanks' },
          { type: 'URL', text: 'Track', url: 'https://acme.test/{{1}}', example: 'A-1' },
          { type: 'PHONE_NUMBER', text: 'Call', phoneNumber: '+4930123456' },
        ],
      }),
    ).toEqual({
      name: 'order_shipped',
      language: 'en_US',
      category: 'UTILITY',
      parameter_format: 'positional',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['A-1'] } },
        { type: 'BODY', text: 'Hi {{1}}, your order has shipped.', example: { body_text: [['Ana']] } },
        { type: 'FOOTER', text: 'Acme Store' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Thanks' },
            { type: 'URL', text: 'Track', url: 'https://acme.test/{{1}}', example: ['A-1'] },
            { type: 'PHONE_NUMBER', text: 'Call', phone_number: '+4930123456' },
          ],
        },
      ],
    });
  });

  it('sends a media header as a header handle and omits empty parts', () => {
    const payload = toGraphTemplatePayload({
      name: 'promo',
      category: 'MARKETING',
      language: 'de',
      header: { format: 'IMAGE', mediaHandle: '4::aW1n' },
      body: { text: 'Neu im Shop', examples: [] },
    });
    expect(payload.components).toEqual([
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1n'] } },
      { type: 'BODY', text: 'Neu im Shop' },
    ]);
  });
});
