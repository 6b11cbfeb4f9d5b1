import { describe, expect, it } from 'vitest';
import {
  captionAllowed,
  checkFile,
  formatFileSize,
  hasHttpUrl,
  mimeOf,
  sizesForProblem,
} from './attachments';

const MB = 1024 * 1024;

describe('attachments', () => {
  it.each([
    [{ name: 'a.png', type: 'image/png' }, 'image/png'],
    [{ name: 'a.JPG', type: '' }, 'image/jpeg'],
    [{ name: 'a.jpg', type: 'image/jpg' }, 'image/jpeg'],
    [{ name: 'voice.m4a', type: 'audio/x-m4a' }, 'audio/mp4'],
    [{ name: 'report.pdf', type: 'application/octet-stream' }, 'application/pdf'],
    [{ name: 'tool.exe', type: 'application/x-msdownload' }, 'application/x-msdownload'],
    [{ name: 'fake.png', type: 'application/x-msdownload' }, 'application/x-msdownload'],
  ])('takes %j as %s', (file, mime) => {
    expect(mimeOf(file)).toBe(mime);
  });

  it('refuses types WhatsApp does not take, too large and empty files', () => {
    expect(checkFile({ name: 'tool.exe', type: 'application/x-msdownload', size: 10 })).toEqual({
      problem: 'type',
      extension: 'exe',
      mime: 'application/x-msdownload',
    });
    expect(checkFile({ name: 'big.png', type: 'image/png', size: 7.2 * MB })).toEqual({
      problem: 'size',
      kind: 'image',
      maxBytes: 5 * MB,
      sizeBytes: 7.2 * MB,
    });
    expect(checkFile({ name: 'empty.pdf', type: 'application/pdf', size: 0 })).toEqual({ problem: 'empty' });
    expect(checkFile({ name: 'ok.pdf', type: 'application/pdf', size: 40 * MB })).toBeNull();
    expect(checkFile({ name: 'sticker.webp', type: 'image/webp', size: 600 * 1024 })?.problem).toBe('size');
  });

  it('formats sizes in binary units for the language', () => {
    expect(formatFileSize(7.2 * MB, 'en')).toBe('7.2 MB');
    expect(formatFileSize(7.2 * MB, 'de')).toBe('7,2 MB');
    expect(formatFileSize(5 * MB, 'en')).toBe('5 MB');
    expect(formatFileSize(500 * 1024, 'en')).toBe('500 KB');
    expect(formatFileSize(12, 'en')).toBe('12 B');
    expect(sizesForProblem(5 * MB, 7.2 * MB, 'en')).toEqual({ max: '5 MB', size: '7.2 MB' });
    expect(sizesForProblem(5 * MB, 5 * MB + 2000, 'en')).toEqual({ max: '5 MB', size: '5,122 KB' });
  });

  it('knows captions and links', () => {
    expect(captionAllowed('image')).toBe(true);
    expect(captionAllowed('audio')).toBe(false);
    expect(captionAllowed('sticker')).toBe(false);
    expect(hasHttpUrl('see https://example.com/x')).toBe(true);
    expect(hasHttpUrl('(http://a.b)')).toBe(true);
    expect(hasHttpUrl('ftp://example.com or example.com')).toBe(false);
  });
});
