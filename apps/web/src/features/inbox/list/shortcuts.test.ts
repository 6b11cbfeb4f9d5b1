import { describe, expect, it } from 'vitest';
import { type KeyContext, resolveShortcut, SHORTCUTS } from './shortcuts';

const idle: Omit<KeyContext, 'key'> = {
  isTyping: false,
  isOnControl: false,
  isInList: false,
  isModalOpen: false,
};
const press = (key: string, context: Partial<KeyContext> = {}) =>
  resolveShortcut({ ...idle, key, ...context });

describe('resolveShortcut', () => {
  it.each([
    ['j', 'next'],
    ['ArrowDown', 'next'],
    ['k', 'previous'],
    ['ArrowUp', 'previous'],
    ['Enter', 'open'],
    ['r', 'reply'],
    ['n', 'note'],
    ['a', 'assignToMe'],
    ['e', 'resolve'],
    ['s', 'snooze'],
    ['x', 'select'],
    ['/', 'search'],
    ['?', 'help'],
    ['Escape', 'escape'],
  ])('%s → %s', (key, action) => {
    expect(press(key)).toBe(action);
  });

  it('ignores everything but Escape while typing', () => {
    for (const key of ['j', 'r', 'e', '/', '?', 'Enter', 'ArrowDown'])
      expect(press(key, { isTyping: true })).toBeNull();
    expect(press('Escape', { isTyping: true })).toBe('escape');
  });

  it('ignores keys with modifiers, capitals and keys without a shortcut', () => {
    expect(press('r', { ctrlKey: true })).toBeNull();
    expect(press('k', { metaKey: true })).toBeNull();
    expect(press('e', { altKey: true })).toBeNull();
    expect(press('J')).toBeNull();
    expect(press('q')).toBeNull();
  });

  it('leaves everything to an open modal', () => {
    expect(press('j', { isModalOpen: true })).toBeNull();
    expect(press('Escape', { isModalOpen: true })).toBeNull();
  });

  it('leaves Enter to links and buttons, arrows to controls outside the list', () => {
    expect(press('Enter', { isOnControl: true })).toBeNull();
    expect(press('Enter', { isInList: true, isOnControl: true })).toBeNull();
    expect(press('ArrowDown', { isOnControl: true })).toBeNull();
    expect(press('ArrowDown', { isOnControl: true, isInList: true })).toBe('next');
    expect(press('j', { isOnControl: true })).toBe('next');
  });

  it('every action of the map has at least one key that triggers it', () => {
    for (const { keys, action } of SHORTCUTS) expect(keys.some((key) => press(key) === action)).toBe(true);
  });
});
