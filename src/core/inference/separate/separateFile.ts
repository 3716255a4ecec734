// Separates a whole file into stem files, streaming: decode → 44.1 kHz stereo → demucs' input
// normalisation (mono reference: minus its mean, over its std; undone on every stem) → chunked
// inference with overlap-add (and, optionally, demucs' random-shift averaging) → WAV per stem.
// Each WAV is written under a temporary name and renamed into place only when complete (see
// audio/wavWriter), so a cancelled, failed or killed run never leaves a half-written stem.
// Two passes over the file (statistics, then separation) keep memory bounded for any length.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../shared/errors';
import { readAudio } from '../../audio/read';
import { WavWriter } from '../../audio/wavWriter';
import { OverlapAdd } from './overlapAdd';
import type { Separator } from './separator';

/** What separateFile needs of a separator: a model pack's, or the built-in one. */
export type SegmentSeparator = Pick<Separator, 'spec' | 'sources' | 'runSegment'> & {
  /** Refuse input whose two channels are the same (a method that works on stereo differences). */
  needsStereo?: string;
};

export interface SeparateOptions {
  outDir: string;
  /** demucs `shifts`: 0 = none; N = average N passes at random offsets up to 0.5 s. */
  shifts?: number;
  seed?: number;
  signal?: AbortSignal;
  /** Fraction done (0–1) and a short note. */
  onProgress?: (fraction: number, detail: string) => void;
}

export interface SeparateResult {
  stems: { name: string; path: string }[];
  frames: number;
  sampleRate: number;
  ms: number;
}

/** Mean and (unbiased) standard deviation of the mono reference — the average of the two
 *  channels that are separated — streamed. */
export async function referenceStats(
  file: string,
  sampleRate: number,
  signal?: AbortSignal,
): Promise<{ mean: number; std: number; frames: number; stereo: boolean }> {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let stereo = false;
  for await (const [l, r] of readAudio(file, { sampleRate, channels: 2 }, { signal })) {
    for (let i = 0; i < l!.length; i++) {
      const x = (l![i]! + r![i]!) / 2;
      if (l![i] !== r![i]) stereo = true;
      n++;
      const d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    }
  }
  return { mean, std: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0, frames: n, stereo };
}

export async function separateFile(file: string, sep: SegmentSeparator, opts: SeparateOptions): Promise<SeparateResult> {
  const t0 = performance.now();
  const rate = sep.spec.sampleRate;
  const stats = await referenceStats(file, rate, opts.signal);
  if (sep.needsStereo && !stats.stereo) throw new StudioError('UNSUPPORTED', sep.needsStereo);
  const std = stats.std > 1e-8 ? stats.std : 1; // digital silence: nothing to scale
  const passes = shiftOffsets(opts.shifts ?? 0, Math.floor(0.5 * rate), opts.seed ?? 0);
  const run = (segment: Float32Array[]) => {
    opts.signal?.throwIfAborted(); // cancellation takes effect between segments
    return sep.runSegment(segment);
  };
  const adders = passes.map(() => new OverlapAdd({ segment: sep.spec.segmentSamples, channels: 2, sources: sep.sources.length }, run));
  const expectedSegments = passes.reduce((a, d) => a + Math.ceil((stats.frames + d) / adders[0]!.stride), 0);
  const queues = passes.map(() => ({ skip: 0, parts: [] as Float32Array[][][] }));
  passes.forEach((d, k) => (queues[k]!.skip = d));

  fs.mkdirSync(opts.outDir, { recursive: true });
  const writers: WavWriter[] = [];
  let written = 0;
  const progress = () => {
    const done = adders.reduce((a, x) => a + x.segmentsDone, 0);
    opts.onProgress?.(Math.min(1, done / Math.max(1, expectedSegments)), `segment ${done}/${expectedSegments}`);
  };
  const collect = (k: number, out: Float32Array[][]) => {
    const q = queues[k]!;
    let o = out;
    if (q.skip > 0) {
      const cut = Math.min(q.skip, o[0]![0]!.length);
      o = o.map((s) => s.map((ch) => ch.subarray(cut)));
      q.skip -= cut;
    }
    if (o[0]![0]!.length) q.parts.push(o);
  };
  const drain = () => {
    const avail = Math.min(...queues.map((q) => q.parts.reduce((a, p) => a + p[0]![0]!.length, 0)));
    if (avail <= 0) return;
    const per = queues.map((q) => take(q.parts, avail));
    sep.sources.forEach((_, s) => {
      const planar = [0, 1].map((c) => {
        const out = new Float32Array(avail);
        for (const p of per) for (let i = 0; i < avail; i++) out[i]! += p[s]![c]![i]!;
        for (let i = 0; i < avail; i++) out[i] = (out[i]! / per.length) * std + stats.mean;
        return out;
      });
      writers[s]!.write(planar);
    });
    written += avail;
  };

  try {
    for (const name of sep.sources) writers.push(new WavWriter(path.join(opts.outDir, `${name}.wav`), rate, 2, 'pcm24'));
    for (let k = 0; k < passes.length; k++) {
      const d = passes[k]!;
      if (d > 0) collect(k, await adders[k]!.push([new Float32Array(d), new Float32Array(d)]));
    }
    for await (const chunk of readAudio(file, { sampleRate: rate, channels: 2 }, { signal: opts.signal })) {
      const norm = chunk.map((ch) => ch.map((x) => (x - stats.mean) / std));
      for (let k = 0; k < adders.length; k++) collect(k, await adders[k]!.push(norm));
      drain();
      progress();
    }
    for (let k = 0; k < adders.length; k++) collect(k, await adders[k]!.end());
    drain();
    progress();
    writers.forEach((w) => w.close());
  } catch (err) {
    writers.forEach((w) => w.abort());
    throw err;
  }
  return {
    stems: sep.sources.map((name) => ({ name, path: path.join(opts.outDir, `${name}.wav`) })),
    frames: written,
    sampleRate: rate,
    ms: performance.now() - t0,
  };
}

/** Delays (in samples) for demucs' shift trick: max_shift − randint(0, max_shift) per pass. */
export function shiftOffsets(shifts: number, maxShift: number, seed: number): number[] {
  if (shifts <= 0) return [0];
  let s = (seed * 2654435761 + 1) >>> 0 || 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: shifts }, () => maxShift - Math.floor(rnd() * (maxShift + 1)));
}

function take(parts: Float32Array[][][], n: number): Float32Array[][] {
  const S = parts[0]!.length;
  const C = parts[0]![0]!.length;
  const out = Array.from({ length: S }, () => Array.from({ length: C }, () => new Float32Array(n)));
  let o = 0;
  while (o < n) {
    const p = parts[0]!;
    const len = p[0]![0]!.length;
    const use = Math.min(len, n - o);
    for (let s = 0; s < S; s++) for (let c = 0; c < C; c++) out[s]![c]!.set(p[s]![c]!.subarray(0, use), o);
    if (use === len) parts.shift();
    else parts[0] = p.map((st) => st.map((ch) => ch.subarray(use)));
    o += use;
  }
  return out;
}
