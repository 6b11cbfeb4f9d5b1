import { describe, expect, it } from 'vitest';
import { indexWords, MAX_WORDS_PER_TEXT, normalizeText, splitWords } from './tokenizer.js';

describe('normalizeText', () => {
  it.each([
    ['lower case', 'HALLO Welt', 'hallo welt'],
    ['umlauts lose their dots', 'Müller Größe Äpfel Öl', 'muller grosse apfel ol'],
    ['ß and capital ẞ become ss', 'Straße STRAẞE', 'strasse strasse'],
    ['French and Spanish accents', 'Ça va, señor? Crème brûlée', 'ca va, senor? creme brulee'],
    ['decomposed input equals composed', 'Mu\u0308ller', 'muller'],
    ['ligatures and full-width forms (NFKC)', 'ﬁle ＡＢＣ１２３', 'file abc123'],
    ['Turkish dotted capital I', 'İstanbul', 'istanbul'],
  ])('%s', (_label, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe('splitWords', () => {
  it.each([
    ['plain sentence', 'Hallo, habt ihr heute offen?', ['hallo', 'habt', 'ihr', 'heute', 'offen']],
    ['emoji are not words', 'Ja, bis 18 Uhr! 🥐🎉 👍🏽', ['ja', 'bis', '18', 'uhr']],
    ['only emoji and punctuation', '🙂 ... !!! — 👀', []],
    [
      'numbers are words',
      'Bestellung #4711, 3,50 € am 24.12.',
      ['bestellung', '4711', '3', '50', 'am', '24', '12'],
    ],
    [
      'URLs split into their parts',
      'https://shop.example.de/p?id=42',
      ['https', 'shop', 'example', 'de', 'p', 'id', '42'],
    ],
    ['email addresses', 'erika.muster@example.com', ['erika', 'muster', 'example', 'com']],
    [
      'XSS markup becomes just words',
      '<script>alert("x")</script><img src=x onerror=alert(1)>',
      ['script', 'alert', 'x', 'script', 'img', 'src', 'x', 'onerror', 'alert', '1'],
    ],
    ['SQL metacharacters', "'; DROP TABLE messages; -- %_", ['drop', 'table', 'messages']],
    ['other scripts keep their letters', 'Привет мир Γειά σου', ['привет', 'мир', 'γεια', 'σου']],
    ['apostrophes and hyphens separate', "don't Baden-Württemberg", ['don', 't', 'baden', 'wurttemberg']],
    ['empty', '', []],
  ])('%s', (_label, input, expected) => {
    expect(splitWords(input)).toEqual(expected);
  });
});

describe('indexWords', () => {
  it.each([
    ['dedupes', 'ja ja JA Ja!', ['ja']],
    [
      'drops words longer than 40 characters',
      `kurz ${'x'.repeat(41)} ${'y'.repeat(40)}`,
      ['kurz', 'y'.repeat(40)],
    ],
    ['counts characters, not bytes', `${'ü'.repeat(40)} ok`, ['u'.repeat(40), 'ok']],
  ])('%s', (_label, input, expected) => {
    expect(indexWords(input)).toEqual(expected);
  });

  it(`keeps at most ${MAX_WORDS_PER_TEXT} words, the first ones`, () => {
    const text = Array.from({ length: 500 }, (_, i) => `w${i}`).join(' ');
    const words = indexWords(text);
    expect(words).toHaveLength(MAX_WORDS_PER_TEXT);
    expect(words[0]).toBe('w0');
    expect(words.at(-1)).toBe(`w${MAX_WORDS_PER_TEXT - 1}`);
  });
});
