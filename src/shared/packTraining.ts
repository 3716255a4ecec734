// How a retrained pack's provenance (shared/types PackTraining, from model.json's `training`
// section) reads for a person, in one line: shared by `s2cap models list` and the Models panel.
// Its metrics read as a train job's progress and summary show them (formatMetrics).
import type { PackTraining } from './types';

/** The caption metrics a line shows, in this order, by their usual names (the rest: --json). */
const LABELS: [string, string][] = [
  ['bleu_4', 'BLEU-4'],
  ['rouge_l', 'ROUGE-L'],
  ['cider_d', 'CIDEr-D'],
  ['meteor', 'METEOR'],
  ['spice', 'SPICE'],
];

/** "BLEU-4 0.2100 ROUGE-L 0.4300 CIDEr-D 0.5120" (those present; a null one, e.g. a diverged run's, as n/a). */
export function formatMetrics(m: Record<string, number | null> | null, digits = 4): string {
  if (!m) return '';
  return LABELS.filter(([k]) => k in m)
    .map(([k, label]) => `${label} ${m[k] == null ? 'n/a' : m[k]!.toFixed(digits)}`)
    .join(' ');
}

/**
 * e.g. "trained: weights after epoch 12 of 20 on export 1a2b3c4d… (1200 clips) · validation
 * BLEU-4 0.286 ROUGE-L 0.487 CIDEr-D 0.791" — the epochs are those behind the exported weights
 * (best.pt may be an earlier epoch than the run's last).
 */
export function describeTraining(t: PackTraining): string {
  const { trained, planned } = t.epochs;
  const epochs = trained == null ? 'trained' : `trained: weights after epoch ${trained}${planned != null ? ` of ${planned}` : ''}`;
  const clips = t.clips ? Object.values(t.clips).reduce((a, b) => a + b, 0) : null;
  const data = t.manifestSha256 ? ` on export ${t.manifestSha256.slice(0, 8)}…${clips != null ? ` (${clips} clips)` : ''}` : clips != null ? ` on ${clips} clips` : '';
  const metrics = formatMetrics(t.metrics, 3);
  const head = trained == null && !data ? (t.recipe ?? 'trained') : `${epochs}${data}`;
  return metrics ? `${head} · ${t.split ?? 'validation'} ${metrics}` : head;
}
