import { describe, expect, it } from 'vitest';
import { matchesWords, planSearch } from './query.js';
import { splitWords } from './tokenizer.js';

describe('planSearch', () => {
  it.each([
    ['a short word: exact word token', 'ja', ['w:ja'], null, []],
    ['a 4-character last word: its prefix token, exact', 'hall', ['p:hall'], null, []],
    ['a longer last word: prefix token, checked after decryption', 'Hallo', ['p:hall'], 'hallo', []],
    ['words before the last are whole words', 'heute offen', ['w:heute', 'p:offe'], 'offen', []],
    ['normalised like the index', 'MÜLLER straße', ['w:muller', 'p:stra'], 'strasse', []],
    ['only punctuation and emoji: nothing to search', "%_' 🙂 --", [], null, []],
    ['a word longer than any indexed word finds nothing', `${'a'.repeat(41)} ja`, [], null, []],
    [
      'international number',
      '+49 151 2345678',
      ['w:49', 'w:151', 'p:2345'],
      '2345678',
      ['t:491512345678', 's:491512345678'],
    ],
    [
      'national number with leading 0: the rest is the end of the number',
      '0151 2345678',
      ['w:0151', 'p:2345'],
      '2345678',
      ['t:01512345678', 's:01512345678', 's:1512345678'],
    ],
    [
      '00 prefix is +',
      '0049151234',
      ['p:0049'],
      '0049151234',
      ['t:0049151234', 's:0049151234', 't:49151234'],
    ],
    [
      '(0) is dropped',
      '+49 (0) 151 234',
      ['w:49', 'w:0', 'w:151', 'w:234'],
      null,
      ['t:49151234', 's:49151234'],
    ],
    ['last digits', '5678', ['p:5678'], null, ['t:5678', 's:5678']],
    ['fewer than 4 digits: no phone search', '567', ['w:567'], null, []],
    ['words and digits: no phone search', 'Bestellung 4711', ['w:bestellung', 'p:4711'], null, []],
  ])('%s', (_label, q, tokens, lastWordPrefix, phoneTokens) => {
    const plan = planSearch(q);
    expect(plan.tokens).toEqual(tokens);
    expect(plan.lastWordPrefix).toBe(lastWordPrefix);
    expect(plan.phoneTokens).toEqual(phoneTokens);
  });
});

describe('matchesWords', () => {
  const text = 'Hallo, habt ihr heute offen? Größe 42';
  it.each([
    ['a whole word', 'heute', true],
    ['the last word as a prefix of 4+ characters', 'Hall', true],
    ['a longer prefix', 'Hall heute off', false],
    ['as-you-type: last word is a prefix', 'heute offe', true],
    ['two words in any order (AND)', 'offen hallo', true],
    ['one word missing', 'hallo geschlossen', false],
    ['a prefix that is not the last word', 'hal offen', false],
    ['a short last word must be whole', 'hab', false],
    ['no substring in the middle of a word', 'allo', false],
    ['normalised', 'GROSSE', true],
    ['a number', '42', true],
  ])('%s', (_label, q, expected) => {
    expect(matchesWords(planSearch(q), splitWords(text))).toBe(expected);
  });
});
