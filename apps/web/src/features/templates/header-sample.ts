import { mimeOf } from '../inbox/composer/attachments';

export type SampleFormat = 'IMAGE' | 'VIDEO' | 'DOCUMENT';

const MB = 1024 * 1024;

/**
 * What a media header's sample may be (Meta's Resumable Upload API, as the server checks it):
 * images JPEG or PNG up to 5 MB, videos MP4 up to 16 MB, documents PDF up to 100 MB.
 */
export const SAMPLE_TYPES: Record<SampleFormat, { mimes: string[]; accept: string; maxBytes: number }> = {
  IMAGE: {
    mimes: ['image/jpeg', 'image/png'],
    accept: 'image/jpeg,image/png,.jpg,.jpeg,.png',
    maxBytes: 5 * MB,
  },
  VIDEO: { mimes: ['video/mp4'], accept: 'video/mp4,.mp4', maxBytes: 16 * MB },
  DOCUMENT: { mimes: ['application/pdf'], accept: 'application/pdf,.pdf', maxBytes: 100 * MB },
};

export type SampleProblem =
  | { problem: 'type' }
  | { problem: 'size'; maxBytes: number }
  | { problem: 'empty' };

/** Why `file` cannot be the sample of a `format` header, or null when it can. Pure. */
export function checkSample(
  file: { name: string; type: string; size: number },
  format: SampleFormat,
): SampleProblem | null {
  const { mimes, maxBytes } = SAMPLE_TYPES[format];
  if (!mimes.includes(mimeOf(file))) return { problem: 'type' };
  if (file.size === 0) return { problem: 'empty' };
  if (file.size > maxBytes) return { problem: 'size', maxBytes };
  return null;
}
