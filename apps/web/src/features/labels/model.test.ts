import { describe, expect, it } from 'vitest';
import {
  isDuplicateLabelName,
  LABEL_PALETTE,
  labelChanges,
  nextLabelColor,
  normalizeLabelColor,
  sortLabels,
} from './model';

describe('normalizeLabelColor', () => {
  it('accepts the forms people type and returns #rrggbb', () => {
    expect(normalizeLabelColor('#1F883D')).toBe('#1f883d');
    expect(normalizeLabelColor(' 1f883d ')).toBe('#1f883d');
    expect(normalizeLabelColor('#abc')).toBe('#aabbcc');
    expect(normalizeLabelColor('fff')).toBe('#ffffff');
  });
  it('refuses what the API would refuse', () => {
    for (const bad of ['', '#', '#12345', '#1234567', 'red', 'rgb(0,0,0)', '#ggg'])
      expect(normalizeLabelColor(bad)).toBeNull();
  });
});

describe('nextLabelColor', () => {
  it('takes the first unused palette colour', () => {
    expect(nextLabelColor([])).toBe(LABEL_PALETTE[0]);
    expect(nextLabelColor([LABEL_PALETTE[0].toUpperCase(), LABEL_PALETTE[1]])).toBe(LABEL_PALETTE[2]);
  });
  it('cycles once every colour is used', () => {
    const all = [...LABEL_PALETTE];
    expect(LABEL_PALETTE).toContain(nextLabelColor(all));
    expect(nextLabelColor([...all, '#000000'])).toBe(LABEL_PALETTE[1]);
  });
});

describe('isDuplicateLabelName', () => {
  const labels = [
    { id: 'a', name: 'VIP' },
    { id: 'b', name: 'Rückruf' },
  ];
  it('ignores case and spaces like the server', () => {
    expect(isDuplicateLabelName(' vip ', labels, null)).toBe(true);
    expect(isDuplicateLabelName('RÜCKRUF', labels, null)).toBe(true);
    expect(isDuplicateLabelName('Neu', labels, null)).toBe(false);
  });
  it('does not count the label being edited or an empty name', () => {
    expect(isDuplicateLabelName('vip', labels, 'a')).toBe(false);
    expect(isDuplicateLabelName('   ', labels, null)).toBe(false);
  });
});

describe('sortLabels', () => {
  it('sorts by name in the UI language, numbers naturally, without changing the input', () => {
    const input = [{ name: 'b' }, { name: 'Ä' }, { name: 'a10' }, { name: 'a2' }];
    expect(sortLabels(input, 'de').map((l) => l.name)).toEqual(['Ä', 'a2', 'a10', 'b']);
    expect(input[0]!.name).toBe('b');
  });
});

describe('labelChanges', () => {
  it('sends everything for a new label, trimmed and normalised', () => {
    expect(labelChanges(null, { name: ' VIP ', color: '#ABC' })).toEqual({ name: 'VIP', color: '#aabbcc' });
  });
  it('sends only what changed', () => {
    const before = { name: 'VIP', color: '#1971c2' };
    expect(labelChanges(before, { name: 'VIP', color: '#1971C2' })).toEqual({});
    expect(labelChanges(before, { name: 'Gold', color: '#1971c2' })).toEqual({ name: 'Gold' });
    expect(labelChanges(before, { name: 'VIP ', color: '#e03131' })).toEqual({ color: '#e03131' });
  });
});
