// Demucs' chunked inference (demucs.apply.apply_model with split=True), streaming: fixed-length
// segments every (1 − overlap)·L samples, each weighted by a triangular window
// ((w / max w) ^ transition_power) and overlap-added; the last, short segments are padded with
// their real neighbours (zeros past the ends) and centre-trimmed, as TensorChunk.padded does.
// Output is emitted as soon as no later segment can touch it, so memory stays O(segment).
//
// Speed (so that separation is limited by the model, not by this): input and accumulators live in
// preallocated typed arrays that are compacted (copyWithin) only when their free tail runs out, so
// no chunk copies the whole buffer; and the runs are pipelined one deep: segment k+1 is handed to
// the model as soon as segment k's result is back, and k is overlap-added, emitted and written by
// the caller while k+1 runs (onnxruntime's session.run is asynchronous). Exactly one run is in
// flight at a time, and the arithmetic and its order are those of the plain loop (the test checks
// it against a direct implementation), so output is sample-identical to it.
import { concatPlanar } from '../../audio/read';

export type RunSegment = (segment: Float32Array[]) => Promise<Float32Array[][]>; // → [source][channel]

export interface OverlapAddOptions {
  segment: number;
  channels: number;
  sources: number;
  overlap?: number;
  transitionPower?: number;
}

export function transitionWeights(L: number, power = 1): Float32Array {
  const w = new Float32Array(L);
  const half = Math.floor(L / 2);
  for (let i = 0; i < half; i++) w[i] = i + 1;
  for (let i = half; i < L; i++) w[i] = L - i;
  let max = 0;
  for (const x of w) max = Math.max(max, x);
  for (let i = 0; i < L; i++) w[i] = (w[i]! / max) ** power;
  return w;
}

interface InFlight {
  offset: number;
  length: number;
  result: Promise<Float32Array[][]>;
}

export class OverlapAdd {
  readonly segment: number;
  readonly stride: number;
  private readonly weight: Float32Array;
  // Input: absolute sample inStart is at input[c][inHead]; inLen samples are held.
  private input: Float32Array[];
  private inHead = 0;
  private inStart = 0;
  private inLen = 0;
  // Accumulators: absolute sample outStart is at acc[s][c][outHead] / wsum[outHead]; everything
  // from outHead on that no segment has touched yet is zero.
  private acc: Float32Array[][];
  private wsum: Float32Array;
  private outHead = 0;
  private outStart = 0;
  private outLen = 0;
  private nextOffset = 0;
  private inflight: InFlight | null = null;

  constructor(private readonly opts: OverlapAddOptions, private readonly run: RunSegment) {
    this.segment = opts.segment;
    this.stride = Math.floor((1 - (opts.overlap ?? 0.25)) * opts.segment);
    this.weight = transitionWeights(opts.segment, opts.transitionPower ?? 1);
    const cap = 2 * opts.segment;
    this.input = Array.from({ length: opts.channels }, () => new Float32Array(cap));
    this.acc = Array.from({ length: opts.sources }, () => Array.from({ length: opts.channels }, () => new Float32Array(cap)));
    this.wsum = new Float32Array(cap);
  }

  /** Segments processed so far (for progress). */
  segmentsDone = 0;

  /** Adds input (copied before anything is awaited, so the caller may reuse its arrays);
   *  resolves to whatever output became final ([source][channel]). */
  async push(planar: Float32Array[]): Promise<Float32Array[][]> {
    this.append(planar);
    const emitted: Float32Array[][][] = [];
    // A full segment at nextOffset can run once its samples are all here.
    while (this.nextOffset + this.segment <= this.inStart + this.inLen) emitted.push(await this.launch(this.segment));
    return concat(emitted, this.opts.sources, this.opts.channels);
  }

  /** Input is over: runs the remaining (short, padded) segments and returns the rest. */
  async end(): Promise<Float32Array[][]> {
    const total = this.inStart + this.inLen;
    const emitted: Float32Array[][][] = [];
    while (this.nextOffset < total) emitted.push(await this.launch(Math.min(this.segment, total - this.nextOffset)));
    emitted.push(await this.settle(null));
    emitted.push(this.flushTo(total));
    return concat(emitted, this.opts.sources, this.opts.channels);
  }

  /** Prepares the segment at nextOffset, starts it once the one in flight has returned, and
   *  overlap-adds that one while the new one runs; returns the output that became final. */
  private async launch(length: number): Promise<Float32Array[][]> {
    const L = this.segment;
    const offset = this.nextOffset;
    const start = offset - Math.floor((L - length) / 2);
    // Real samples from max(start, inStart) to min(start + L, end of input); zeros around them.
    const from = Math.max(start, this.inStart);
    const to = Math.min(start + L, this.inStart + this.inLen);
    const seg = this.input.map((ch) => {
      const out = new Float32Array(L);
      if (to > from) out.set(ch.subarray(this.inHead + from - this.inStart, this.inHead + to - this.inStart), from - start);
      return out;
    });
    this.nextOffset += this.stride;
    this.dropInput(this.nextOffset - L); // no later segment reads before its own start
    return this.settle({ offset, length, seg });
  }

