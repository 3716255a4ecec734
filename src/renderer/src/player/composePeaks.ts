// wavesurfer.js draws one peaks array spread over the whole track. A zoomed-in lane fetches fine
// peaks for the span it shows only (a 20-minute track at full detail would be megabytes per lane),
// so this lays the fine span over the whole-track overview, both at the fine span's rate: the
// view shows detail where it looks and the overview elsewhere, at the right times.
import type { PeaksView } from '../../../shared/types';

const rate = (v: PeaksView) => v.sampleRate / v.samplesPerPeak;

/** Interleaved [max, min] pairs for the whole track: the overview, with `fine` laid over its span. */
export function composePeaks(overview: PeaksView, fine: PeaksView): Float32Array {
  const r = rate(fine);
  const ro = rate(overview);
  const n = Math.max(1, Math.ceil(overview.durationSec * r));
  const out = new Float32Array(n * 2);
  const overviewCount = overview.peaks.length / 2;
  for (let j = 0; j < n; j++) {
    const i = Math.min(overviewCount - 1, Math.floor(((j + 0.5) / r) * ro));
    out[2 * j] = overview.peaks[2 * i] ?? 0;
    out[2 * j + 1] = overview.peaks[2 * i + 1] ?? 0;
  }
  const first = Math.round(fine.startSec * r);
  const count = Math.min(fine.peaks.length / 2, n - first);
  for (let k = 0; k < count; k++) {
    out[2 * (first + k)] = fine.peaks[2 * k]!;
    out[2 * (first + k) + 1] = fine.peaks[2 * k + 1]!;
  }
  return out;
}

/** Whether `view` has at least `pxPerSec` peaks per second (so it shows all the detail a pixel can). */
export function detailedEnough(view: PeaksView, pxPerSec: number): boolean {
  return rate(view) >= pxPerSec * 0.99;
}
