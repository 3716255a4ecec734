// Parses a single HTTP Range header (RFC 9110 §14) into inclusive byte offsets. Audio elements
// and decoders seek with these; multi-range requests are rare for media and answered whole.

export type RangeResult = { start: number; end: number } | 'unsatisfiable' | null;

/** null: no usable range (serve the whole file); 'unsatisfiable': answer 416. */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header) return null;
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
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
