// Waveform peaks at several resolutions, computed once per file in a single streaming pass and
// stored compactly (int16 min/max pairs). The view asks for roughly as many peaks as it has
// pixels and gets the nearest level, so a 60-minute track never ships millions of points; a
// zoomed-in view asks for just the span it shows (pickRange) and gets a finer level there.

export const BASE_SAMPLES_PER_PEAK = 256;
export const LEVEL_FACTOR = 4;
const MIN_LEVEL_PEAKS = 64;

export interface PeaksLevel {
  samplesPerPeak: number;
  /** Interleaved [min0, max0, min1, max1, …] scaled to int16. */
  minMax: Int16Array;
}

export interface Peaks {
  sampleRate: number;
  frames: number;
  levels: PeaksLevel[];
}

/** Accumulates min/max per bucket over all channels, chunk by chunk. */
export class PeaksBuilder {
  private mins: number[] = [];
  private maxs: number[] = [];
  private curMin = Infinity;
  private curMax = -Infinity;
  private inBucket = 0;
  private frames = 0;

  constructor(readonly sampleRate: number, readonly samplesPerPeak = BASE_SAMPLES_PER_PEAK) {}

  add(channelData: Float32Array[]): void {
    const len = channelData[0]?.length ?? 0;
    for (let i = 0; i < len; i++) {
      for (const ch of channelData) {
        const v = ch[i]!;
        if (v < this.curMin) this.curMin = v;
        if (v > this.curMax) this.curMax = v;
      }
      if (++this.inBucket === this.samplesPerPeak) this.closeBucket();
    }
    this.frames += len;
  }

  finish(): Peaks {
    if (this.inBucket > 0) this.closeBucket();
    const base = new Int16Array(this.mins.length * 2);
    for (let i = 0; i < this.mins.length; i++) {
      base[2 * i] = toI16(this.mins[i]!);
      base[2 * i + 1] = toI16(this.maxs[i]!);
    }
    const levels: PeaksLevel[] = [{ samplesPerPeak: this.samplesPerPeak, minMax: base }];
    for (let lvl = levels[0]!; lvl.minMax.length / 2 > MIN_LEVEL_PEAKS; ) {
      lvl = coarsen(lvl);
      levels.push(lvl);
    }
    return { sampleRate: this.sampleRate, frames: this.frames, levels };
  }

  private closeBucket(): void {
    this.mins.push(this.curMin);
    this.maxs.push(this.curMax);
    this.curMin = Infinity;
    this.curMax = -Infinity;
    this.inBucket = 0;
  }
}

function coarsen(level: PeaksLevel): PeaksLevel {
  const n = level.minMax.length / 2;
  const m = Math.ceil(n / LEVEL_FACTOR);
  const out = new Int16Array(m * 2);
  for (let j = 0; j < m; j++) {
    let lo = 32767;
    let hi = -32768;
    for (let i = j * LEVEL_FACTOR; i < Math.min(n, (j + 1) * LEVEL_FACTOR); i++) {
      lo = Math.min(lo, level.minMax[2 * i]!);
      hi = Math.max(hi, level.minMax[2 * i + 1]!);
    }
    out[2 * j] = lo;
    out[2 * j + 1] = hi;
  }
  return { samplesPerPeak: level.samplesPerPeak * LEVEL_FACTOR, minMax: out };
}

const toI16 = (v: number): number => Math.round(Math.max(-1, Math.min(1, v)) * 32767);

/** The coarsest level that still has at least `wanted` peaks (else the finest). */
export function pickLevel(peaks: Peaks, wanted: number): PeaksLevel {
  for (let i = peaks.levels.length - 1; i >= 0; i--) {
    if (peaks.levels[i]!.minMax.length / 2 >= wanted) return peaks.levels[i]!;
  }
  return peaks.levels[0]!;
}

/** A run of one level's peaks: indexes [first, end) of `level`. */
export interface PeaksRange {
  level: PeaksLevel;
  first: number;
  end: number;
}

/**
 * The peaks covering [startSec, endSec]: the coarsest level that has at least `wanted` peaks in
 * that span (else the finest), so a zoomed-in view gets detail for what it shows and no more.
 */
export function pickRange(peaks: Peaks, startSec: number, endSec: number, wanted: number): PeaksRange {
  const span = (level: PeaksLevel): PeaksRange => {
    const count = level.minMax.length / 2;
    const first = Math.min(count, Math.max(0, Math.floor((startSec * peaks.sampleRate) / level.samplesPerPeak)));
    const end = Math.min(count, Math.max(first, Math.ceil((endSec * peaks.sampleRate) / level.samplesPerPeak)));
    return { level, first, end };
  };
  for (let i = peaks.levels.length - 1; i > 0; i--) {
    const r = span(peaks.levels[i]!);
    if (r.end - r.first >= wanted) return r;
  }
  return span(peaks.levels[0]!);
}

// Binary file: "S2PK", u32 version, u32 sampleRate, f64 frames, u32 levels, then per level
// u32 samplesPerPeak + u32 count, then each level's int16 pairs in order.
const MAGIC = 0x4b503253; // "S2PK" little-endian
const VERSION = 1;

export function encodePeaks(p: Peaks): Buffer {
  const headerBytes = 4 + 4 + 4 + 8 + 4 + p.levels.length * 8;
  const dataBytes = p.levels.reduce((n, l) => n + l.minMax.byteLength, 0);
  const buf = Buffer.alloc(headerBytes + dataBytes);
  let o = 0;
  o = buf.writeUInt32LE(MAGIC, o);
  o = buf.writeUInt32LE(VERSION, o);
  o = buf.writeUInt32LE(p.sampleRate, o);
  o = buf.writeDoubleLE(p.frames, o);
  o = buf.writeUInt32LE(p.levels.length, o);
  for (const l of p.levels) {
    o = buf.writeUInt32LE(l.samplesPerPeak, o);
    o = buf.writeUInt32LE(l.minMax.length / 2, o);
  }
  for (const l of p.levels) {
    Buffer.from(l.minMax.buffer, l.minMax.byteOffset, l.minMax.byteLength).copy(buf, o);
    o += l.minMax.byteLength;
  }
  return buf;
}

export function decodePeaks(buf: Buffer): Peaks {
  if (buf.length < 24 || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== VERSION) throw new Error('not a peaks file');
  const sampleRate = buf.readUInt32LE(8);
  const frames = buf.readDoubleLE(12);
  const n = buf.readUInt32LE(20);
  let o = 24;
  const shape: { spp: number; count: number }[] = [];
  for (let i = 0; i < n; i++, o += 8) shape.push({ spp: buf.readUInt32LE(o), count: buf.readUInt32LE(o + 4) });
  const levels = shape.map(({ spp, count }) => {
    const bytes = count * 4;
    if (o + bytes > buf.length) throw new Error('truncated peaks file');
    const minMax = new Int16Array(count * 2);
    Buffer.from(minMax.buffer).set(buf.subarray(o, o + bytes));
    o += bytes;
    return { samplesPerPeak: spp, minMax };
  });
  return { sampleRate, frames, levels };
}
