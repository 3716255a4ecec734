// A segment's stored attributes as the Annotate view lists them beside the caption: a readable
// name, the value in its unit, S2Cap's category, how sure the measurement is, and the reading aid
// (note names, an octave-ambiguous tempo) for the tooltip. The measured ones come first, in the
// contract's order (shared/attributes.ts MEASURED_NAMES); rows written before units existed (no
// unit, category or confidence) are listed as they were stored.
import { CONFIDENT, MEASURED_NAMES } from '../../../shared/attributes';
import { formatMeasured } from '../../../shared/contradictions';
import type { SegmentAttribute } from '../../../shared/types';

export interface MeasuredRow {
  name: string;
  label: string;
  /** The value with its unit ("150 BPM", "−14.2 LUFS"), "—" when nothing was measured, or the stored text. */
  value: string;
  category: string | null;
  /** 0–1, or null for rows from before confidences. */
  confidence: number | null;
  /** How the confidence reads: confident (≥ 0.6, what contradictions are checked against), tentative (≥ 0.3), unsure. */
  trust: 'confident' | 'tentative' | 'unsure' | null;
  /** The tooltip: the detail, who measured it, and whether it is stale. */
  title: string;
  stale: boolean;
}

const LABELS: Record<string, string> = {
  tempo: 'Tempo',
  pitch: 'Pitch (median)',
  pitch_low: 'Pitch, low (5 %)',
  pitch_high: 'Pitch, high (95 %)',
  gender: 'Voice',
  loudness: 'Loudness',
  loudness_range: 'Loudness range',
  vibrato_rate: 'Vibrato rate',
  vibrato_extent: 'Vibrato extent',
  brightness: 'Brightness',
  breathiness: 'Breathiness',
  voiced_ratio: 'Voiced',
};

/** "tempoBpm" / "voiced_ratio" → "Tempo bpm" / "Voiced ratio". */
const humanize = (name: string) => {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export function trustOf(confidence: number | null): MeasuredRow['trust'] {
  if (confidence === null) return null;
  return confidence >= CONFIDENT ? 'confident' : confidence >= 0.3 ? 'tentative' : 'unsure';
}

export function measuredRows(attributes: readonly SegmentAttribute[]): MeasuredRow[] {
  const order = (name: string) => {
    const i = (MEASURED_NAMES as readonly string[]).indexOf(name);
    return i < 0 ? MEASURED_NAMES.length : i;
  };
  return attributes
    .map((a, i) => ({ a, i }))
    .sort((x, y) => order(x.a.name) - order(y.a.name) || x.i - y.i)
    .map(({ a }) => {
      const value = formatMeasured({ ...a, category: null });
      const confidence = a.confidence;
      const title = [
        a.detail,
        confidence === null ? null : `confidence ${Math.round(confidence * 100)} %`,
        a.source === 'measured' ? 'measured' : `from ${a.source}`,
        a.stale ? 'stale: measured before the segment was resized' : null,
      ]
        .filter(Boolean)
        .join(' · ');
      return { name: a.name, label: LABELS[a.name] ?? humanize(a.name), value, category: a.category && a.category !== a.value ? a.category : null, confidence, trust: trustOf(confidence), title, stale: a.stale };
    });
}
