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
 * URL). Time-outs, no redirects, response size capped; errors become GraphApiError.
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
    const timeout = (err as Error).name === 'TimeoutError';
    throw new GraphApiError(
      0,
      0,
      timeout ? 'Timed out' : 'Network error',
      true,
      true,
      (err as Error).message,
    );
  }
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
