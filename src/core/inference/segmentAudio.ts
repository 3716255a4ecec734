// The audio of one caption segment as the captioner wants it: 16 kHz mono, from start to end,
// read by streaming through the file (nothing before the segment is kept).
import { readAudio } from '../audio/read';
import { AST_SAMPLE_RATE } from './features/fbank';

export async function readSegment(file: string, startSec = 0, endSec = Infinity, signal?: AbortSignal): Promise<Float32Array> {
  const from = Math.round(startSec * AST_SAMPLE_RATE);
  const to = endSec === Infinity ? Infinity : Math.round(endSec * AST_SAMPLE_RATE);
  const parts: Float32Array[] = [];
  let pos = 0;
  for await (const [mono] of readAudio(file, { sampleRate: AST_SAMPLE_RATE, channels: 1 }, { signal })) {
    const n = mono!.length;
    const a = Math.max(from, pos);
    const b = Math.min(to, pos + n);
    if (b > a) parts.push(mono!.subarray(a - pos, b - pos));
    pos += n;
    if (pos >= to) break;
  }
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
