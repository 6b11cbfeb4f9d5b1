import crypto from 'node:crypto';
import { describeErrorCode, graphErrorSchema } from '@parley/whatsapp';

export const META_GRAPH_BASE_URL = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_API_VERSION = 'v24.0';

export type GraphCredentials = {
  baseUrl: string;
  apiVersion: string;
  accessToken: string;
  phoneNumberId: string;
};

/** A Graph API error (Meta's envelope), or a transport failure (code 0, `transport: true`). */
export class GraphApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    readonly title: string,
    readonly retryable: boolean,
    readonly transport = false,
    readonly details?: string,
  ) {
    super(`${code} ${title}`);
  }
}

/**
 * The one way Parley reaches the WhatsApp Cloud API (Meta's, or the simulator under another base
 * URL). Time-outs, no redirects, response size capped; errors become GraphApiError. Media goes through
 * graphUpload and graphDownload below, under the same rules.
 */
export async function graphRequest<T>(
  creds: GraphCredentials,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  opts: { timeoutMs?: number } = {},
): Promise<T> {
  const url = `${creds.baseUrl.replace(/\/+$/, '')}/${creds.apiVersion}/${path.replace(/^\/+/, '')}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
      headers: {
        authorization: `Bearer ${creds.accessToken}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw transportError(err);
  }
  return readGraphResponse<T>(res);
}

function transportError(err: unknown): GraphApiError {
  if (err instanceof GraphApiError) return err;
  const timeout = (err as Error).name === 'TimeoutError';
  return new GraphApiError(0, 0, timeout ? 'Timed out' : 'Network error', true, true, (err as Error).message);
}

/** The JSON of a Graph API answer, or its error envelope as GraphApiError. */
async function readGraphResponse<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (text.length > 2_000_000) throw new GraphApiError(res.status, 0, 'Response too large', false, true);
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // fall through: not JSON
  }
  if (res.ok) return json as T;
  const envelope = graphErrorSchema.safeParse(json);
  if (envelope.success) {
    const e = envelope.data.error as { code?: number; message?: string; error_data?: { details?: string } };
    const code = Number(e.code ?? 0);
    const info = describeErrorCode(code);
    return Promise.reject(
      new GraphApiError(
        res.status,
        code,
        info.title ?? e.message ?? 'Error',
        info.retryable ?? res.status >= 500,
        false,
        e.error_data?.details ?? e.message,
      ),
    );
  }
  throw new GraphApiError(res.status, 0, `HTTP ${res.status}`, res.status >= 500 || res.status === 429, true);
}

/** A file for `graphUpload`: its bytes as a stream of exactly `sizeBytes`. */
export type UploadFile = {
  field: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  content: AsyncIterable<Uint8Array>;
};

/**
 * A `multipart/form-data` POST to the Graph API (media uploads): text `fields`, then the file, streamed
 * with a computed Content-Length (nothing is buffered). Same rules and errors as graphRequest.
 */
export async function graphUpload<T>(
  creds: GraphCredentials,
  path: string,
  fields: Record<string, string>,
  file: UploadFile,
  opts: { timeoutMs?: number } = {},
): Promise<T> {
  const url = `${creds.baseUrl.replace(/\/+$/, '')}/${creds.apiVersion}/${path.replace(/^\/+/, '')}`;
  const boundary = `----parley-${crypto.randomBytes(16).toString('hex')}`;
  const token = (v: string) => v.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const head = Buffer.from(
    [
      ...Object.entries(fields).map(
        ([name, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${token(name)}"\r\n\r\n${value.replace(/[\r\n]/g, ' ')}\r\n`,
      ),
      `--${boundary}\r\nContent-Disposition: form-data; name="${token(file.field)}"; filename="${token(file.filename)}"\r\n`,
      `Content-Type: ${token(file.contentType)}\r\n\r\n`,
    ].join(''),
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* body() {
    yield head;
    yield* file.content;
    yield tail;
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 120_000),
      headers: {
        authorization: `Bearer ${creds.accessToken}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + file.sizeBytes + tail.length),
      },
      body: body() as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
  } catch (err) {
    throw transportError(err);
  }
  return readGraphResponse<T>(res);
}

/** A download that is (or would become) larger than the caller's cap; nothing more was read. */
export class ResponseTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the download is larger than ${maxBytes} bytes`);
  }
}

/** Where Meta hands out media URLs (lookaside.fbsbx.com today). */
const META_MEDIA_HOSTS = /(^|\.)(fbsbx\.com|facebook\.com|fbcdn\.net|whatsapp\.net)$/;

/**
 * Downloads a media URL that `GET /{media-id}` returned, with the bearer token (Meta requires it).
 * Only a URL on the channel's own Graph host or on Meta's media hosts over https is fetched (the token
 * goes nowhere else), redirects are not followed, the whole download has a time-out, and more than
 * `maxBytes` (by Content-Length up front, then while streaming) throws ResponseTooLargeError. HTTP and
 * network failures are GraphApiError with `transport: true` (404: the URL expired; resolve a new one).
 */
export async function graphDownload(
  creds: GraphCredentials,
  url: string,
  opts: { maxBytes: number; timeoutMs?: number },
): Promise<{ contentType: string | null; body: AsyncIterable<Uint8Array> }> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new GraphApiError(0, 0, 'Invalid media URL', false, true);
  }
  const sameHost = target.origin === new URL(creds.baseUrl).origin;
  const metaHost = target.protocol === 'https:' && META_MEDIA_HOSTS.test(target.hostname);
  if (!sameHost && !metaHost) throw new GraphApiError(0, 0, 'Unexpected media URL', false, true);
  let res: Response;
  try {
    res = await fetch(target, {
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 300_000),
      headers: { authorization: `Bearer ${creds.accessToken}` },
    });
  } catch (err) {
    throw transportError(err);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    const retryable = res.status === 404 || res.status === 408 || res.status === 429 || res.status >= 500;
    throw new GraphApiError(res.status, 0, `HTTP ${res.status}`, retryable, true);
  }
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > opts.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(opts.maxBytes);
  }
  const stream = res.body;
  async function* body() {
    if (!stream) return;
    const reader = stream.getReader();
    let received = 0;
    try {
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          throw transportError(err);
        }
        if (chunk.done) return;
        received += chunk.value.length;
        if (received > opts.maxBytes) throw new ResponseTooLargeError(opts.maxBytes);
        yield chunk.value;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
  return { contentType: res.headers.get('content-type'), body: body() };
}

export type PhoneNumberInfo = {
  id: string;
  display_phone_number?: string;
  verified_name?: string;
  quality_rating?: string;
  messaging_limit_tier?: string;
  throughput?: { level?: string };
};

export function getPhoneNumber(creds: GraphCredentials): Promise<PhoneNumberInfo> {
  return graphRequest<PhoneNumberInfo>(
    creds,
    'GET',
    `${creds.phoneNumberId}?fields=display_phone_number,verified_name,quality_rating,messaging_limit_tier,throughput`,
  );
}