  /** Waits for the run in flight, starts `next`, then overlap-adds the finished one. */
  private async settle(next: { offset: number; length: number; seg: Float32Array[] } | null): Promise<Float32Array[][]> {
    const done = this.inflight;
    this.inflight = null;
    const y = done ? await done.result : null; // a failure leaves nothing in flight
    if (next) this.inflight = { offset: next.offset, length: next.length, result: this.start(next.seg) };
    if (!done || !y) return this.flushTo(this.outStart);
    return this.accumulate(done.offset, done.length, y);
  }

  /** Overlap-adds a segment's result (kept out of the async functions, which V8 optimises less). */
  private accumulate(offset: number, length: number, y: Float32Array[][]): Float32Array[][] {
    const trim = Math.floor((this.segment - length) / 2);
    this.ensureOut(offset + length);
    const base = this.outHead + offset - this.outStart;
    const w = this.weight;
    for (let s = 0; s < this.opts.sources; s++) {
      for (let c = 0; c < this.opts.channels; c++) {
        const src = y[s]![c]!;
        const dst = this.acc[s]![c]!;
        for (let i = 0; i < length; i++) dst[base + i]! += w[i]! * src[trim + i]!;
      }
    }
    const wsum = this.wsum;
    for (let i = 0; i < length; i++) wsum[base + i]! += w[i]!;
    this.segmentsDone++;
    // Everything before the next segment's start is final (past the input's end: all it covered).
    return this.flushTo(Math.min(offset + this.stride, offset + length));
  }

  /** Calls the model; a rejection handler is attached at once so that a failure is not reported
   *  as unhandled while the caller is busy elsewhere; settle() awaits and rethrows it. */
  private start(seg: Float32Array[]): Promise<Float32Array[][]> {
    let p: Promise<Float32Array[][]>;
    try {
      p = this.run(seg);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.catch(() => {});
    return p;
  }

  private append(planar: Float32Array[]): void {
    const n = planar[0]?.length ?? 0;
    if (this.inHead + this.inLen + n > this.input[0]!.length) {
      const cap = Math.max(this.input[0]!.length, 2 * (this.inLen + n));
      this.input = this.input.map((ch) => {
        const live = ch.subarray(this.inHead, this.inHead + this.inLen);
        if (cap === ch.length) {
          ch.copyWithin(0, this.inHead, this.inHead + this.inLen);
          return ch;
        }
        const b = new Float32Array(cap);
        b.set(live);
        return b;
      });
      this.inHead = 0;
    }
    for (let c = 0; c < this.input.length; c++) this.input[c]!.set(planar[c]!, this.inHead + this.inLen);
    this.inLen += n;
  }

  private dropInput(before: number): void {
    const drop = Math.max(0, Math.min(before - this.inStart, this.inLen));
    if (drop <= 0) return;
    this.inHead += drop;
    this.inStart += drop;
    this.inLen -= drop;
  }

  /** Makes room for accumulating up to absolute sample `end` (exclusive). */
  private ensureOut(end: number): void {
    const need = end - this.outStart;
    if (this.outHead + need > this.wsum.length) this.compactOut(need);
    if (need > this.outLen) this.outLen = need;
  }

  private compactOut(need: number): void {
    const cap = Math.max(this.wsum.length, 2 * need);
    const h = this.outHead;
    const live = this.outLen; // past it everything is zero
    const move = (a: Float32Array) => {
      if (cap === a.length) {
        a.copyWithin(0, h, h + live);
        a.fill(0, live, h + live);
        return a;
      }
      const b = new Float32Array(cap);
      b.set(a.subarray(h, h + live));
      return b;
    };
    this.acc = this.acc.map((s) => s.map(move));
    this.wsum = move(this.wsum);
    this.outHead = 0;
  }

  private flushTo(end: number): Float32Array[][] {
    const n = Math.max(0, Math.min(end - this.outStart, this.outLen));
    const h = this.outHead;
    const wsum = this.wsum;
    const out: Float32Array[][] = [];
    for (const source of this.acc) {
      const o: Float32Array[] = [];
      for (const ch of source) {
        const x = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const ws = wsum[h + i]!;
          x[i] = ws > 0 ? ch[h + i]! / ws : 0;
        }
        ch.fill(0, h, h + n); // consumed: the zero invariant holds wherever the head moves
        o.push(x);
      }
      out.push(o);
    }
    wsum.fill(0, h, h + n);
    this.outHead += n;
    this.outStart += n;
    this.outLen -= n;
    return out;
  }
}

/** Joins [source][channel] blocks end to end, per source. */
function concat(parts: Float32Array[][][], sources: number, channels: number): Float32Array[][] {
  if (parts.length === 1) return parts[0]!;
  return Array.from({ length: sources }, (_, s) => concatPlanar(parts.map((p) => p[s]!), channels));
}
