// The audio of caption segments as the captioner wants it: 16 kHz mono, one span per segment.
// All spans of a file come from a single streaming pass, so captioning N segments decodes the
// file once rather than N times from the start; nothing outside the spans is kept. A span that
// yields no samples (past the end of a cut-off file, or a file that decodes to nothing) is an
// error naming the file: no caption, features or attributes are ever made from silence nobody
// recorded.
import { StudioError } from '../../shared/errors';
import { readAudio } from '../audio/read';
import { AST_SAMPLE_RATE } from './features/fbank';

export interface Span {
  startSec?: number;
  endSec?: number;
}

export async function readSegments(file: string, spans: Span[], signal?: AbortSignal): Promise<Float32Array[]> {
  const bounds = spans.map((s) => ({
    from: Math.round((s.startSec ?? 0) * AST_SAMPLE_RATE),
    to: s.endSec === undefined || s.endSec === Infinity ? Infinity : Math.round(s.endSec * AST_SAMPLE_RATE),
    parts: [] as Float32Array[],
  }));
  const last = Math.max(...bounds.map((b) => b.to));
  let pos = 0;
  for await (const [mono] of readAudio(file, { sampleRate: AST_SAMPLE_RATE, channels: 1 }, { signal })) {
    const n = mono!.length;
    for (const b of bounds) {
      const a = Math.max(b.from, pos);
      const z = Math.min(b.to, pos + n);
      if (z > a) b.parts.push(mono!.slice(a - pos, z - pos));
    }
    pos += n;
    if (pos >= last) break;
  }
  const empty = bounds.findIndex((b) => !b.parts.some((p) => p.length));
  if (empty >= 0) {
    const s = spans[empty]!;
    const span = `${(s.startSec ?? 0).toFixed(2)}–${s.endSec === undefined || s.endSec === Infinity ? 'end' : `${s.endSec.toFixed(2)} s`}`;
    const have = pos ? `it decodes to ${(pos / AST_SAMPLE_RATE).toFixed(2)} s` : 'it decodes to no samples at all';
    throw new StudioError('BAD_REQUEST', `${file}: no audio in ${span} (${have})`);
  }
  return bounds.map(({ parts }) => {
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  });
}

export async function readSegment(file: string, startSec = 0, endSec = Infinity, signal?: AbortSignal): Promise<Float32Array> {
  return (await readSegments(file, [{ startSec, endSec }], signal))[0]!;
}
