import { describe, expect, it } from 'vitest';
import { isRetryable } from './retry-policy.js';

const failed = { direction: 'outbound', status: 'failed', type: 'text', errorCode: 131026 };

describe('isRetryable', () => {
  it.each([
    ['a failed text inside the window', failed, true, true],
    ['a failed text after the window closed', failed, false, false],
    ['a failed template after the window closed', { ...failed, type: 'template' }, false, true],
    ['a message that did not fail', { ...failed, status: 'sent' }, true, false],
    ['an inbound message', { ...failed, direction: 'inbound' }, true, false],
    ['an expired token (190), renewed since', { ...failed, errorCode: 190 }, true, true],
    ['a failure without a code', { ...failed, errorCode: null }, true, true],
    ['a marketing opt-out (131050)', { ...failed, type: 'template', errorCode: 131050 }, true, false],
    ['a refused file (131053)', { ...failed, type: 'image', errorCode: 131053 }, true, false],
    [
      'a template parameter mismatch (132000)',
      { ...failed, type: 'template', errorCode: 132000 },
      true,
      false,
    ],
    [
      'a re-engagement error (131047) once the customer wrote again',
      { ...failed, errorCode: 131047 },
      true,
      true,
    ],
  ])('%s', (_name, message, windowOpen, expected) => {
    expect(isRetryable(message, windowOpen)).toBe(expected);
  });
});
