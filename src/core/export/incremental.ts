// `--since` as a state map (shared/dataset.ts ExportManifest.exported): every manifest records
// what a consumer holding it and all its predecessors has, row id → [revision id, begin, end]. A
// --since export writes each eligible row missing from the earlier map or differing from it (a new
// revision, a resized segment, a save whose revision id landed below the earlier maxRevisionId
// because PostgreSQL commits ids out of order), and withdraws the ids of the map no longer
// eligible (segment deleted, head status left the query, filtered out): listed in the manifest and
// in withdrawn.jsonl. A manifest from before the map falls back to the maxRevisionId rule, noted.
import path from 'node:path';
import type { ExportedState, ExportRow } from '../../shared/dataset';
import type { ExportSource } from '../store/exportQuery';
import { exportRowId } from './exportRows';
import type { SinceManifest } from './manifest';
import { withTextFile } from './textFile';

export const WITHDRAWN_NAME = 'withdrawn.jsonl';

export interface SincePlan {
  /** The eligible rows to write. */
  write: ExportSource[];
  /** Ids of the earlier map no longer eligible, sorted. */
  withdrawn: string[];
  /** The earlier map minus the withdrawn ids (what the rows written are laid over). */
  base: Record<string, ExportedState>;
  notes: string[];
}

const sameState = (a: ExportedState, b: ExportedState): boolean => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/** Which of the eligible rows a --since export writes, and what it withdraws. No --since: all, nothing. */
export function planSince(eligible: ExportSource[], since: SinceManifest | undefined, sinceFile: string | undefined): SincePlan {
  if (!since) return { write: eligible, withdrawn: [], base: {}, notes: [] };
  if (!since.exported) {
    return {
      write: eligible.filter((s) => s.head.id > since.maxRevisionId),
      withdrawn: [],
      base: {},
      notes: [
        `--since ${sinceFile ?? ''}: written before exports recorded their state, so only captions revised after its maxRevisionId ${since.maxRevisionId} are written; deleted, withdrawn or resized segments are not detected this once`,
      ],
    };
  }
  const earlier = since.exported;
  const eligibleIds = new Set<string>();
  const write: ExportSource[] = [];
  for (const s of eligible) {
    const id = exportRowId(s.track.sha256, s.segmentId);
    eligibleIds.add(id);
    const held = Object.hasOwn(earlier, id) ? earlier[id] : undefined;
    if (!held || !sameState(held, [s.head.id, s.startSec, s.endSec])) write.push(s);
  }
  const withdrawn = Object.keys(earlier)
    .filter((id) => !eligibleIds.has(id))
    .sort();
  const gone = new Set(withdrawn);
  const base = Object.fromEntries(Object.entries(earlier).filter(([id]) => !gone.has(id)));
  return { write, withdrawn, base, notes: [] };
}

/** The consumer's state after this export: the plan's base with the rows written laid over it, sorted by id. */
export function exportedAfter(base: Record<string, ExportedState>, written: readonly ExportRow[]): Record<string, ExportedState> {
  const out = new Map(Object.entries(base));
  for (const r of written) out.set(r.id, [r.revision_id, r.begin, r.end]);
  return Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** withdrawn.jsonl ({"id": …} a line) in the export's folder, for every --since export (empty when nothing was withdrawn). */
export async function writeWithdrawn(dir: string, ids: readonly string[], signal: AbortSignal): Promise<void> {
  await withTextFile(path.join(dir, WITHDRAWN_NAME), signal, async (f) => {
    for (const id of ids) await f.line(JSON.stringify({ id }));
  });
}
