import { describe, expect, it } from 'vitest';
import type { Series } from '../../../shared/attributes';
import { beatsInView, loudnessCurve, loudnessY, pitchContour, pitchGrid, pitchScale, spansInView, type EvidenceView } from './geometry';

const series = (values: (number | null)[], hopSec = 0.01, startSec = 0): Series => ({ startSec, hopSec, values });
const view = (over: Partial<EvidenceView> = {}): EvidenceView => ({ startSec: 0, pxPerSec: 100, width: 1000, height: 64, ...over });

describe('pitch scale', () => {
  it('is logarithmic: each octave takes the same height, higher is further up', () => {
    const s = pitchScale(series([110, 220, 440, 880]), 64);
    expect(s.y(220) - s.y(440)).toBeCloseTo(s.y(440) - s.y(880), 6);
    expect(s.y(880)).toBeLessThan(s.y(110));
    expect(s.y(s.loHz)).toBeCloseTo(60, 6);
    expect(s.y(s.hiHz)).toBeCloseTo(4, 6);
  });
  it('spans at least an octave around a steady tone; a track without voice gets a default range', () => {
    const s = pitchScale(series(Array(50).fill(200)), 64);
    expect(s.hiHz / s.loHz).toBeGreaterThanOrEqual(2 - 1e-9);
    expect(s.loHz).toBeLessThan(200);
    expect(s.hiHz).toBeGreaterThan(200);
    expect(pitchScale(series([null, null]), 64)).toMatchObject({ loHz: 80, hiHz: 800 });
  });
  it('labels the Cs inside it', () => {
    const labels = pitchGrid(pitchScale(series([100, 600]), 64)).map((g) => g.label);
    expect(labels).toEqual(['C3', 'C4', 'C5']);
  });
});

describe('pitch contour', () => {
  const scale = pitchScale(series([100, 400]), 64);
  const ones = (n: number) => series(Array(n).fill(1));

  it('one point per pixel column when frames are denser than pixels (voicing-weighted mean on a log scale)', () => {
    // 10 ms frames at 10 px/s: 10 frames per column; 2 s → 20 columns.
    const runs = pitchContour(series(Array(200).fill(220)), ones(200), view({ pxPerSec: 10, width: 20 }), scale);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.length).toBeGreaterThanOrEqual(20);
    expect(runs[0]!.length).toBeLessThanOrEqual(21);
    expect(runs[0]![3]!.hz).toBeCloseTo(220, 6);
    // Half the frames of a column at 100 Hz with voicing 1, half at 400 Hz with voicing 0.05 → close to 100.
    const mixed = pitchContour(series([100, 100, 400, 400]), series([1, 1, 0.05, 0.05]), view({ pxPerSec: 10 }), scale);
    expect(mixed[0]![0]!.hz).toBeLessThan(110);
    expect(mixed[0]![0]!.voicing).toBe(1);
  });

  it('breaks the line where the voice stops and where the pitch leaps', () => {
    const f0 = [200, 200, 200, null, null, 200, 201, 400, 400];
    const runs = pitchContour(series(f0, 0.1), ones(f0.length), view(), scale);
    expect(runs.map((r) => r.map((p) => Math.round(p.hz)))).toEqual([[200, 200, 200], [200, 201], [400, 400]]);
  });

  it('only the frames in view (and one either side), at the times the ruler shows', () => {
    const f0 = Array(1000).fill(300); // 10 s at 10 ms
    const v = view({ startSec: 4, pxPerSec: 200, width: 200 }); // 4–5 s
    const runs = pitchContour(series(f0), ones(1000), v, scale);
    const xs = runs.flat().map((p) => p.x);
    expect(xs.length).toBeGreaterThan(95);
    expect(xs.length).toBeLessThan(106);
    expect(Math.min(...xs)).toBeLessThanOrEqual(0);
    expect(Math.max(...xs)).toBeGreaterThanOrEqual(200);
    expect(runs.flat().find((p) => Math.abs(p.x - 100) < 1e-6)).toBeDefined(); // frame at 4.5 s is at x = 100
  });
});

describe('loudness, beats and spans', () => {
  it('draws louder higher, gated frames as gaps', () => {
    const runs = loudnessCurve(series([-20, -10, null, -30], 0.1), view());
    expect(runs).toHaveLength(2);
    expect(runs[0]![1]!.y).toBeLessThan(runs[0]![0]!.y);
    expect(loudnessY(0, 64)).toBe(4);
    expect(loudnessY(-80, 64)).toBe(60); // below the drawn range: at the floor
  });
  it('beats in view at their x; spans clipped to the view keep their real extent', () => {
    expect(beatsInView([0.5, 1, 2.5, 12], view({ startSec: 1, width: 200 }))).toEqual([0, 150]);
    const spans = spansInView([{ startSec: 0, endSec: 5 }, { startSec: 6, endSec: 9 }, { startSec: 20, endSec: 25 }], view({ startSec: 4, width: 800 }));
    expect(spans.map((s) => [s.left, s.width])).toEqual([[-400, 500], [200, 300]]);
  });
});

describe('pitch scale with voicing', () => {
  it('stray frames the tracker was unsure of do not widen the range', () => {
    const f0 = [...Array(100).fill(220), ...Array(30).fill(70)];
    const voicing = [...Array(100).fill(0.9), ...Array(30).fill(0.2)];
    expect(pitchScale(series(f0), 64).loHz).toBeLessThan(70);
    const s = pitchScale(series(f0), 64, series(voicing));
    expect(s.loHz).toBeGreaterThan(140);
    expect(s.hiHz).toBeGreaterThan(220);
  });
});
