import { randomBytes } from 'node:crypto';

let sequence = 0;
/** Random per process, so ids from two simulator runs never collide. */
const PROCESS_PREFIX = randomBytes(6).toString('hex');

/** A fresh WhatsApp message id: `wamid.` + base64 of an opaque, unique value (no syscall per id). */
export function newWamid(): string {
  sequence += 1;
  const raw = `SIM.${PROCESS_PREFIX}.${Date.now().toString(36)}.${sequence.toString(36)}`;
  return `wamid.${Buffer.from(raw).toString('base64url')}`;
}

/** A numeric Graph object id (media, templates): 15 digits like Meta's, safe as a JSON number. */
export function newNumericId(): string {
  const high = 10_000_000 + Math.floor(Math.random() * 89_999_999);
  const low = Math.floor(Math.random() * 10_000_000)
    .toString()
    .padStart(7, '0');
  return `${high}${low}`;
}

/** A trace id for error envelopes (`fbtrace_id`). */
export function newTraceId(): string {
  return `A${randomBytes(15).toString('base64url')}`;
}
