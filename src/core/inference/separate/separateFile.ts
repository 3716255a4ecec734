// Separates a whole file into stem files, streaming: decode → 44.1 kHz stereo → demucs' input
// normalisation (mono reference: minus its mean, over its std; undone on every stem) → chunked
// inference with overlap-add (and, optionally, demucs' random-shift averaging) → WAV per stem.
// Each WAV is written under a temporary name and renamed into place only when complete (see
// audio/wavWriter), so a cancelled, failed or killed run never leaves a half-written stem.
// Two passes over the file (statistics, then separation) keep memory bounded for any length.
// Pipelined so that the model, not this code, sets the pace: while a segment runs (session.run is
// asynchronous), the next chunks are decoded and normalised into reused arrays, the previous
// segment is overlap-added (overlapAdd.ts) and the finished stem audio is converted and handed to
// background writes (WavWriter.queue). Runs are serialised — one at a time, shift passes included.
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
  /** Of `ms`, the time the separator's runSegment was busy (model and its tensor conversions). */
  modelMs: number;
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
  let modelMs = 0;
  let turn: Promise<unknown> = Promise.resolve();
  const run = (segment: Float32Array[]) => {
    const result = turn.then(async () => {
      opts.signal?.throwIfAborted(); // cancellation takes effect between segments
      const t = performance.now();
      try {
        return await sep.runSegment(segment);
      } finally {
        modelMs += performance.now() - t;
      }
    });
    turn = result.catch(() => {});
    return result;
  };
  const adders = passes.map(() => new OverlapAdd({ segment: sep.spec.segmentSamples, channels: 2, sources: sep.sources.length }, run));
  const expectedSegments = passes.reduce((a, d) => a + Math.ceil((stats.frames + d) / adders[0]!.stride), 0);
  const queues = passes.map((d) => new StemQueue(d));

  fs.mkdirSync(opts.outDir, { recursive: true });
  const writers: WavWriter[] = [];
  const mixed = sep.sources.map(() => [new Float32Array(0), new Float32Array(0)]);
  let writes: Promise<void>[] = [];
  let written = 0;
  const progress = () => {
    const done = adders.reduce((a, x) => a + x.segmentsDone, 0);
    opts.onProgress?.(Math.min(1, done / Math.max(1, expectedSegments)), `segment ${done}/${expectedSegments}`);
  };
  const drain = async () => {
    const avail = Math.min(...queues.map((q) => q.frames));
    if (avail <= 0) return;
    await Promise.all(writes); // back-pressure: one drain's blocks in flight at most (queue() copies, so `mixed` is free)
    writes = sep.sources.map((_, s) => {
      const planar = [0, 1].map((c) => {
        if (mixed[s]![c]!.length < avail) mixed[s]![c] = new Float32Array(Math.max(avail, 2 * mixed[s]![c]!.length));
        const out = mixed[s]![c]!.subarray(0, avail);
        out.fill(0);
        for (const q of queues) q.addTo(out, s, c);
        for (let i = 0; i < avail; i++) out[i] = (out[i]! / queues.length) * std + stats.mean;
        return out;
      });
      return writers[s]!.queue(planar);
    });
    queues.forEach((q) => q.consume(avail));
    written += avail;
  };

  try {
    for (const name of sep.sources) writers.push(new WavWriter(path.join(opts.outDir, `${name}.wav`), rate, 2, 'pcm24'));
    for (let k = 0; k < passes.length; k++) {
      const d = passes[k]!;
      if (d > 0) queues[k]!.push(await adders[k]!.push([new Float32Array(d), new Float32Array(d)]));
    }
    const norm = [new Float32Array(0), new Float32Array(0)];
    for await (const chunk of readAudio(file, { sampleRate: rate, channels: 2 }, { signal: opts.signal })) {
      const n = chunk[0]!.length;
      for (let c = 0; c < 2; c++) {
        if (norm[c]!.length < n) norm[c] = new Float32Array(Math.max(n, 2 * norm[c]!.length));
        const x = chunk[c]!;
        const y = norm[c]!;
        for (let i = 0; i < n; i++) y[i] = (x[i]! - stats.mean) / std;
      }
      const planar = norm.map((a) => a.subarray(0, n)); // OverlapAdd.push copies it before awaiting
      for (let k = 0; k < adders.length; k++) queues[k]!.push(await adders[k]!.push(planar));
      await drain();
      progress();
    }
    for (let k = 0; k < adders.length; k++) queues[k]!.push(await adders[k]!.end());
    await drain();
    progress();
    await Promise.all(writes);
    await Promise.all(writers.map((w) => w.commit()));
  } catch (err) {
    await Promise.all(writers.map((w) => w.abort())); // each waits for its queued writes
    throw err;
  }
  return {
    stems: sep.sources.map((name) => ({ name, path: path.join(opts.outDir, `${name}.wav`) })),
    frames: written,
    sampleRate: rate,
    ms: performance.now() - t0,
    modelMs,
  };
}

/** Delays (in samples) for demucs' shift trick: max_shift − randint(0, max_shift) per pass. */
export function shiftOffsets(shifts: number, maxShift: number, seed: number): number[] {
  if (shifts <= 0) return [0];
  let s = (seed * 2654435761 + 1) >>> 0 || 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: shifts }, () => maxShift - Math.floor(rnd() * (maxShift + 1)));
}

/** One shift pass's finished output ([source][channel] blocks), less its leading `skip` samples
 *  (the pass's delay), read out in step with the other passes. */
class StemQueue {
  private readonly parts: Float32Array[][][] = [];
  private head = 0; // samples of parts[0] already consumed
  frames = 0;

  constructor(private skip: number) {}

  push(out: Float32Array[][]): void {
    let o = out;
    if (this.skip > 0) {
      const cut = Math.min(this.skip, o[0]![0]!.length);
      o = o.map((s) => s.map((ch) => ch.subarray(cut)));
      this.skip -= cut;
    }
    if (!o[0]![0]!.length) return;
    this.parts.push(o);
    this.frames += o[0]![0]!.length;
  }

  /** Adds the next out.length samples of source s, channel c to `out` (not consuming them). */
  addTo(out: Float32Array, s: number, c: number): void {
    for (let p = 0, o = 0, from = this.head; o < out.length; p++, from = 0) {
      const ch = this.parts[p]![s]![c]!;
      const use = Math.min(ch.length - from, out.length - o);
      for (let i = 0; i < use; i++) out[o + i]! += ch[from + i]!;
      o += use;
    }
  }

  consume(n: number): void {
    this.frames -= n;
    let left = n;
    while (left > 0) {
      const len = this.parts[0]![0]![0]!.length - this.head;
      if (left < len) {
        this.head += left;
        return;
      }
      left -= len;
      this.parts.shift();
      this.head = 0;
    }
  }
}
