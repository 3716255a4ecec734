// The `pairs` export: preference pairs for retraining a captioner from its corrections (DPO-style:
// the annotator's caption is chosen over the model's suggestion), one JSON object per line in
// `pairs.jsonl`, only for segments whose caption was edited from a suggestion. The audio is a
// reference (track hash, file, span), not a clip.
import path from 'node:path';
import type { ExportRow } from '../../shared/dataset';
import type { FormatWriter } from './formatWriter';
import { withTextFile } from './textFile';

export const PAIRS_FILE = 'pairs.jsonl';

export interface PreferencePair {
  id: string;
  audio: { track_sha256: string; source_path: string; begin: number; end: number };
  chosen: string;
  rejected: string;
  suggestion_model: string | null;
  annotator: string;
  split: ExportRow['split'];
}

export function toPair(r: ExportRow): PreferencePair | null {
  if (!r.edited || r.suggestion === null) return null;
  return {
    id: r.id,
    audio: { track_sha256: r.track_sha256, source_path: r.source_path, begin: r.begin, end: r.end },
    chosen: r.caption,
    rejected: r.suggestion,
    suggestion_model: r.suggestion_model,
    annotator: r.annotator,
    split: r.split,
  };
}

export const pairsWriter: FormatWriter = {
  async write(dir, groups, { signal, onProgress, skip }) {
    const total = groups.reduce((n, g) => n + g.rows.length, 0);
    let done = 0;
    await withTextFile(path.join(dir, PAIRS_FILE), signal, async (f) => {
      for (const g of groups) {
        for (const row of g.rows) {
          const pair = toPair(row);
          if (pair) await f.line(JSON.stringify(pair));
          else skip(row, row.suggestion === null ? 'no suggestion to pair with' : 'caption unchanged from its suggestion');
          onProgress(++done, total);
        }
      }
    });
  },
};
