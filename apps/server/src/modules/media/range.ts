/**
 * The single byte range a `Range` header asks for, for a file of `size` bytes (RFC 9110 14.1.2):
 * `bytes=a-b`, `bytes=a-` and the suffix form `bytes=-n`; the end is clamped to the file. Returns null
 * when there is no usable header (absent, another unit, several ranges, malformed), so the whole file is
 * sent; 'unsatisfiable' when the range starts past the end (answer 416). Pure.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? Number.POSITIVE_INFINITY : Number(m[2]);
  if (!Number.isSafeInteger(start) || end < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}
