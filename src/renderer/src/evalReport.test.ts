// The model report's logic: one row per captioner with its latest run, and the sparkline geometry.
import { describe, expect, it } from 'vitest';
import type { EvalRecord } from '../../shared/evaluation';
import { modelRows, runsOf, sparkline } from './evalReport';

function rec(pack: string, at: string, m: { bleu_4?: number; rouge_l?: number; cider_d?: number } = {}, o: Partial<EvalRecord> = {}): EvalRecord {
  return {
    at,
    pack,
    fixture: false,
    split: 'test',
    status: ['approved'],
    numBeams: null,
    n: 4,
    metrics: { bleu_1: 0, bleu_2: 0, bleu_3: 0, bleu_4: m.bleu_4 ?? 0, rouge_l: m.rouge_l ?? 0, cider_d: m.cider_d ?? 0, meteor: null, spice: null, spider: null },
    ...o,
  };
}

describe('modelRows', () => {
  it('one row per captioner, latest run by time (not by order), most recent captioner first', () => {
    const records = [
      rec('cap@2', '2024-03-02T00:00:00Z', { bleu_4: 0.3 }),
      rec('built-in', '2024-03-01T00:00:00Z', { bleu_4: 0.1 }),
      rec('cap@2', '2024-03-01T00:00:00Z', { bleu_4: 0.2 }),
      rec('tiny@0', '2024-02-01T00:00:00Z', {}, { fixture: true }),
    ];
    const rows = modelRows(records);
    expect(rows.map((r) => [r.pack, r.runs, r.latest.metrics.bleu_4, r.fixture])).toEqual([
      ['cap@2', 2, 0.3, false],
      ['built-in', 1, 0.1, false],
      ['tiny@0', 1, 0, true],
    ]);
    expect(modelRows([])).toEqual([]);
  });

  it("a captioner's runs oldest first", () => {
    const records = [rec('a', '2024-01-03T00:00:00Z'), rec('b', '2024-01-01T00:00:00Z'), rec('a', '2024-01-01T00:00:00Z')];
    expect(runsOf(records, 'a').map((r) => r.at)).toEqual(['2024-01-01T00:00:00Z', '2024-01-03T00:00:00Z']);
  });
});

describe('sparkline', () => {
  const box = { width: 104, height: 54, pad: 2 };

  it('x by time, y from 0 (bottom) to 1 (top) for scores up to 1', () => {
    const runs = [rec('a', '2024-01-01T00:00:00Z', { bleu_4: 0 }), rec('a', '2024-01-02T00:00:00Z', { bleu_4: 0.5 }), rec('a', '2024-01-05T00:00:00Z', { bleu_4: 1 })];
    const s = sparkline(runs, 'bleu_4', box);
    expect(s.top).toBe(1);
    expect(s.points.map((p) => [p.x, p.y])).toEqual([
      [2, 52],
      [27, 27],
      [102, 2],
    ]);
    expect(s.path).toBe('M2 52 L27 27 L102 2');
  });

  it('CIDEr-D above 1 raises the top to its largest value', () => {
    const runs = [rec('a', '2024-01-01T00:00:00Z', { cider_d: 0.5 }), rec('a', '2024-01-02T00:00:00Z', { cider_d: 2 })];
    const s = sparkline(runs, 'cider_d', box);
    expect(s.top).toBe(2);
    expect(s.points.map((p) => p.y)).toEqual([39.5, 2]);
  });

  it('one run is centred; runs at the same instant spread evenly; none draws nothing', () => {
    expect(sparkline([rec('a', '2024-01-01T00:00:00Z', { rouge_l: 0.5 })], 'rouge_l', box).points).toEqual([{ x: 52, y: 27, value: 0.5, at: '2024-01-01T00:00:00Z' }]);
    const same = sparkline([rec('a', '2024-01-01T00:00:00Z'), rec('a', '2024-01-01T00:00:00Z'), rec('a', '2024-01-01T00:00:00Z')], 'rouge_l', box);
    expect(same.points.map((p) => p.x)).toEqual([2, 52, 102]);
    expect(sparkline([], 'bleu_4', box)).toEqual({ path: '', points: [], top: 1 });
  });
});
