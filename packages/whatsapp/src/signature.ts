import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';
const HEX_DIGEST_LENGTH = 64;

/**
 * Signs a webhook body the way Meta does: `sha256=` + lowercase hex HMAC-SHA256 of the exact bytes,
 * keyed with the app secret. Pass the bytes that go on the wire, never a re-serialised object.
 */
export function signPayload(appSecret: string, rawBody: Buffer | Uint8Array | string): string {
  return PREFIX + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

/**
 * Checks an `X-Hub-Signature-256` header against the raw request body in constant time.
 * Returns false (never throws) for a missing, malformed or `sha1=` header and for an empty secret,
 * so a misconfigured receiver fails closed.
 */
export function verifySignature(
  appSecret: string,
  rawBody: Buffer | Uint8Array | string,
  headerValue: string | string[] | undefined | null,
): boolean {
  if (!appSecret) return false;
  if (typeof headerValue !== 'string') return false;
  if (!headerValue.startsWith(PREFIX)) return false;
  const hex = headerValue.slice(PREFIX.length);
  if (hex.length !== HEX_DIGEST_LENGTH || !/^[0-9a-fA-F]+$/.test(hex)) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(hex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
