import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes). Tests may use a cheaper setting.
const STRONG = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const FAST = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

let cost = STRONG;

/** Tests only: cheaper hashing so a suite can create many people quickly. */
export function useFastHashing(fast: boolean): void {
  cost = fast ? FAST : STRONG;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, cost);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// A fixed hash verified when the email is unknown, so both answers take the same time.
let dummyHash: Promise<string> | null = null;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('parley-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
}

const common = new Set<string>((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

/**
 * NIST 800-63B check against an offline list of common passwords (~49,000 from zxcvbn-ts), also
 * catching a common password with digits or symbols appended, a single repeated character, and
 * the person's own email or name.
 */
export function isPasswordTooCommon(password: string, personal: string[] = []): boolean {
  const p = password.toLowerCase();
  if (common.has(p)) return true;
  const stem = p.replace(/[\d\W_]+$/u, '');
  if (stem.length >= 4 && stem !== p && common.has(stem)) return true;
  if (/^(.)\1+$/u.test(p)) return true;
  if (/^(0123456789|1234567890|abcdefghij)/.test(p) && new Set(p).size <= 12) return true;
  for (const item of personal) {
    const v = item.toLowerCase().trim();
    if (v.length >= 4 && (p === v || p === v.split('@')[0])) return true;
  }
  return false;
}
