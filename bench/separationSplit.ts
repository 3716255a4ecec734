// Shared by the separation benchmarks (separation.ts, inference.ts): one line saying how a
// separateFile run's wall time splits between the model and everything around it (decoding,
// normalisation, overlap-add, WAV conversion), which issue 13 asks to see; the goal is a run
// limited by the model, i.e. the model's share high. While separateFile runs, JS work overlaps
// session.run and delays the moment its result is seen, so session.run timed inside the pipeline
// overstates the model; modelAlone() times the same number of runs back to back instead.
import type { Separator } from '../src/core/inference/separate/separator';

/** "inside M: 1.93 s = 41 % of 4.71 s wall; outside it: 2.78 s = 59 % (note)". */
export function splitLine(
  wallMs: number,
  modelMs: number,
  model: string,
  note = 'decoding twice, normalisation, overlap-add, WAV conversion; writes run in the background',
): string {
  const pct = (x: number) => `${((100 * x) / wallMs).toFixed(0)} %`;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const rest = wallMs - modelMs;
  return (
    `inside ${model}: ${s(modelMs)} = ${pct(modelMs)} of ${s(wallMs)} wall; outside it: ${s(rest)} = ${pct(rest)} ` +
    `(${note})`
  );
}

/** Milliseconds inside session.run for as many segments as separateFile ran on `frames` frames
 *  (one pass), run back to back with nothing else going on. */
export async function modelAlone(sep: Separator, frames: number): Promise<number> {
  const L = sep.spec.segmentSamples;
  const segments = Math.ceil(frames / Math.floor(0.75 * L));
  let s = 1;
  const seg = [0, 1].map(() => Float32Array.from({ length: L }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1));
  await sep.runSegment(seg); // warm
  const before = sep.runMs;
  for (let k = 0; k < segments; k++) await sep.runSegment(seg);
  return sep.runMs - before;
}
