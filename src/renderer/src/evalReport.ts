// The Stats view's model report, as plain data: the evaluation history (listEvals, `s2cap eval`)
// folded into one row per captioner (its latest run, and how many runs), and the sparkline each
// metric draws over a captioner's runs in time. A few SVG paths need no chart library: the
// geometry is here (tested), the markup in ModelReport.vue.
import type { EvalRecord } from '../../shared/evaluation';

export type ChartMetric = 'bleu_4' | 'rouge_l' | 'cider_d';
export const CHART_METRICS: readonly { key: ChartMetric; label: string }[] = [
  { key: 'bleu_4', label: 'BLEU-4' },
  { key: 'rouge_l', label: 'ROUGE-L' },
  { key: 'cider_d', label: 'CIDEr-D' },
];

export interface ModelRow {
  pack: string;
  fixture: boolean;
  runs: number;
  latest: EvalRecord;
}

const time = (r: EvalRecord): number => {
  const t = Date.parse(r.at);
  return Number.isFinite(t) ? t : 0;
};

/** One row per captioner, the most recently evaluated first; each with its latest run. */
export function modelRows(records: readonly EvalRecord[]): ModelRow[] {
  const by = new Map<string, ModelRow>();
  for (const r of records) {
    const row = by.get(r.pack);
    if (!row) by.set(r.pack, { pack: r.pack, fixture: r.fixture, runs: 1, latest: r });
    else {
      row.runs++;
      if (time(r) >= time(row.latest)) row.latest = r;
      row.fixture = row.latest.fixture;
    }
  }
  return [...by.values()].sort((a, b) => time(b.latest) - time(a.latest) || a.pack.localeCompare(b.pack));
}

/** A captioner's runs, oldest first. */
export function runsOf(records: readonly EvalRecord[], pack: string): EvalRecord[] {
  return records.filter((r) => r.pack === pack).sort((a, b) => time(a) - time(b));
}

export interface Sparkline {
  /** SVG path ("M x y L x y …"); empty without values. */
  path: string;
  points: { x: number; y: number; value: number; at: string }[];
  /** The value at the top of the chart (the bottom is 0). */
  top: number;
}

/**
 * One metric over runs, in a width×height box (pad pixels kept free at each edge): x by time (one
 * run: centred; runs at the same instant spread evenly), y from 0 at the bottom to `top`, the
 * larger of `floor` and the highest value, so scores in [0, 1] keep their scale and CIDEr-D's
 * larger values still fit.
 */
export function sparkline(runs: readonly EvalRecord[], metric: ChartMetric, box: { width: number; height: number; pad?: number }, floor = 1): Sparkline {
  const pad = box.pad ?? 3;
  const vals = runs.flatMap((r) => (Number.isFinite(r.metrics[metric]) ? [{ at: r.at, t: time(r), value: r.metrics[metric] }] : []));
  if (!vals.length) return { path: '', points: [], top: floor };
  const top = Math.max(floor, ...vals.map((v) => v.value));
  const t0 = vals[0]!.t;
  const span = vals[vals.length - 1]!.t - t0;
  const w = box.width - 2 * pad;
  const h = box.height - 2 * pad;
  const xAt = (i: number, t: number) => (vals.length === 1 ? box.width / 2 : span > 0 ? pad + ((t - t0) / span) * w : pad + (i / (vals.length - 1)) * w);
  const round = (x: number) => Math.round(x * 100) / 100;
  const points = vals.map((v, i) => ({ x: round(xAt(i, v.t)), y: round(pad + h - (Math.max(0, v.value) / top) * h), value: v.value, at: v.at }));
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.y}`).join(' ');
  return { path, points, top };
}
