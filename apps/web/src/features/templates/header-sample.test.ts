import { describe, expect, it } from 'vitest';
import { checkSample } from './header-sample';

const MB = 1024 * 1024;

describe('checkSample', () => {
  it.each([
    [{ name: 'a.png', type: 'image/png', size: 1000 }, 'IMAGE', null],
    [{ name: 'a.jpg', type: '', size: 1000 }, 'IMAGE', null],
    [{ name: 'a.webp', type: 'image/webp', size: 1000 }, 'IMAGE', { problem: 'type' }],
    [{ name: 'a.png', type: 'image/png', size: 5 * MB + 1 }, 'IMAGE', { problem: 'size', maxBytes: 5 * MB }],
    [{ name: 'a.mp4', type: 'video/mp4', size: 16 * MB }, 'VIDEO', null],
    [
      { name: 'a.mp4', type: 'video/mp4', size: 16 * MB + 1 },
      'VIDEO',
      { problem: 'size', maxBytes: 16 * MB },
    ],
    [{ name: 'a.png', type: 'image/png', size: 10 }, 'VIDEO', { problem: 'type' }],
    [{ name: 'a.pdf', type: 'application/pdf', size: 100 * MB }, 'DOCUMENT', null],
    [{ name: 'a.docx', type: 'application/msword', size: 10 }, 'DOCUMENT', { problem: 'type' }],
    [{ name: 'a.pdf', type: 'application/pdf', size: 0 }, 'DOCUMENT', { problem: 'empty' }],
  ] as const)('%o as %s → %o', (file, format, expected) => {
    expect(checkSample(file, format)).toEqual(expected);
  });
});
