// Measured singing attributes of a segment (16 kHz mono), by classical signal processing: the
// built-in suggester's evidence until a captioner pack is installed. Each number is something a
// listener can check: median voiced f0 (YIN), tempo (spectral-flux onset autocorrelation),
// loudness (RMS dBFS) and brightness (spectral centroid).
import FFT from 'fft.js';

export interface Measured {
  /** Median fundamental of voiced frames, Hz; null when too little is voiced. */
  f0Hz: number | null;
  voicedRatio: number;
  tempoBpm: number | null;
  loudnessDb: number;
  centroidHz: number;
}

const SR = 16000;

/** YIN (de Cheveigné & Kawahara 2002) on 64 ms frames, 70–1000 Hz. */
export function yinF0(x: Float32Array, sr = SR): { f0: number[]; voiced: number } {
  const W = 1024;
  const hop = 256;
  const tauMin = Math.floor(sr / 1000);
  const tauMax = Math.ceil(sr / 70);
  const f0: number[] = [];
  let frames = 0;
  const d = new Float64Array(tauMax + 1);
  for (let off = 0; off + W + tauMax <= x.length; off += hop) {
    frames++;
    let energy = 0;
    for (let i = 0; i < W; i++) energy += x[off + i]! * x[off + i]!;
    if (energy / W < 1e-6) continue; // silence
    for (let tau = 1; tau <= tauMax; tau++) {
      let s = 0;
      for (let i = 0; i < W; i++) {
        const diff = x[off + i]! - x[off + i + tau]!;
        s += diff * diff;
      }
      d[tau] = s;
    }
    // Cumulative mean normalised difference; first dip under the threshold.
    let running = 0;
    let best = -1;
    for (let tau = 1; tau <= tauMax; tau++) {
      running += d[tau]!;
      const cmnd = (d[tau]! * tau) / (running || 1);
      d[tau] = cmnd;
    }
    for (let tau = tauMin; tau < tauMax; tau++) {
      if (d[tau]! < 0.15) {
        while (tau + 1 < tauMax && d[tau + 1]! < d[tau]!) tau++;
        best = tau;
        break;
      }
    }
    if (best > 0) {
      // Parabolic interpolation around the dip.
      const a = d[best - 1]!;
      const b = d[best]!;
      const c = d[best + 1] ?? b;
      const shift = (a - c) / (2 * (a - 2 * b + c) || 1);
      f0.push(sr / (best + (Number.isFinite(shift) ? shift : 0)));
    }
  }
  return { f0, voiced: frames ? f0.length / frames : 0 };
}

export function measure(x: Float32Array, sr = SR): Measured {
  // Callers read audio through readSegments, which refuses empty spans; this guards the rest.
  if (!x.length) throw new RangeError('no samples to measure');
  const { f0, voiced } = yinF0(x, sr);
  const sorted = [...f0].sort((a, b) => a - b);
  const f0Hz = sorted.length >= 5 && voiced > 0.1 ? sorted[Math.floor(sorted.length / 2)]! : null;

  let sq = 0;
  for (const v of x) sq += v * v;
  const loudnessDb = 10 * Math.log10(sq / Math.max(1, x.length) + 1e-12);

  // Spectrum frames for centroid and spectral-flux onsets (512-point FFT, 16 ms hop).
  const N = 512;
  const hop = 256;
  const fft = new FFT(N);
  const out = fft.createComplexArray();
  const frame = new Float64Array(N);
  let prev: Float64Array | null = null;
  const flux: number[] = [];
  let cNum = 0;
  let cDen = 0;
  for (let off = 0; off + N <= x.length; off += hop) {
    for (let i = 0; i < N; i++) frame[i] = x[off + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
    fft.realTransform(out, frame);
    const mag = new Float64Array(N / 2);
    let f = 0;
    for (let k = 0; k < N / 2; k++) {
      mag[k] = Math.hypot(out[2 * k]!, out[2 * k + 1]!);
      cNum += mag[k]! * ((k * sr) / N);
      cDen += mag[k]!;
      if (prev) f += Math.max(0, Math.log1p(mag[k]!) - Math.log1p(prev[k]!));
    }
    if (prev) flux.push(f);
    prev = mag;
  }
  return { f0Hz, voicedRatio: voiced, tempoBpm: tempoFromFlux(flux, sr / hop), loudnessDb, centroidHz: cDen ? cNum / cDen : 0 };
}

/** Tempo from the autocorrelation of the onset envelope, 60–180 BPM; null without a pulse. */
export function tempoFromFlux(flux: number[], fps: number): number | null {
  if (flux.length < fps * 3) return null;
  // No onsets at all (a held note, silence): no pulse to measure.
  if (flux.reduce((m, v) => Math.max(m, v), 0) < 0.5) return null;
  const mean = flux.reduce((a, b) => a + b, 0) / flux.length;
  const e = flux.map((v) => v - mean);
  const ac = (lag: number) => {
    let s = 0;
    for (let i = 0; i + lag < e.length; i++) s += e[i]! * e[i + lag]!;
    return s / (e.length - lag);
  };
  const zero = ac(0);
  if (zero <= 0) return null;
  let best = { lag: 0, r: 0 };
  for (let lag = Math.round((60 * fps) / 180); lag <= Math.round((60 * fps) / 60); lag++) {
    const r = ac(lag) / zero;
    if (r > best.r) best = { lag, r };
  }
  return best.r > 0.1 ? (60 * fps) / best.lag : null;
}
