// Parses a single HTTP Range header (RFC 9110 §14) into inclusive byte offsets. Audio elements
// and decoders seek with these; multi-range requests are rare for media and answered whole.

export type RangeResult = { start: number; end: number } | 'unsatisfiable' | null;

/** null: no usable range (serve the whole file); 'unsatisfiable': answer 416. */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header || size === 0) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (b !== '' && Number(b) < start) return null; // invalid range: ignored, whole file (RFC 9110 §14.2)
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

export interface MediaResponsePlan {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /** Inclusive byte range to send; null when there is no body (416, empty file). */
  body: { start: number; end: number } | null;
}

/** Status, headers and byte range for serving a media file of `size` bytes to a Range request. */
export function planMediaResponse(size: number, contentType: string, rangeHeader: string | undefined): MediaResponsePlan {
  const headers: Record<string, string> = { 'content-type': contentType, 'accept-ranges': 'bytes', 'cache-control': 'no-cache' };
  const range = parseRange(rangeHeader, size);
  if (range === 'unsatisfiable') return { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` }, body: null };
  const { start, end } = range ?? { start: 0, end: size - 1 };
  headers['content-length'] = String(Math.max(0, end - start + 1));
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  return { status: range ? 206 : 200, headers, body: size > 0 ? { start, end } : null };
}
