import { describe, expect, it } from 'vitest';
import { statusReasonOf } from './status-reason.js';

describe('statusReasonOf', () => {
  it.each<[Parameters<typeof statusReasonOf>[0], string | null]>([
    [{ reason: 'NONE' }, null],
    [{ reason: null }, null],
    [{}, null],
    [{ reason: 'PROMOTIONAL' }, 'PROMOTIONAL'],
    [{ reason: 'INVALID_FORMAT', rejection_info: { reason: 'Adjacent variables' } }, 'Adjacent variables'],
    [{ reason: 'NONE', other_info: { title: 'FIRST_PAUSE' } }, null],
    [{ other_info: { title: 'FIRST_PAUSE' } }, 'FIRST_PAUSE'],
  ])('%j → %s', (update, expected) => {
    expect(statusReasonOf(update)).toBe(expected);
  });
});
