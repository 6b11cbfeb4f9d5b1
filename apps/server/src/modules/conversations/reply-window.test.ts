import { describe, expect, it } from 'vitest';
import { REPLY_WINDOW_MS, replyWindowRemainingMs } from './reply-window.js';

describe('reply window', () => {
  const t = new Date('2026-11-30T10:00:00Z');
  it.each([
    ['never written', null, 0],
    ['just now', t, REPLY_WINDOW_MS],
    ['23 h ago', new Date(t.getTime() - 23 * 3600_000), 3600_000],
    ['exactly 24 h ago', new Date(t.getTime() - REPLY_WINDOW_MS), 0],
    ['two days ago', new Date(t.getTime() - 48 * 3600_000), 0],
  ])('%s', (_label, last, expected) => {
    expect(replyWindowRemainingMs(last, t)).toBe(expected);
  });
});
