import type { ErrorBody, FieldIssue } from '@parley/contracts';

/** An error answered by the API (or a network failure, code `network_error`, status 0). */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId: string | null;
  readonly details: unknown;
  /** Field issues of a `validation_failed` answer, with the `body.` / `query.` prefix removed. */
  readonly issues: FieldIssue[];
  /** Seconds from the Retry-After header of a 429 answer. */
  readonly retryAfter: number | null;

  constructor(init: {
    code: string;
    status: number;
    message: string;
    requestId?: string | null;
    details?: unknown;
    retryAfter?: number | null;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId ?? null;
    this.details = init.details;
    this.issues = readIssues(init.details);
    this.retryAfter = init.retryAfter ?? null;
  }
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

function readIssues(details: unknown): FieldIssue[] {
  if (!details || typeof details !== 'object' || !('issues' in details)) return [];
  const issues = (details as { issues: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  return issues
    .filter(
      (issue): issue is FieldIssue =>
        !!issue && typeof issue.path === 'string' && typeof issue.message === 'string',
    )
    .map((issue) => ({ path: issue.path.replace(/^(body|query|params)\.?/, ''), message: issue.message }));
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * Calls the Parley API on the same origin. Sends JSON (an empty object for POST/PATCH/PUT without a
 * body, nothing for GET/DELETE), returns the parsed JSON (undefined for 204), throws ApiError otherwise.
 */
export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const hasBody = method === 'POST' || method === 'PATCH' || method === 'PUT';
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    headers: hasBody
      ? { Accept: 'application/json', 'Content-Type': 'application/json' }
      : { Accept: 'application/json' },
  };
  if (hasBody) init.body = JSON.stringify(body ?? {});

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError({ code: 'network_error', status: 0, message: 'The server could not be reached.' });
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }

  if (response.ok) return data as T;

  const envelope = (data as Partial<ErrorBody> | undefined)?.error;
  const retryAfterHeader = response.headers.get('Retry-After');
  const retryAfter = retryAfterHeader && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : null;
  throw new ApiError({
    code: envelope?.code ?? (response.status >= 500 ? 'internal' : `http_${response.status}`),
    status: response.status,
    message: envelope?.message ?? response.statusText ?? 'Request failed',
    requestId: envelope?.requestId ?? response.headers.get('x-request-id'),
    details: envelope?.details,
    retryAfter,
  });
}

export const apiGet = <T>(path: string) => api<T>('GET', path);
export const apiPost = <T>(path: string, body?: unknown) => api<T>('POST', path, body);
export const apiPatch = <T>(path: string, body?: unknown) => api<T>('PATCH', path, body);
export const apiPut = <T>(path: string, body?: unknown) => api<T>('PUT', path, body);
export const apiDelete = <T = void>(path: string) => api<T>('DELETE', path);

/** Builds `/api/v1/workspaces/<id>/<rest>` with the id encoded. */
export function workspacePath(workspaceId: string, rest = ''): string {
  return `/api/v1/workspaces/${encodeURIComponent(workspaceId)}${rest}`;
}

export type UploadProgress = { loaded: number; total: number };

/**
 * Uploads a form (multipart) with progress, through XMLHttpRequest (fetch has no upload progress).
 * Resolves with the parsed JSON of a 2xx answer; throws ApiError like `api` (code `network_error` when
 * the server could not be reached), or a DOMException `AbortError` when `signal` aborted it.
 */
export function apiUpload<T>(
  path: string,
  form: FormData,
  opts: { onProgress?: (progress: UploadProgress) => void; signal?: AbortSignal } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    const done = () => opts.signal?.removeEventListener('abort', abort);
    if (opts.signal?.aborted) {
      reject(new DOMException('The upload was cancelled.', 'AbortError'));
      return;
    }
    opts.signal?.addEventListener('abort', abort);
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) opts.onProgress?.({ loaded: event.loaded, total: event.total });
    };
    xhr.onload = () => {
      done();
      let data: unknown;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data as T);
        return;
      }
      const envelope = (data as Partial<ErrorBody> | undefined)?.error;
      reject(
        new ApiError({
          code: envelope?.code ?? (xhr.status >= 500 ? 'internal' : `http_${xhr.status}`),
          status: xhr.status,
          message: envelope?.message ?? (xhr.statusText || 'Request failed'),
          requestId: envelope?.requestId ?? xhr.getResponseHeader('x-request-id'),
          details: envelope?.details,
        }),
      );
    };
    xhr.onerror = () => {
      done();
      reject(new ApiError({ code: 'network_error', status: 0, message: 'The server could not be reached.' }));
    };
    xhr.onabort = () => {
      done();
      reject(new DOMException('The upload was cancelled.', 'AbortError'));
    };
    xhr.send(form);
  });
}
