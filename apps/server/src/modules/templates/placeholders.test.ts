import { describe, expect, it } from 'vitest';
import { placeholdersOf, renderTemplateText } from './placeholders.js';

describe('template placeholders', () => {
  it.each([
    ['Hi {{1}}, your order {{2}} has shipped.', ['1', '2']],
    ['Hi {{first_name}}, sale ends {{end_date}}. Bye {{first_name}}', ['first_name', 'end_date']],
    ['No placeholders', []],
    [undefined, []],
  ])('%s', (text, expected) => {
    expect(placeholdersOf(text)).toEqual(expected);
  });

  it('renders positional and named values, leaving missing ones visible', () => {
    expect(renderTemplateText('Hi {{1}}, order {{2}}', ['Ana', 'A-1'])).toBe('Hi Ana, order A-1');
    expect(renderTemplateText('Hi {{name}}', { name: 'Ben' })).toBe('Hi Ben');
    expect(renderTemplateText('Hi {{1}} {{2}}', ['Ana'])).toBe('Hi Ana {{2}}');
  });
});
