import type { Readable } from 'node:stream';
import {
  appResponseSchema,
  baseMime,
  bytesMatchMime,
  describeErrorCode,
  graphErrorSchema,
  uploadFileResponseSchema,
  uploadSessionResponseSchema,
} from '@parley/whatsapp';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import type { Member } from '../../http/auth.js';
import { channelCredentials, getChannel } from '../channels/service.js';
import { GraphApiError, type GraphCredentials, graphRequest } from '../whatsapp/graph-client.js';

const MB = 1024 * 1024;

export type HeaderSampleFormat = 'IMAGE' | 'VIDEO' | 'DOCUMENT';

/**
 * What a template header's sample may be (the types the Resumable Upload API takes, per header
 * format): images JPEG or PNG up to 5 MB, videos MP4 up to 16 MB, documents PDF up to 100 MB.
 */
export const HEADER_SAMPLE_TYPES: Record<HeaderSampleFormat, { mimes: string[]; maxBytes: number }> = {
  IMAGE: { mimes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
  VIDEO: { mimes: ['video/mp4'], maxBytes: 16 * MB },
  DOCUMENT: { mimes: ['application/pdf'], maxBytes: 100 * MB },
};
/** The largest sample of any format (the multipart limit of the route). */
export const MAX_HEADER_SAMPLE_BYTES = 100 * MB;

const EXTENSIONS: Record<string, string[]> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'video/mp4': ['mp4'],
  'application/pdf': ['pdf'],
};

/**
 * The name the sample goes to Meta under, from a name the browser sent (hostile): the last path
 * segment only, letters, digits, `.`, `-`, `_` and spaces kept (controls, bidi overrides, quotes,
 * slashes, `%`, `&`, `?` and the like become `_`), no leading dots, at most 100 characters, and an
 * extension that fits the type (added when missing or wrong). `sample.<ext>` when nothing is left. Pure.
 */
export function sampleFileName(raw: string | null | undefined, mime: string): string {
  const allowed = EXTENSIONS[baseMime(mime)] ?? ['bin'];
  const last = (raw ?? '').normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = Array.from(last)
    .map((c) => (/^[\p{L}\p{N} ._-]$/u.test(c) ? c : '_'))
    .join('')
    .replace(/\s+/g, ' ')
    .replace(/^[\s._]+/, '')
    .replace(/[\s.]+$/, '');
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 ? cleaned.slice(dot + 1).toLowerCase() : '';
  const stem = (allowed.includes(ext) ? cleaned.slice(0, dot) : cleaned).replace(/[\s.]+$/, '');
  const suffix = `.${allowed.includes(ext) ? ext : allowed[0]}`;
  const short = Array.from(stem)
    .slice(0, 100 - suffix.length)
    .join('')
    .replace(/[\s.]+$/, '');
  return `${short || 'sample'}${suffix}`;
}

/** One file part of the multipart upload (what @fastify/multipart hands over). */
export type SamplePart = { mimetype: string; filename: string; file: Readable & { truncated?: boolean } };

export type HeaderSample = { handle: string; fileName: string; mimeType: string; size: number };

/** The part's bytes, at most `maxBytes` (more: media_too_large); a broken body is bad_request. */
async function readSample(file: Readable & { truncated?: boolean }, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of file) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        file.resume();
        throw new AppError('media_too_large', { maxBytes });
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError('media_too_large', { maxBytes });
    throw new AppError(
      'bad_request',
      undefined,
      'The upload could not be read (the multipart body is cut off).',
    );
  }
  if (file.truncated) throw new AppError('media_too_large', { maxBytes });
  return Buffer.concat(chunks);
}

/**
 * Step 2 of the Resumable Upload API: the raw bytes to `POST /{v}/upload:<id>` with
 * `Authorization: OAuth <token>` and `file_offset: 0`. graphRequest only speaks JSON, so this is the
 * same call (time-out, no redirects, Meta's error envelope as GraphApiError) with a binary body.
 */
async function sendSampleBytes(creds: GraphCredentials, sessionId: string, bytes: Buffer): Promise<unknown> {
  const url = `${creds.baseUrl.replace(/\/+$/, '')}/${creds.apiVersion}/${encodeURI(sessionId)}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(120_000),
      headers: {
        authorization: `OAuth ${creds.accessToken}`,
        file_offset: '0',
        'content-type': 'application/octet-stream',
      },
      body: Uint8Array.from(bytes),
    });
  } catch (err) {
    const timeout = (err as Error).name === 'TimeoutError';
    throw new GraphApiError(0, 0, timeout ? 'Timed out' : 'Network error', true, true);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text && text.length < 100_000 ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  if (res.ok) return json;
  const envelope = graphErrorSchema.safeParse(json);
  const code = envelope.success ? envelope.data.error.code : 0;
  throw new GraphApiError(
    res.status,
    code,
    describeErrorCode(code).title,
    res.status >= 500,
    !envelope.success,
  );
}

/**
 * Uploads a sample file for a template's media header to Meta (Resumable Upload API: `GET /app` for
 * the app id, `POST /{app-id}/uploads?file_name&file_length&file_type`, then the bytes) and returns the
 * handle the template's `header.mediaHandle` takes. The type must fit the header format and the bytes
 * must look like it (media_type_unsupported, with `details.accepted`); the size is capped per format
 * while the file streams in (media_too_large, `details.maxBytes`); an empty file is validation_failed;
 * Meta refusing or not answering is template_sample_refused (`details.graphCode`, 0 without an answer).
 * The channel must be in the member's workspace (not_found). Nothing is stored here.
 */
export async function uploadHeaderSample(
  ctx: AppContext,
  member: Member,
  channelId: string,
  format: HeaderSampleFormat,
  part: SamplePart,
): Promise<HeaderSample> {
  const ch = await getChannel(ctx.db, member.workspaceId, channelId);
  const { mimes, maxBytes } = HEADER_SAMPLE_TYPES[format];
  const mimeType = baseMime(part.mimetype || 'application/octet-stream');
  if (!mimes.includes(mimeType)) {
    part.file.resume();
    throw new AppError('media_type_unsupported', { format, accepted: mimes });
  }
  const bytes = await readSample(part.file, maxBytes);
  if (bytes.length === 0)
    throw new AppError('validation_failed', {
      issues: [{ path: 'body.file', message: 'The file is empty' }],
    });
  if (!bytesMatchMime(bytes, mimeType))
    throw new AppError('media_type_unsupported', { format, accepted: mimes });
  const fileName = sampleFileName(part.filename, mimeType);
  const creds = await channelCredentials(ctx, ctx.db, ch);
  try {
    const app = appResponseSchema.parse(await graphRequest(creds, 'GET', 'app?fields=id'));
    const query = new URLSearchParams({
      file_name: fileName,
      file_length: String(bytes.length),
      file_type: mimeType,
    });
    const session = uploadSessionResponseSchema.parse(
      await graphRequest(creds, 'POST', `${encodeURIComponent(app.id)}/uploads?${query}`),
    );
    const uploaded = uploadFileResponseSchema.parse(await sendSampleBytes(creds, session.id, bytes));
    return { handle: uploaded.h, fileName, mimeType, size: bytes.length };
  } catch (err) {
    if (err instanceof GraphApiError)
      throw new AppError('template_sample_refused', { graphCode: err.code, graphTitle: err.title });
    if ((err as Error).name === 'ZodError')
      throw new AppError('template_sample_refused', { graphCode: 0, graphTitle: 'Unexpected answer' });
    throw err;
  }
}
