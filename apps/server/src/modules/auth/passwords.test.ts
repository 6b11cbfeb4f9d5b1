import { describe, expect, it } from 'vitest';
import { hashPassword, isPasswordTooCommon, useFastHashing, verifyPassword } from './passwords.js';

describe('password rules', () => {
  it.each([
    ['qwertyuiop', true],
    ['1234567890', true],
    ['password123456', true],
    ['aaaaaaaaaaaa', true],
    ['correct horse battery staple', false],
    ['Brötchen sind lecker 2026', false],
  ])('%s is too common: %s', (pw, expected) => {
    expect(isPasswordTooCommon(pw)).toBe(expected);
  });

  it("refuses the person's own email or its local part", () => {
    expect(isPasswordTooCommon('maria.mueller@example.com', ['maria.mueller@example.com'])).toBe(true);
    expect(isPasswordTooCommon('maria.mueller', ['maria.mueller@example.com'])).toBe(true);
  });

  it('hashes with argon2id and verifies', async () => {
    useFastHashing(false);
    const h = await hashPassword('a long enough passphrase');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, 'a long enough passphrase')).toBe(true);
    expect(await verifyPassword(h, 'a long enough passphrasE')).toBe(false);
    expect(await verifyPassword('garbage', 'x')).toBe(false);
  });
});
