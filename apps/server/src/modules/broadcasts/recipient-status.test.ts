import { describe, expect, it } from 'vitest';
import { nextRecipientState } from './recipient-status.js';
import { needsUnsupportedParts, requiredVariables } from './service.js';

describe('recipient state after a status webhook', () => {
  it.each([
    ['sending', 'sent', 'sent'],
    ['unknown', 'delivered', 'delivered'],
    ['sent', 'delivered', 'delivered'],
    ['read', 'delivered', 'read'],
    ['delivered', 'failed', 'delivered'],
    ['sent', 'failed', 'failed'],
    ['failed', 'read', 'read'],
    ['skipped', 'sent', 'skipped'],
    ['sending', 'played', 'read'],
  ] as const)('%s + %s → %s', (current, incoming, expected) =>
    expect(nextRecipientState(current, incoming)).toBe(expected),
  );
});

describe('template parts of a broadcast', () => {
  it('needs the text header and body placeholders', () => {
    expect(
      requiredVariables([
        { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
        { type: 'BODY', text: 'Hi {{1}}, {{2}} and {{1}}' },
      ]),
    ).toEqual(['header.1', '1', '2']);
    expect(requiredVariables([{ type: 'BODY', text: 'No variables' }])).toEqual([]);
  });

  it('refuses media headers and buttons that take a value', () => {
    expect(needsUnsupportedParts([{ type: 'HEADER', format: 'IMAGE' }])).toBe(true);
    expect(
      needsUnsupportedParts([{ type: 'BUTTONS', buttons: [{ type: 'URL', url: 'https://x.test/{{1}}' }] }]),
    ).toBe(true);
    expect(needsUnsupportedParts([{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY' }] }])).toBe(false);
    expect(needsUnsupportedParts([{ type: 'HEADER', format: 'TEXT', text: 'Hi' }])).toBe(false);
  });
});
