import { describe, expect, it } from 'vitest';
import {
  createQuickReplyRequest,
  firstNameOf,
  type QuickReplyValues,
  renderQuickReplyText,
  unknownQuickReplyVariables,
} from './quick-replies.js';

const values: QuickReplyValues = {
  'contact.name': 'Maria Schmidt',
  'contact.first_name': 'Maria',
  'contact.phone': '+4915100000001',
  'agent.name': 'Ina Inteam',
  'agent.first_name': 'Ina',
  'workspace.name': 'Acme GmbH',
};

describe('renderQuickReplyText', () => {
  it.each([
    ['Hallo {{contact.first_name}}!', 'Hallo Maria!'],
    ['{{contact.name}} / {{contact.phone}}', 'Maria Schmidt / +4915100000001'],
    ['{{agent.name}} ({{agent.first_name}}) von {{workspace.name}}', 'Ina Inteam (Ina) von Acme GmbH'],
    ['{{ contact.first_name }} mit Leerzeichen', 'Maria mit Leerzeichen'],
    ['{{Contact.First_Name}} ignoring case', 'Maria ignoring case'],
    ['{{contact.first_name}}{{contact.first_name}}', 'MariaMaria'],
    ['unknown {{order.id}} stays', 'unknown {{order.id}} stays'],
    ['no variables at all', 'no variables at all'],
    ['', ''],
    // Nesting and stray braces: only a complete {{name}} is a variable.
    ['{{{{contact.first_name}}}}', '{{Maria}}'],
    ['{{contact.{{agent.name}}}}', '{{contact.Ina Inteam}}'],
    ['{{contact.first_name}', '{{contact.first_name}'],
    ['{{}} {{ }} {{', '{{}} {{ }} {{'],
    ['{contact.first_name}', '{contact.first_name}'],
    // Plain text: HTML is neither escaped nor interpreted.
    ['<b>{{contact.first_name}}</b><script>x</script>', '<b>Maria</b><script>x</script>'],
  ])('%j → %j', (text, expected) => {
    expect(renderQuickReplyText(text, values)).toBe(expected);
  });

  it('renders a missing value as an empty string', () => {
    expect(
      renderQuickReplyText('Hi {{contact.first_name}}, {{contact.phone}}.', { 'contact.phone': null }),
    ).toBe('Hi , .');
  });

  it('does not expand a value that looks like a variable (a contact may call themselves anything)', () => {
    const hostile = { ...values, 'contact.name': '{{agent.name}} <img src=x onerror=alert(1)>' };
    expect(renderQuickReplyText('Hallo {{contact.name}}', hostile)).toBe(
      'Hallo {{agent.name}} <img src=x onerror=alert(1)>',
    );
  });

  it('handles very long texts and many braces in linear time', () => {
    const long = `${'{{contact.first_name}} '.repeat(5000)}${'{'.repeat(50_000)}${'}'.repeat(50_000)}`;
    const started = performance.now();
    const out = renderQuickReplyText(long, values);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out.startsWith('Maria Maria ')).toBe(true);
    expect(out.endsWith('}'.repeat(50_000))).toBe(true);
    expect(out.split('Maria').length - 1).toBe(5000);
    const unclosed = `{{${'a'.repeat(100_000)}`;
    expect(renderQuickReplyText(unclosed, values)).toBe(unclosed);
  });
});

describe('unknownQuickReplyVariables', () => {
  it('lists unknown variables once each, as typed, and ignores known ones', () => {
    expect(
      unknownQuickReplyVariables(
        '{{contact.first_name}} {{order.id}} {{Contact.Name}} {{ order.id }} {{agent.nickname}} {{}}',
      ),
    ).toEqual(['order.id', 'agent.nickname']);
    expect(unknownQuickReplyVariables('Hallo {{workspace.name}}')).toEqual([]);
  });
});

describe('firstNameOf', () => {
  it.each([
    ['Maria Schmidt', 'Maria'],
    ['  Jean-Luc   Picard ', 'Jean-Luc'],
    ['Cher', 'Cher'],
    ['', ''],
    [null, ''],
  ])('%j → %j', (name, expected) => {
    expect(firstNameOf(name)).toBe(expected);
  });
});

describe('createQuickReplyRequest', () => {
  it('accepts a slug shortcut and refuses spaces, a leading dash and more than 32 characters', () => {
    const base = { title: 'Hallo', text: 'Hallo!', scope: 'personal' };
    expect(createQuickReplyRequest.safeParse({ ...base, shortcut: 'hallo_2-neu' }).success).toBe(true);
    for (const shortcut of ['hal lo', '-hallo', '', 'x'.repeat(33), '/hallo', 'grüße'])
      expect(createQuickReplyRequest.safeParse({ ...base, shortcut }).success, shortcut).toBe(false);
    expect(
      createQuickReplyRequest.safeParse({ ...base, shortcut: 'ok', text: 'x'.repeat(4097) }).success,
    ).toBe(false);
  });
});
