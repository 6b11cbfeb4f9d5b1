// Test helpers (used only by *.test.ts): a webhook receiver on 127.0.0.1 that checks signatures
// with its own HMAC code, plus small HTTP and polling helpers.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningSimulator, type StartSimulatorOptions, startSimulator } from './server.js';

/** JSON as received on the wire (tests assert on it directly). */
// biome-ignore lint/suspicious/noExplicitAny: wire JSON in tests
export type Wire = any;

export const APP_SECRET = 'test-app-secret';
export const TOKEN = 'test-access-token';
export const PNID = '200000000000002';
export const WABA = '100000000000001';
export const VERIFY = 'test-verify-token';

export type ReceivedPost = {
  raw: Buffer;
  body: Wire;
  signature: string | undefined;
  signatureOk: boolean;
  contentType?: string;
};

/** Independent check of `X-Hub-Signature-256` (does not use the simulator's signer). */
export function independentlyVerify(secret: string, raw: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(header.slice(7), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type Receiver = {
  url: string;
  posts: ReceivedPost[];
  verifications: URLSearchParams[];
  /** Status the next POSTs get (default 200); a function can vary it per call. */
  respond: (index: number) => number;
  /** Answer verification GETs with the challenge (default) or refuse. */
  echoChallenge: boolean;
  /** Every status object received, in arrival order. */
  statuses(): Wire[];
  messages(): Wire[];
  changes(field?: string): Wire[];
  close(): Promise<void>;
};

export async function startReceiver(secret = APP_SECRET, verifyToken = VERIFY): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    posts: [],
    verifications: [],
    respond: () => 200,
    echoChallenge: true,
    statuses: () => receiver.changes('messages').flatMap((value) => value.statuses ?? []),
    messages: () => receiver.changes('messages').flatMap((value) => value.messages ?? []),
    changes: (field) =>
      receiver.posts
        .filter((post) => post.signatureOk)
        .flatMap((post) => post.body.entry.flatMap((entry: Wire) => entry.changes))
        .filter((change: Wire) => !field || change.field === field)
        .map((change: Wire) => change.value),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  let postCount = 0;
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (request.method === 'GET') {
      receiver.verifications.push(url.searchParams);
      const ok = receiver.echoChallenge && url.searchParams.get('hub.verify_token') === verifyToken;
      response.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' });
      response.end(ok ? url.searchParams.get('hub.challenge') : 'forbidden');
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signature = request.headers['x-hub-signature-256'] as string | undefined;
      const status = receiver.respond(postCount);
      postCount += 1;
      if (status === 200) {
        receiver.posts.push({
          raw,
          body: JSON.parse(raw.toString('utf8')),
          signature,
          signatureOk: independentlyVerify(secret, raw, signature),
          contentType: request.headers['content-type'],
        });
      }
      response.writeHead(status);
      response.end();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  return receiver;
}

/** Fast settings for tests: tiny status delays and retry back-off. */
export function testOptions(
  receiverUrl: string | undefined,
  extra: Partial<StartSimulatorOptions> = {},
): StartSimulatorOptions {
  return {
    webhookUrl: receiverUrl,
    appSecret: APP_SECRET,
    accessToken: TOKEN,
    phoneNumberId: PNID,
    wabaId: WABA,
    verifyToken: VERIFY,
    displayPhoneNumber: '15550100001',
    seed: 42,
    ...extra,
    statusDelays: { sentMs: 5, deliveredMs: 10, readMs: 15, ...extra.statusDelays },
    webhook: { retryInitialDelayMs: 10, retryMaxDelayMs: 50, timeoutMs: 2000, ...extra.webhook },
    templateReview: { delayMs: 5, ...extra.templateReview },
  };
}

export type Harness = { sim: RunningSimulator; receiver: Receiver; close(): Promise<void> };

export async function startHarness(extra: Partial<StartSimulatorOptions> = {}): Promise<Harness> {
  const receiver = await startReceiver();
  const sim = await startSimulator(testOptions(receiver.url, extra));
  return {
    sim,
    receiver,
    close: async () => {
      await sim.close();
      await receiver.close();
    },
  };
}

/** Polls until `check` returns a truthy value; fails after `timeoutMs` (a bound, not an assertion on time). */
export async function waitFor<T>(
  check: () => T | undefined | false | null,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export type HttpAnswer = { status: number; body: Wire; headers: Headers };

/** JSON request to the simulator; `auth: false` leaves the bearer token out. */
export async function call(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
  options: { auth?: boolean | string; raw?: string; contentType?: string } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (options.auth !== false)
    headers.authorization = `Bearer ${typeof options.auth === 'string' ? options.auth : TOKEN}`;
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${sim.url}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

export const send = (sim: RunningSimulator, body: unknown, options?: { auth?: boolean | string }) =>
  call(sim, 'POST', `/v25.0/${PNID}/messages`, body, options);

export const inbound = (sim: RunningSimulator, body: unknown) =>
  call(sim, 'POST', '/_sim/inbound', body, { auth: false });

export function text(to: string, body = 'hello', extra: Record<string, unknown> = {}) {
  return { messaging_product: 'whatsapp', to, type: 'text', text: { body }, ...extra };
}

/** Opens the customer-service window for `from`. */
export async function openWindow(sim: RunningSimulator, from: string, name = 'Ana Lima'): Promise<string> {
  const answer = await inbound(sim, { from, name, message: { type: 'text', text: { body: 'hi' } } });
  return answer.body.id;
}

/** Structure of a JSON value: object keys (recursively), array item shapes, primitive types. */
export function shapeOf(value: unknown, ignore: string[] = []): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0], ignore)];
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .filter((key) => !ignore.includes(key))
        .sort()
        .map((key) => [key, shapeOf((value as Record<string, unknown>)[key], ignore)]),
    );
  }
  return typeof value;
}
