// The Stats view's numbers (shared/annotation.ts StudioStats), computed from the rows
// store/stats.ts reads: per annotator and per model, how many captions were approved, how far the
// approved text is from the suggestion it started from (word edits), how many were taken
// unchanged, the median time spent per approved caption; and agreement between every two
// annotators who captioned the same segments.
//
// Who approved a caption: a segment counts as approved when its head revision's status is
// approved. A reviewer's verdict is a revision too (review accepted/sent back, written by the
// reviewer), so the caption is credited to the newest approved revision without a verdict — the
// annotator's — not to the reviewer who accepted it. Its model is the suggestion that revision
// started from, else the segment's newest suggestion. "Unchanged" means no word edits (case,
// punctuation and spacing are not edits, see wordEdit.ts). Time per caption is the sum of the
// seconds the approving author spent on that segment over all their revisions of it; captions
// with no recorded time are left out of the median.
import type { Agreement, AnnotatorStats, ModelStats, StudioStats } from '../../shared/annotation';
import { median } from '../../shared/quantiles';
import type { StatsRevisionRow, StatsRows, StatsSuggestionRow, StatsWindow } from '../store/stats';
import { normalizedWordEdit, wordEditDistance } from './wordEdit';

const PENDING = new Set(['draft', 'submitted']);

/** A revision that carries a reviewer's verdict rather than an annotator's caption. */
const isVerdict = (r: StatsRevisionRow): boolean => !PENDING.has(r.review);

const medianOrNull = (xs: readonly number[]): number | null => (xs.length ? median(xs) : null);

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** One approved caption, as both tables count it. */
interface Approved {
  author: string;
  model: string | null;
  edits: number | null;
  seconds: number | null;
}

function summarize(approved: readonly Approved[]) {
  const withSuggestion = approved.filter((a) => a.edits !== null).map((a) => a.edits!);
  const seconds = approved.filter((a) => a.seconds !== null).map((a) => a.seconds!);
  return {
    approved: approved.length,
    meanWordEdits: mean(withSuggestion),
    acceptedUnchanged: withSuggestion.length ? withSuggestion.filter((e) => e === 0).length / withSuggestion.length : null,
    medianSeconds: medianOrNull(seconds),
  };
}

const inWindow = (t: string, w: StatsWindow): boolean => (!w.since || t >= w.since) && (!w.until || t < w.until);

export function computeStudioStats(rows: StatsRows, window: StatsWindow = {}): StudioStats {
  const bySegment = new Map<number, StatsRevisionRow[]>();
  for (const r of rows.revisions) {
    const list = bySegment.get(r.segmentId);
    if (list) list.push(r);
    else bySegment.set(r.segmentId, [r]);
  }
  for (const list of bySegment.values()) list.sort((a, b) => a.id - b.id);
  const suggestionById = new Map<number, StatsSuggestionRow>(rows.suggestions.map((s) => [s.id, s]));
  const newestSuggestion = new Map<number, StatsSuggestionRow>();
  for (const s of rows.suggestions) {
    const known = newestSuggestion.get(s.segmentId);
    if (!known || s.id > known.id) newestSuggestion.set(s.segmentId, s);
  }

  const totals = { segments: rows.segments, suggested: rows.suggested, approved: 0, flagged: 0, rejected: 0, drafts: 0 };
  const approvedAll: Approved[] = [];
  for (const [segmentId, revs] of bySegment) {
    const head = revs[revs.length - 1]!;
    if (head.status === 'approved') totals.approved++;
    else if (head.status === 'flagged') totals.flagged++;
    else if (head.status === 'rejected') totals.rejected++;
    else totals.drafts++;
    if (head.status !== 'approved') continue;
    const by = [...revs].reverse().find((r) => r.status === 'approved' && !isVerdict(r)) ?? head;
    if (!inWindow(by.createdAt, window)) continue;
    const suggestion = (by.suggestionId !== null ? suggestionById.get(by.suggestionId) : undefined) ?? newestSuggestion.get(segmentId) ?? null;
    const own = revs.filter((r) => r.author === by.author && r.secondsSpent !== null);
    approvedAll.push({
      author: by.author,
      model: suggestion?.model ?? null,
      edits: suggestion ? wordEditDistance(suggestion.text, by.text) : null,
      seconds: own.length ? own.reduce((a, r) => a + r.secondsSpent!, 0) : null,
    });
  }

  const windowed = rows.revisions.filter((r) => inWindow(r.createdAt, window));
  const annotatorNames = [...new Set(windowed.map((r) => r.author))].sort();
  const annotators: AnnotatorStats[] = annotatorNames.map((name) => ({
    name,
    revisions: windowed.filter((r) => r.author === name).length,
    ...summarize(approvedAll.filter((a) => a.author === name)),
  }));

  const made = new Map(rows.suggestionsPerModel.map((m) => [m.model, m.n]));
  const modelNames = [...new Set([...made.keys(), ...approvedAll.flatMap((a) => (a.model === null ? [] : [a.model]))])].sort();
  const models: ModelStats[] = modelNames.map((model) => ({
    model,
    suggestions: made.get(model) ?? 0,
    ...summarize(approvedAll.filter((a) => a.model === model)),
  }));

  return { annotators, models, agreement: agreement(windowed), totals };
}

/**
 * Every two annotators who both wrote captions (not verdicts) of the same segments: on each such
 * segment, the word edit distance between each one's latest text there.
 */
export function agreement(revisions: readonly StatsRevisionRow[]): Agreement[] {
  // segment → author → latest caption text (revisions come oldest first per id)
  const latest = new Map<number, Map<string, { id: number; text: string }>>();
  for (const r of revisions) {
    if (isVerdict(r)) continue;
    let m = latest.get(r.segmentId);
    if (!m) latest.set(r.segmentId, (m = new Map()));
    const known = m.get(r.author);
    if (!known || r.id > known.id) m.set(r.author, { id: r.id, text: r.text });
  }
  const pairs = new Map<string, { a: string; b: string; edits: number[]; normalized: number[] }>();
  for (const byAuthor of latest.values()) {
    const names = [...byAuthor.keys()].sort();
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        const a = names[i]!;
        const b = names[j]!;
        const key = JSON.stringify([a, b]);
        let p = pairs.get(key);
        if (!p) pairs.set(key, (p = { a, b, edits: [], normalized: [] }));
        const d = normalizedWordEdit(byAuthor.get(a)!.text, byAuthor.get(b)!.text);
        p.edits.push(d.edits);
        p.normalized.push(d.normalized);
      }
    }
  }
  return [...pairs.values()]
    .sort((x, y) => (x.a === y.a ? (x.b < y.b ? -1 : 1) : x.a < y.a ? -1 : 1))
    .map((p) => ({ a: p.a, b: p.b, segments: p.edits.length, meanWordEdits: mean(p.edits)!, meanNormalized: mean(p.normalized)! }));
}
