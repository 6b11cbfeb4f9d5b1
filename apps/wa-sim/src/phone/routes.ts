import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
  "object-src 'none'",
].join('; ');

const FILES = {
  'index.html': 'text/html; charset=utf-8',
  'phone.js': 'text/javascript; charset=utf-8',
  'bubbles.js': 'text/javascript; charset=utf-8',
  'phone.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml',
} as const;

const contents = Object.fromEntries(
  Object.keys(FILES).map((name) => [name, readFileSync(new URL(`./static/${name}`, import.meta.url))]),
) as Record<keyof typeof FILES, Buffer>;

function serve(reply: FastifyReply, name: keyof typeof FILES) {
  return reply
    .header('content-type', FILES[name])
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache')
    .send(contents[name]);
}

/** The customer-phone page: static HTML + JS + CSS, strict CSP, no external resources. */
export function registerPhoneRoutes(app: FastifyInstance, prefix: string): void {
  app.get('/_sim/phone', async (_request, reply) => reply.redirect(`${prefix}/_sim/phone/`));
  app.get('/_sim/phone/', async (_request, reply) => serve(reply, 'index.html'));
  app.get('/_sim/phone/phone.js', async (_request, reply) => serve(reply, 'phone.js'));
  app.get('/_sim/phone/bubbles.js', async (_request, reply) => serve(reply, 'bubbles.js'));
  app.get('/_sim/phone/phone.css', async (_request, reply) => serve(reply, 'phone.css'));
  app.get('/_sim/phone/icon.svg', async (_request, reply) => serve(reply, 'icon.svg'));
}
