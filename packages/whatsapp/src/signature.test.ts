import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadFixtureBytes } from './fixtures.js';
import { signPayload, verifySignature } from './signature.js';

const secret = 'app-secret-for-tests';

describe('signPayload', () => {
  it('matches an HMAC-SHA256 computed independently over the same bytes', () => {
    const body = loadFixtureBytes('inbound-text');
    const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    expect(signPayload(secret, body)).toBe(expected);
  });

  it('signs the exact bytes: escaped and literal unicode give different signatures', () => {
    const literal = Buffer.from('{"t":"é"}');
    const escaped = Buffer.from('{"t":"\\u00e9"}');
    expect(signPayload(secret, literal)).not.toBe(signPayload(secret, escaped));
  });
});

describe('verifySignature', () => {
  const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
  const good = signPayload(secret, body);

  it('accepts the right signature', () => {
    expect(verifySignature(secret, body, good)).toBe(true);
  });

  it.each([
    ['missing header', undefined],
    ['empty header', ''],
    ['sha1 prefix', good.replace('sha256=', 'sha1=')],
    ['no prefix', good.slice('sha256='.length)],
    ['truncated', good.slice(0, -2)],
    ['non-hex', `sha256=${'z'.repeat(64)}`],
    ['array header', [good]],
  ])('rejects a %s', (_name, header) => {
    expect(verifySignature(secret, body, header as string | undefined)).toBe(false);
  });

  it('rejects a body changed by one byte', () => {
    const changed = Buffer.from(body);
    changed[5] = changed[5]! ^ 1;
    expect(verifySignature(secret, changed, good)).toBe(false);
  });

  it('rejects when the secret is wrong or empty (fails closed)', () => {
    expect(verifySignature('other', body, good)).toBe(false);
    expect(verifySignature('', body, signPayload('', body))).toBe(false);
  });

  it('accepts upper-case hex', () => {
    expect(verifySignature(secret, body, `sha256=${good.slice(7).toUpperCase()}`)).toBe(true);
  });
});
