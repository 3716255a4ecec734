// The library's tables as Kysely sees them: one interface per table, every column as the SQLite
// migrations (migrations.ts, every step) leave it, so queries are type-checked against the schema
// and the PostgreSQL DDL (pgMigrations) can be written to match it column for column.
// Generated<T>: a column the database fills (row ids, DEFAULTs). Timestamps are ISO-8601 TEXT
// ('YYYY-MM-DDTHH:MM:SS.sssZ') in both back ends; jobs.heartbeat_at is epoch ms; JSON is TEXT.
import type { Generated } from 'kysely';

export type TrackStatusColumn = 'imported' | 'separated' | 'captioned' | 'reviewed';
export type JobStatusColumn = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface TracksTable {
  id: Generated<number>;
  path: string;
  file_name: string;
  sha256: string; // UNIQUE
  size_bytes: number;
  title: string | null;
  artist: string | null;
  album: string | null;
  genre: string | null;
  duration_sec: number | null; // REAL
  sample_rate: number | null;
  channels: number | null;
  container: string | null;
  codec: string | null;
  status: Generated<TrackStatusColumn>; // DEFAULT 'imported', CHECK in the four values
  added_at: Generated<string>;
  updated_at: Generated<string>;
  file_mtime_ms: number | null; // REAL (v2)
}

export interface SegmentsTable {
  id: Generated<number>;
  track_id: number; // REFERENCES tracks(id) ON DELETE CASCADE
  start_sec: number; // REAL, CHECK >= 0
  end_sec: number; // REAL, CHECK end_sec > start_sec
  created_at: Generated<string>;
  deleted_at: string | null; // v2: hidden, never deleted
}

export interface ModelPacksTable {
  id: Generated<number>;
  name: string;
  version: string; // UNIQUE (name, version)
  roles: string; // JSON array
  dir: string;
  manifest: string; // JSON
  installed_at: Generated<string>;
  removed_at: string | null; // v5
  files_stat: string | null; // v5, JSON
}

export interface StemsTable {
  id: Generated<number>;
  track_id: number; // REFERENCES tracks(id) ON DELETE CASCADE; UNIQUE (track_id, name)
  name: string;
  path: string;
  pack_id: number | null; // REFERENCES model_packs(id) ON DELETE SET NULL
  ep: string | null;
  created_at: Generated<string>;
  size_bytes: number | null; // v2
  duration_sec: number | null; // v2, REAL
}

export interface SuggestionsTable {
  id: Generated<number>;
  segment_id: number; // REFERENCES segments(id) ON DELETE CASCADE
  text: string;
  score: number | null; // REAL
  token_logprobs: string | null; // JSON array
  pack_id: number | null; // REFERENCES model_packs(id) ON DELETE SET NULL
  ep: string | null;
  ms: number | null; // REAL
  created_at: Generated<string>;
  start_sec: number | null; // v4, REAL
  end_sec: number | null; // v4, REAL
  source: string | null; // v10: where a pack-less suggestion came from, e.g. "label-studio:mycap-v2"
}

export interface CaptionRevisionsTable {
  id: Generated<number>;
  segment_id: number; // REFERENCES segments(id) (no cascade)
  parent_id: number | null; // REFERENCES caption_revisions(id)
  text: string;
  author: string;
  source: 'human' | 'suggestion' | 'import'; // CHECK
  suggestion_id: number | null; // REFERENCES suggestions(id)
  review: Generated<'draft' | 'submitted' | 'accepted' | 'rejected'>; // DEFAULT 'draft', CHECK
  created_at: Generated<string>;
  status: Generated<'draft' | 'approved' | 'rejected' | 'flagged'>; // v9, DEFAULT 'draft', CHECK
  attributes: string | null; // v9, JSON object
  seconds_spent: number | null; // v9, REAL
  note: string | null; // v9
  restored_from: number | null; // v9, REFERENCES caption_revisions(id)
}

/** v9: an annotator's autosaved working copy of a segment (mutable; PRIMARY KEY (segment_id, author)). */
export interface CaptionDraftsTable {
  segment_id: number;
  author: string;
  text: string;
  attributes: string | null; // JSON object
  base_revision_id: number | null;
  suggestion_id: number | null;
  seconds_spent: Generated<number>; // REAL DEFAULT 0
  updated_at: Generated<string>;
}

/** v9: server accounts; the token only as its sha256. */
export interface UsersTable {
  id: Generated<number>;
  name: string;
  role: 'annotator' | 'reviewer'; // CHECK
  token_sha256: string; // UNIQUE
  created_at: Generated<string>;
  removed_at: string | null;
}

export interface AttributesTable {
  id: Generated<number>;
  segment_id: number; // REFERENCES segments(id) ON DELETE CASCADE
  name: string;
  value: string;
  source: string;
  confidence: number | null; // REAL
  created_at: Generated<string>;
  start_sec: number | null; // v4, REAL
  end_sec: number | null; // v4, REAL
  unit: string | null; // v11
  category: string | null; // v11
  detail: string | null; // v11
}

export interface JobsTable {
  id: string; // TEXT PRIMARY KEY (a UUID)
  kind: string;
  status: JobStatusColumn; // CHECK
  payload: string; // JSON
  progress: Generated<number>; // REAL DEFAULT 0
  error: string | null;
  result: string | null; // JSON
  created_at: Generated<string>;
  updated_at: Generated<string>;
  detail: string | null; // v3
  owner: string | null; // v7
  heartbeat_at: number | null; // v7, epoch ms (bigint in PostgreSQL)
}

export interface SettingsTable {
  key: string; // PRIMARY KEY
  value: string; // JSON
}

export interface Database {
  tracks: TracksTable;
  segments: SegmentsTable;
  model_packs: ModelPacksTable;
  stems: StemsTable;
  suggestions: SuggestionsTable;
  caption_revisions: CaptionRevisionsTable;
  caption_drafts: CaptionDraftsTable;
  users: UsersTable;
  attributes: AttributesTable;
  jobs: JobsTable;
  settings: SettingsTable;
}
