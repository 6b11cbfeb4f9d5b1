import { randomBytes } from 'node:crypto';
import { bytesMatchMime } from '@parley/whatsapp';
import { BoundedMap } from './bounded-map.js';
import { GraphError } from './errors.js';

const MB = 1024 * 1024;

/**
 * What the Resumable Upload API takes (Meta's guide lists pdf, jpeg, jpg, png and mp4) and the
 * largest sample a template header takes per type: images 5 MB, videos 16 MB, documents 100 MB.
 */
export const UPLOAD_TYPES: Record<string, { maxBytes: number; formats: string[] }> = {
  'image/jpeg': { maxBytes: 5 * MB, formats: ['IMAGE'] },
  'image/jpg': { maxBytes: 5 * MB, formats: ['IMAGE'] },
  'image/png': { maxBytes: 5 * MB, formats: ['IMAGE'] },
  'video/mp4': { maxBytes: 16 * MB, formats: ['VIDEO', 'GIF'] },
  'application/pdf': { maxBytes: 100 * MB, formats: ['DOCUMENT'] },
};

export type UploadSession = {
  id: string;
  fileName: string;
  fileLength: number;
  fileType: string;
  createdAt: number;
  /** Bytes received so far (the next chunk's `file_offset`). */
  offset: number;
  /** The first bytes, kept to check the file's signature against its type. */
  head: Buffer;
  handle?: string;
};

export type UploadedHandle = { handle: string; sessionId: string; fileType: string; fileLength: number };

const invalid = (details: string, httpStatus = 400) => new GraphError({ code: 100, details, httpStatus });

/** Upload sessions and the file handles they issued (in memory, bounded). */
export class UploadStore {
  readonly sessions = new BoundedMap<string, UploadSession>(10_000);
  readonly handles = new BoundedMap<string, UploadedHandle>(10_000);

  /** Step 1: checks name, length and type like Meta; returns the session. Throws 100. */
  start(query: Record<string, string | undefined>, now: number): UploadSession {
    const fileName = query.file_name?.trim();
    if (!fileName) throw invalid('Param file_name is required.');
    if (fileName.length > 255) throw invalid('Param file_name must be at most 255 characters long.');
    const fileType = query.file_type?.trim().toLowerCase();
    if (!fileType) throw invalid('Param file_type is required.');
    const type = UPLOAD_TYPES[fileType];
    if (!type) {
      throw invalid(
        `Param file_type must be one of {${Object.keys(UPLOAD_TYPES).join(', ')}}; got ${fileType.slice(0, 80)}.`,
      );
    }
    const fileLength = Number(query.file_length);
    if (!query.file_length || !Number.isSafeInteger(fileLength) || fileLength < 1)
      throw invalid('Param file_length must be a positive integer (the file size in bytes).');
    if (fileLength > type.maxBytes)
      throw invalid(
        `A ${fileType} sample may have at most ${type.maxBytes} bytes; file_length is ${fileLength}.`,
      );
    const session: UploadSession = {
      id: randomBytes(24).toString('base64url'),
      fileName,
      fileLength,
      fileType,
      createdAt: now,
      offset: 0,
      head: Buffer.alloc(0),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /**
   * Step 2: appends a chunk at `fileOffset` (must be where the session stands); once every declared byte
   * is there (and the first bytes fit the type) the session gets its handle. Throws 100.
   */
  append(session: UploadSession, fileOffset: number, chunk: Buffer): UploadSession {
    if (session.handle) return session;
    if (fileOffset !== session.offset)
      throw invalid(`file_offset must be ${session.offset} (the bytes received so far); got ${fileOffset}.`);
    if (chunk.length === 0) throw invalid('The request body is empty; send the file bytes.');
    if (session.offset + chunk.length > session.fileLength)
      throw invalid(`The file is longer than file_length (${session.fileLength} bytes).`, 413);
    if (session.head.length < 16)
      session.head = Buffer.concat([session.head, chunk.subarray(0, 16 - session.head.length)]);
    session.offset += chunk.length;
    if (session.offset < session.fileLength) return session;
    const mime = session.fileType === 'image/jpg' ? 'image/jpeg' : session.fileType;
    if (!bytesMatchMime(session.head, mime)) {
      this.sessions.delete(session.id);
      throw invalid(`The file's content does not match its file_type ${session.fileType}.`);
    }
    const handle = `4::${Buffer.from(session.fileType).toString('base64')}:${randomBytes(24).toString('base64url')}`;
    session.handle = handle;
    this.handles.set(handle, {
      handle,
      sessionId: session.id,
      fileType: session.fileType,
      fileLength: session.fileLength,
    });
    return session;
  }
}

/** Why a media HEADER's `example.header_handle` is not acceptable, or undefined when it is. */
export function headerHandleProblem(
  uploads: UploadStore,
  header: Record<string, unknown>,
): string | undefined {
  const format = String(header.format ?? '').toUpperCase();
  if (!['IMAGE', 'VIDEO', 'DOCUMENT', 'GIF'].includes(format)) return undefined;
  const example = header.example as { header_handle?: unknown } | undefined;
  const handles = example?.header_handle;
  const handle = Array.isArray(handles) && handles.length === 1 ? handles[0] : undefined;
  if (typeof handle !== 'string' || handle === '')
    return `A ${format} header needs example.header_handle with one file handle from the Resumable Upload API (POST /{app-id}/uploads, then POST /upload:<id>).`;
  const uploaded = uploads.handles.get(handle);
  if (!uploaded)
    return `example.header_handle of the ${format} header is not a file handle issued by the Resumable Upload API.`;
  if (!UPLOAD_TYPES[uploaded.fileType]?.formats.includes(format))
    return `The sample file of the ${format} header is ${uploaded.fileType}, which does not fit a ${format} header.`;
  return undefined;
}
