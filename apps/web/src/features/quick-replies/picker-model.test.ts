import { describe, expect, it } from 'vitest';
import { filterQuickReplies, findTrigger, insertAtTrigger, MAX_TEXT, moveActive } from './picker-model';

const replies = [
  { id: '1', shortcut: 'hallo', title: 'Begrüßung' },
  { id: '2', shortcut: 'preise', title: 'Preisliste 2027' },
  { id: '3', shortcut: 'oeffnungszeiten', title: 'Öffnungszeiten' },
  { id: '4', shortcut: 'danke', title: 'Danke für Ihre Nachricht' },
  { id: '5', shortcut: 'adresse', title: 'Anfahrt und Adresse' },
];

describe('findTrigger', () => {
  it.each([
    ['/', 1, { start: 0, end: 1, query: '' }],
    ['/hal', 4, { start: 0, end: 4, query: 'hal' }],
    ['Guten Tag /pre', 14, { start: 10, end: 14, query: 'pre' }],
    ['Zeile\n/dan', 10, { start: 6, end: 10, query: 'dan' }],
    ['/hallo welt', 6, { start: 0, end: 6, query: 'hallo' }],
  ])('%j at %i → %o', (text, caret, expected) => {
    expect(findTrigger(text, caret)).toEqual(expected);
  });

  it.each([
    ['', 0],
    ['hallo', 5],
    ['https://example.com/pfad', 24],
    ['und/oder', 8],
    ['/hallo welt', 11],
    ['/hallo', 0],
    [`/${'x'.repeat(33)}`, 34],
    ['//', 2],
  ])('no trigger in %j at %i', (text, caret) => {
    expect(findTrigger(text, caret)).toBeNull();
  });
});

describe('filterQuickReplies', () => {
  const ids = (q: string) => filterQuickReplies(replies, q).map((r) => r.id);

  it('lists everything in order for an empty query, up to the limit', () => {
    expect(ids('')).toEqual(['1', '2', '3', '4', '5']);
    expect(filterQuickReplies(replies, '', 2).map((r) => r.id)).toEqual(['1', '2']);
  });

  it('matches shortcuts by prefix first, then fuzzy on shortcut and title', () => {
    expect(ids('pre')[0]).toBe('2');
    expect(ids('hal')[0]).toBe('1');
    expect(ids('HAL')[0]).toBe('1');
    expect(ids('begr')).toContain('1');
    expect(ids('anfahrt')).toEqual(['5']);
    expect(ids('prise')).toContain('2'); // a typo
    expect(ids('öffnung')).toContain('3');
  });

  it('finds nothing for a query that matches nothing', () => {
    expect(ids('zzzzqqq')).toEqual([]);
  });
});

describe('moveActive', () => {
  it.each([
    [-1, 1, 3, 0],
    [-1, -1, 3, 2],
    [0, 1, 3, 1],
    [2, 1, 3, 0],
    [0, -1, 3, 2],
    [0, 1, 0, -1],
  ])('from %i by %i of %i → %i', (index, delta, count, expected) => {
    expect(moveActive(index, delta, count)).toBe(expected);
  });
});

describe('insertAtTrigger', () => {
  it('replaces the slash command and puts the caret after the insertion', () => {
    expect(insertAtTrigger('Hi /hal!', { start: 3, end: 7 }, 'Hallo Maria')).toEqual({
      text: 'Hi Hallo Maria!',
      caret: 14,
    });
  });

  it('refuses a result longer than a message may be', () => {
    expect(insertAtTrigger('/x', { start: 0, end: 2 }, 'a'.repeat(MAX_TEXT + 1))).toBeNull();
    expect(insertAtTrigger('/x', { start: 0, end: 2 }, 'a'.repeat(MAX_TEXT))?.text.length).toBe(MAX_TEXT);
  });
});
