import { describe, expect, it } from 'vitest';
import { isAcceptableContent, servedContentType, sha256Hex } from './content-check.js';
import { contentDisposition, sanitizeFilename } from './filename.js';
import { parseRange } from './range.js';

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const pdf = Buffer.from('%PDF-1.7\n');
const docx = Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0]);
const doc = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

describe('sanitizeFilename', () => {
  it.each([
    ['../../etc/passwd', 'text/plain', 'passwd.txt'],
    ['..\\..\\windows\\system32\\cmd.exe', 'application/pdf', 'cmd.exe.pdf'],
    ['Rechnung März.pdf', 'application/pdf', 'Rechnung März.pdf'],
    ['REPORT.PDF', 'application/pdf', 'REPORT.PDF'],
    ['invoice\u202Efdp.exe', 'application/pdf', 'invoicefdp.exe.pdf'],
    ['a\u2066b\u2069c\u200f.txt', 'text/plain', 'abc.txt'],
    ['line\r\nbreak\u0000.txt', 'text/plain', 'linebreak.txt'],
    ['evil.html', 'text/plain', 'evil.html.txt'],
    ['photo', 'image/jpeg', 'photo.jpg'],
    ['.bashrc', 'text/plain', 'bashrc.txt'],
    ['name with "quotes" and <tags>.txt', 'text/plain', 'name with _quotes_ and _tags_.txt'],
    ['trailing dots...', 'text/plain', 'trailing dots.txt'],
    [
      'C:\\Users\\ana\\Desktop\\cv.docx',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'cv.docx',
    ],
  ])('%j as %s → %j', (raw, mime, expected) => {
    expect(sanitizeFilename(raw, mime)).toBe(expected);
  });

  it.each([[''], ['../..'], ['/'], ['\u202e\u202e'], [null], [undefined]])('%j → null', (raw) => {
    expect(sanitizeFilename(raw, 'text/plain')).toBeNull();
  });

  it('caps the name at 200 characters and keeps the extension', () => {
    const name = sanitizeFilename(`${'ä'.repeat(500)}.pdf`, 'application/pdf')!;
    expect(Array.from(name)).toHaveLength(200);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('contentDisposition', () => {
  it.each([
    ['report.pdf', `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`],
    [
      'Rechnung März.pdf',
      `attachment; filename="Rechnung M_rz.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf`,
    ],
    [`a"b\\c'(d).txt`, `attachment; filename="a_b_c'(d).txt"; filename*=UTF-8''a%22b%5Cc%27%28d%29.txt`],
    ['日本.png', `attachment; filename="__.png"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.png`],
  ])('%j', (name, expected) => {
    expect(contentDisposition(name)).toBe(expected);
  });
});

describe('isAcceptableContent', () => {
  it.each([
    ['a PNG as image/png', png, 'image/png', true],
    ['a PNG renamed to .pdf', png, 'application/pdf', false],
    ['a PDF as image/png', pdf, 'image/png', false],
    ['a PDF', pdf, 'application/pdf', true],
    [
      'an SVG as image/svg+xml',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      'image/svg+xml',
      false,
    ],
    ['an SVG as image/png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png', false],
    ['HTML as text/html', Buffer.from('<!doctype html><script>alert(1)</script>'), 'text/html', false],
    [
      'HTML as text/plain',
      Buffer.from('\ufeff  <!DOCTYPE html><script>alert(1)</script>'),
      'text/plain',
      false,
    ],
    ['XML as text/plain', Buffer.from('<?xml version="1.0"?><svg/>'), 'text/plain', false],
    ['plain text', Buffer.from('Hello, here is my order number: 42 <3'), 'text/plain', true],
    ['a docx', docx, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', true],
    ['HTML saved as .doc', Buffer.from('<html><body>x</body></html>'), 'application/msword', false],
    ['a doc', doc, 'application/msword', true],
    ['a docx claimed as doc', docx, 'application/msword', false],
    ['an empty file', Buffer.alloc(0), 'text/plain', false],
    ['a type with parameters', Buffer.from('OggS\0'), 'audio/ogg; codecs=opus', true],
    ['a zip', docx, 'application/zip', false],
  ])('%s → %s', (_name, head, mime, expected) => {
    expect(isAcceptableContent(head, mime)).toBe(expected);
  });

  it('serves only accepted types as themselves', () => {
    expect(servedContentType('image/png')).toBe('image/png');
    expect(servedContentType('audio/ogg; codecs=opus')).toBe('audio/ogg');
    expect(servedContentType('text/html')).toBe('application/octet-stream');
    expect(servedContentType('image/svg+xml')).toBe('application/octet-stream');
  });
});

describe('parseRange', () => {
  it.each([
    [undefined, 1000, null],
    ['bytes=0-99', 1000, { start: 0, end: 99 }],
    ['bytes=900-', 1000, { start: 900, end: 999 }],
    ['bytes=-100', 1000, { start: 900, end: 999 }],
    ['bytes=-5000', 1000, { start: 0, end: 999 }],
    ['bytes=990-5000', 1000, { start: 990, end: 999 }],
    ['bytes=999-999', 1000, { start: 999, end: 999 }],
    ['bytes=1000-', 1000, 'unsatisfiable'],
    ['bytes=5000-6000', 1000, 'unsatisfiable'],
    ['bytes=-0', 1000, 'unsatisfiable'],
    ['bytes=50-10', 1000, null],
    ['bytes=0-1,5-6', 1000, null],
    ['items=0-1', 1000, null],
    ['bytes=abc', 1000, null],
    ['bytes=-', 1000, null],
    ['bytes=0-99999999999999999999999', 1000, { start: 0, end: 999 }],
  ])('%j of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe('sha256Hex', () => {
  const hex = `${'a'.repeat(62)}ff`;
  const b64 = Buffer.from(hex, 'hex').toString('base64');
  it.each([
    [b64, hex],
    [b64.replace(/=$/, ''), hex],
    [hex.toUpperCase(), hex],
    ['not a hash', null],
    [Buffer.alloc(16).toString('base64'), null],
    [42, null],
  ])('%j → %j', (value, expected) => {
    expect(sha256Hex(value)).toBe(expected);
  });
});
