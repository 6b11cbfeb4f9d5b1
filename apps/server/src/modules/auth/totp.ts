import crypto from 'node:crypto';
import { generateSecret, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';

export function newTotpSecret(): string {
  return generateSecret();
}

/** otpauth:// URI and an SVG QR code of it, rendered here (no third-party service sees the secret). */
export async function totpEnrollment(
  secret: string,
  email: string,
): Promise<{ otpauthUrl: string; qrSvg: string }> {
  const otpauthUrl = generateURI({ issuer: 'Parley', label: email, secret });
  const qrSvg = await QRCode.toString(otpauthUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { otpauthUrl, qrSvg };
}

/**
 * Checks a 6-digit code with ±30 s tolerance. Returns the matched time step, which the caller stores so
 * the same code cannot be used twice; null when the code is wrong or was already used.
 */
export function checkTotp(secret: string, code: string, lastStep: number | null): number | null {
  try {
    const result = verifySync({ secret, token: code, epochTolerance: 30 });
    if (!result.valid) return null;
    const step = (result as { timeStep?: number }).timeStep;
    if (typeof step !== 'number') return null;
    if (lastStep !== null && step <= lastStep) return null;
    return step;
  } catch {
    return null;
  }
}

/** Ten single-use recovery codes like `k7m2-9xq4-pt3h`. */
export function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: 10 }, () => {
    const bytes = crypto.randomBytes(12);
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
  });
}

export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}
