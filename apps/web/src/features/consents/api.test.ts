import { describe, expect, it } from 'vitest';
import { signUpLink } from './api';

describe('signUpLink', () => {
  it('keeps only the digits of the number and types the keyword', () => {
    expect(signUpLink('+49 151 2345-678', 'START')).toBe('https://wa.me/491512345678?text=START');
    expect(signUpLink('+49 30 123', 'Anmelden & gewinnen')).toBe(
      'https://wa.me/4930123?text=Anmelden%20%26%20gewinnen',
    );
  });
});
