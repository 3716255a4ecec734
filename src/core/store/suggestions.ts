// Model suggestions per segment, kept with the pack and execution provider that produced them,
// so the UI can always say which model, running where, wrote a caption. Each remembers the span
// it was made for and reads as stale once its segment has been resized.
import type { Suggestion } from '../../shared/types';
import type { Db } from './db';
import { spanChangedSql } from './segments';

interface Row {
  id: number;
  segment_id: number;
  text: string;
  score: number | null;
  token_logprobs: string | null;
  pack: string | null;
  ep: string | null;
  ms: number | null;
  created_at: string;
  start_sec: number;
  end_sec: number;
  stale: 0 | 1;
}

const toSuggestion = (r: Row): Suggestion => ({
  id: r.id,
  segmentId: r.segment_id,
  text: r.text,
  score: r.score,
  tokenLogprobs: r.token_logprobs ? (JSON.parse(r.token_logprobs) as number[]) : [],
  pack: r.pack,
  ep: r.ep,
  ms: r.ms,
  createdAt: r.created_at,
  startSec: r.start_sec,
  endSec: r.end_sec,
  stale: r.stale === 1,
});

export function insertSuggestion(
  db: Db,
  s: {
    segmentId: number;
    /** The span the model heard (the segment's span when the job read it). */
    startSec: number;
    endSec: number;
    text: string;
    score: number | null;
    tokenLogprobs: number[];
    packId: number | null;
    ep: string;
    ms: number;
  },
): Suggestion {
  const info = db
    .prepare('INSERT INTO suggestions (segment_id, start_sec, end_sec, text, score, token_logprobs, pack_id, ep, ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(s.segmentId, s.startSec, s.endSec, s.text, s.score, JSON.stringify(s.tokenLogprobs.map((x) => Math.round(x * 1e4) / 1e4)), s.packId, s.ep, s.ms);
  return latestQuery(db, 'WHERE s.id = ?').get(info.lastInsertRowid);
}

function latestQuery(db: Db, where: string) {
  const stmt = db.prepare(
    `SELECT s.id, s.segment_id, s.text, s.score, s.token_logprobs, s.ep, s.ms, s.created_at, s.start_sec, s.end_sec,
            ${spanChangedSql('s', 'seg')} AS stale,
            CASE WHEN p.id IS NULL THEN NULL ELSE p.name || '@' || p.version END AS pack
     FROM suggestions s JOIN segments seg ON seg.id = s.segment_id LEFT JOIN model_packs p ON p.id = s.pack_id ${where}`,
  );
  return { get: (...a: unknown[]) => toSuggestion(stmt.get(...a) as Row), all: (...a: unknown[]) => (stmt.all(...a) as Row[]).map(toSuggestion) };
}

/** The newest suggestion of every live segment of a track. */
export function latestSuggestions(db: Db, trackId: number): Suggestion[] {
  return latestQuery(
    db,
    `WHERE s.id IN (SELECT max(s2.id) FROM suggestions s2 JOIN segments g ON g.id = s2.segment_id
                    WHERE g.track_id = ? AND g.deleted_at IS NULL GROUP BY s2.segment_id) ORDER BY s.segment_id`,
  ).all(trackId);
}
