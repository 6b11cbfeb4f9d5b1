import { describe, expect, it } from 'vitest';
import { contactIndexTokens, messageIndexTokens, phoneDigits } from './index-tokens.js';

describe('messageIndexTokens', () => {
  it.each([
    ['null text (reaction, media without caption)', null, []],
    ['short words get only a word token', 'Ja bis 18', ['w:ja', 'w:bis', 'w:18']],
    ['words of 4+ characters also get a 4-character prefix', 'Hallo Uhr', ['w:hallo', 'p:hall', 'w:uhr']],
    ['a 4-character word: word and prefix', 'heut', ['w:heut', 'p:heut']],
    ['shared prefixes are stored once', 'Hallo Halle', ['w:hallo', 'p:hall', 'w:halle']],
    ['normalised: umlauts and ß', 'Größe', ['w:grosse', 'p:gros']],
    ['emoji only', '👍🎉', []],
  ])('%s', (_label, text, expected) => {
    expect(messageIndexTokens(text)).toEqual(expected);
  });
});

describe('phoneDigits', () => {
  it.each([
    ['WhatsApp id', '4915112345678', '4915112345678'],
    ['international with spaces', '+49 151 2345678', '491512345678'],
    ['with punctuation', '(0151) 234-56/78', '01512345678'],
    ['too short', '123', null],
    ['too long', '1'.repeat(21), null],
    ['letters: not a phone number', 'DE.abc123456', null],
    ['null', null, null],
  ])('%s', (_label, value, expected) => {
    expect(phoneDigits(value)).toBe(expected);
  });
});

describe('contactIndexTokens', () => {
  it('indexes the name words and every leading and trailing run of 4+ digits', () => {
    expect(contactIndexTokens('Erika Müller', '4915123')).toEqual([
      'w:erika',
      'p:erik',
      'w:muller',
      'p:mull',
      't:4915',
      's:5123',
      't:49151',
      's:15123',
      't:491512',
      's:915123',
      't:4915123',
      's:4915123',
    ]);
  });

  it.each([
    ['no name', null, '49151', ['t:4915', 's:9151', 't:49151', 's:49151']],
    ['no phone number (business-scoped user id)', 'Jo', 'DE.abc', ['w:jo']],
    ['nothing', null, null, []],
  ])('%s', (_label, name, waId, expected) => {
    expect(contactIndexTokens(name, waId)).toEqual(expected);
  });
});
