// Demucs' chunked inference (demucs.apply.apply_model with split=True), streaming: fixed-length
// segments every (1 − overlap)·L samples, each weighted by a triangular window
// ((w / max w) ^ transition_power) and overlap-added; the last, short segments are padded with
// their real neighbours (zeros past the ends) and centre-trimmed, as TensorChunk.padded does.
// Output is emitted as soon as no later segment can touch it, so memory stays O(segment).

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

export class OverlapAdd {
  readonly segment: number;
  readonly stride: number;
  private readonly weight: Float32Array;
  // Input kept from `inStart` on; output accumulated from `outStart` on.
  private input: Float32Array[];
  private inStart = 0;
  private inLen = 0;
  private acc: Float32Array[][];
  private wsum: Float32Array;
  private outStart = 0;
  private nextOffset = 0;
  private ended = false;

  constructor(private readonly opts: OverlapAddOptions, private readonly run: RunSegment) {
    this.segment = opts.segment;
    this.stride = Math.floor((1 - (opts.overlap ?? 0.25)) * opts.segment);
    this.weight = transitionWeights(opts.segment, opts.transitionPower ?? 1);
    this.input = Array.from({ length: opts.channels }, () => new Float32Array(0));
    this.acc = Array.from({ length: opts.sources }, () => Array.from({ length: opts.channels }, () => new Float32Array(0)));
    this.wsum = new Float32Array(0);
  }

  /** Segments processed so far (for progress). */
  segmentsDone = 0;

  /** Adds input; resolves to whatever output became final ([source][channel]). */
  async push(planar: Float32Array[]): Promise<Float32Array[][]> {
    this.append(planar);
    const emitted: Float32Array[][][] = [];
    // A full segment at nextOffset can run once its samples are all here.
    while (this.nextOffset + this.segment <= this.inStart + this.inLen) emitted.push(await this.process(this.segment));
    return concat(emitted, this.opts.sources, this.opts.channels);
  }

  /** Input is over: runs the remaining (short, padded) segments and returns the rest. */
  async end(): Promise<Float32Array[][]> {
    this.ended = true;
    const total = this.inStart + this.inLen;
    const emitted: Float32Array[][][] = [];
    while (this.nextOffset < total) emitted.push(await this.process(Math.min(this.segment, total - this.nextOffset)));
    emitted.push(this.flushTo(total));
    return concat(emitted, this.opts.sources, this.opts.channels);
  }

  private async process(length: number): Promise<Float32Array[][]> {
    const L = this.segment;
    const offset = this.nextOffset;
    const total = this.ended ? this.inStart + this.inLen : Infinity;
    const delta = L - length;
    const start = offset - Math.floor(delta / 2);
    const seg = this.input.map((ch) => {
      const out = new Float32Array(L);
      for (let i = 0; i < L; i++) {
        const pos = start + i;
        if (pos >= this.inStart && pos < Math.min(total, this.inStart + this.inLen)) out[i] = ch[pos - this.inStart]!;
      }
      return out;
    });
    const y = await this.run(seg);
    const trim = Math.floor(delta / 2);
    this.ensureOut(offset + length);
    for (let s = 0; s < this.opts.sources; s++) {
      for (let c = 0; c < this.opts.channels; c++) {
        const src = y[s]![c]!;
        const dst = this.acc[s]![c]!;
        for (let i = 0; i < length; i++) dst[offset - this.outStart + i]! += this.weight[i]! * src[trim + i]!;
      }
    }
    for (let i = 0; i < length; i++) this.wsum[offset - this.outStart + i]! += this.weight[i]!;
    this.nextOffset += this.stride;
    this.segmentsDone++;
    // Everything before the next segment's start is final; so is input that no segment needs.
    const final = this.flushTo(Math.min(this.nextOffset, this.ended ? offset + length : this.nextOffset));
    this.dropInput(this.nextOffset - L);
    return final;
  }

  private append(planar: Float32Array[]): void {
    const n = planar[0]?.length ?? 0;
    this.input = this.input.map((ch, c) => {
      const out = new Float32Array(this.inLen + n);
      out.set(ch.subarray(0, this.inLen));
      out.set(planar[c]!, this.inLen);
      return out;
    });
    this.inLen += n;
  }

  private dropInput(before: number): void {
    const drop = Math.max(0, Math.min(before - this.inStart, this.inLen));
    if (drop <= 0) return;
    this.input = this.input.map((ch) => ch.slice(drop, this.inLen));
    this.inStart += drop;
    this.inLen -= drop;
  }

  private ensureOut(end: number): void {
    const need = end - this.outStart;
    if (this.wsum.length >= need) return;
    const grow = (a: Float32Array) => {
      const b = new Float32Array(need);
      b.set(a);
      return b;
    };
    this.acc = this.acc.map((s) => s.map(grow));
    this.wsum = grow(this.wsum);
  }

  private flushTo(end: number): Float32Array[][] {
    const n = Math.max(0, Math.min(end, this.outStart + this.wsum.length) - this.outStart);
    const out = this.acc.map((s) =>
      s.map((ch) => {
        const o = new Float32Array(n);
        for (let i = 0; i < n; i++) o[i] = this.wsum[i]! > 0 ? ch[i]! / this.wsum[i]! : 0;
        return o;
      }),
    );
    this.acc = this.acc.map((s) => s.map((ch) => ch.slice(n)));
    this.wsum = this.wsum.slice(n);
    this.outStart += n;
    return out;
  }
}

function concat(parts: Float32Array[][][], sources: number, channels: number): Float32Array[][] {
  return Array.from({ length: sources }, (_, s) =>
    Array.from({ length: channels }, (_, c) => {
      const len = parts.reduce((a, p) => a + p[s]![c]!.length, 0);
      const out = new Float32Array(len);
      let o = 0;
      for (const p of parts) {
        out.set(p[s]![c]!, o);
        o += p[s]![c]!.length;
      }
      return out;
    }),
  );
}
