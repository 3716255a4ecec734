// A captioner's evaluation against the library's reference captions (`s2cap eval`): one record per
// run, kept in the library so the Stats view can show each model's metrics over time (listEvals).
// Plain data shared by core, every transport, the CLI and the renderer.
import type { CaptionStatus } from './annotation';
import type { CaptionMetrics, SplitName } from './dataset';

export interface EvalRecord {
  /** When the evaluation finished (ISO). */
  at: string;
  /** The captioner: name@version, or "built-in" for the built-in suggester. */
  pack: string;
  /** The pack is a test fixture (random weights): its numbers mean nothing. */
  fixture: boolean;
  /** The split evaluated (the export's split by track hash, default ratios), or all reference segments. */
  split: SplitName | 'all';
  /** Head statuses taken as references. */
  status: CaptionStatus[];
  /** Beam width used (null: the pack's generation config; the built-in suggester has none). */
  numBeams: number | null;
  /** Segments captioned and scored. */
  n: number;
  /** Corpus-level metrics (per-item scores are printed by the run, not kept). */
  metrics: Omit<CaptionMetrics, 'per_item'>;
}
