import { describe, expect, it } from 'vitest';
import type { SegmentAttribute } from '../../../shared/types';
import { measuredRows } from './measuredRows';

const row = (name: string, value: string, over: Partial<SegmentAttribute> = {}): SegmentAttribute => ({
  segmentId: 1, name, value, unit: null, category: null, confidence: null, detail: null, source: 'measured', startSec: 0, endSec: 10, stale: false, ...over,
});

describe('measuredRows', () => {
  it('lists measured attributes in the contract order with value + unit, category, trust and the detail as tooltip', () => {
    const rows = measuredRows([
      row('voiced_ratio', '0.71', { unit: 'ratio', confidence: 0.9 }),
      row('pitch', '110.4', { unit: 'Hz', category: 'low', confidence: 0.45, detail: 'A2; 5–95 %: E2–D3' }),
      row('gender', 'male', { category: 'male', confidence: 0.2 }),
      row('tempo', '150.2', { unit: 'BPM', category: 'fast', confidence: 0.82, detail: 'octave-ambiguous: 75 or 150 BPM' }),
    ]);
    expect(rows.map((r) => [r.label, r.value, r.category, r.trust])).toEqual([
      ['Tempo', '150 BPM', 'fast', 'confident'],
      ['Pitch (median)', '110 Hz', 'low', 'tentative'],
      ['Voice', 'male', null, 'unsure'],
      ['Voiced', '71 %', null, 'confident'],
    ]);
    expect(rows[0]!.title).toBe('octave-ambiguous: 75 or 150 BPM · confidence 82 % · measured');
  });

  it('shows rows from before units existed plainly, after the measured ones, and marks stale ones', () => {
    const rows = measuredRows([row('tempoBpm', '118.2'), row('mood', 'calm', { source: 'model' }), row('loudness', '-31.5', { unit: 'LUFS', category: 'low', confidence: 0.9, stale: true })]);
    expect(rows.map((r) => [r.label, r.value, r.category, r.confidence, r.stale])).toEqual([
      ['Loudness', '−31.5 LUFS', 'low', 0.9, true],
      ['Tempo bpm', '118.2', null, null, false],
      ['Mood', 'calm', null, null, false],
    ]);
    expect(rows[0]!.title).toContain('stale');
    expect(rows[2]!.title).toBe('from model');
  });

  it('a value that could not be measured or decided shows a dash, its reason in the tooltip', () => {
    expect(measuredRows([row('gender', '', { confidence: 0, detail: 'median f0 196 Hz lies in 160–200 Hz' })])[0]).toMatchObject({ value: '—', trust: 'unsure', title: 'median f0 196 Hz lies in 160–200 Hz · confidence 0 % · measured' });
  });
});
