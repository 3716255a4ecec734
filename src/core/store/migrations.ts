// Schema history of a library file. Each entry moves PRAGMA user_version up by one; a database
// is only ever migrated forward, inside one transaction per step, so a crash mid-migration
// leaves the previous version intact.

export const MIGRATIONS: readonly string[] = [
  // 1: the skeleton schema.
  `
  CREATE TABLE tracks (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    sha256       TEXT NOT NULL UNIQUE,
    size_bytes   INTEGER NOT NULL,
    title        TEXT,
    artist       TEXT,
    album        TEXT,
    genre        TEXT,
    duration_sec REAL,
    sample_rate  INTEGER,
    channels     INTEGER,
    container    TEXT,
    codec        TEXT,
    status       TEXT NOT NULL DEFAULT 'imported'
                 CHECK (status IN ('imported','separated','captioned','reviewed')),
    added_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE INDEX tracks_path ON tracks(path);

  CREATE TABLE segments (
    id         INTEGER PRIMARY KEY,
    track_id   INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    start_sec  REAL NOT NULL CHECK (start_sec >= 0),
    end_sec    REAL NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    CHECK (end_sec > start_sec)
  );
  CREATE INDEX segments_track ON segments(track_id, start_sec);

  CREATE TABLE model_packs (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    version      TEXT NOT NULL,
    roles        TEXT NOT NULL,           -- JSON array: ["captioner"], ["separator"]
    dir          TEXT NOT NULL,
    manifest     TEXT NOT NULL,           -- model.json as installed
    installed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    UNIQUE (name, version)
  );

  CREATE TABLE stems (
    id         INTEGER PRIMARY KEY,
    track_id   INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,             -- vocals, drums, bass, other, accompaniment
    path       TEXT NOT NULL,
    pack_id    INTEGER REFERENCES model_packs(id) ON DELETE SET NULL,
    ep         TEXT,                      -- execution provider that produced it
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    UNIQUE (track_id, name)
  );

  CREATE TABLE suggestions (
    id              INTEGER PRIMARY KEY,
    segment_id      INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    score           REAL,                 -- mean token log-prob
    token_logprobs  TEXT,                 -- JSON array
    pack_id         INTEGER REFERENCES model_packs(id) ON DELETE SET NULL,
    ep              TEXT,
    ms              REAL,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE INDEX suggestions_segment ON suggestions(segment_id);

  -- Append-only: every edit of a caption is a new row; the triggers below refuse UPDATE and
  -- DELETE so no annotator's work can be overwritten, even by a bug in the app.
  CREATE TABLE caption_revisions (
    id            INTEGER PRIMARY KEY,
    segment_id    INTEGER NOT NULL REFERENCES segments(id),
    parent_id     INTEGER REFERENCES caption_revisions(id),
    text          TEXT NOT NULL,
    author        TEXT NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('human','suggestion','import')),
    suggestion_id INTEGER REFERENCES suggestions(id),
    review        TEXT NOT NULL DEFAULT 'draft' CHECK (review IN ('draft','submitted','accepted','rejected')),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE INDEX caption_revisions_segment ON caption_revisions(segment_id, id);
  CREATE TRIGGER caption_revisions_no_update BEFORE UPDATE ON caption_revisions
    BEGIN SELECT RAISE(ABORT, 'caption revisions are append-only'); END;
  CREATE TRIGGER caption_revisions_no_delete BEFORE DELETE ON caption_revisions
    BEGIN SELECT RAISE(ABORT, 'caption revisions are append-only'); END;

  CREATE TABLE attributes (
    id         INTEGER PRIMARY KEY,
    segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,             -- gender, pitch, tempo, volume, mood, timbre, genre
    value      TEXT NOT NULL,
    source     TEXT NOT NULL,             -- measured, model, human
    confidence REAL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE INDEX attributes_segment ON attributes(segment_id, name);

  CREATE TABLE jobs (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('queued','running','done','failed','cancelled')),
    payload    TEXT NOT NULL,             -- JSON
    progress   REAL NOT NULL DEFAULT 0,
    error      TEXT,
    result     TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE INDEX jobs_status ON jobs(status);

  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL                   -- JSON
  );
  `,
  // 2: the player. Segments are hidden rather than deleted, so captions written for them keep
  // their history; tracks remember their file's mtime to notice a file changed after import.
  `
  ALTER TABLE segments ADD COLUMN deleted_at TEXT;
  ALTER TABLE tracks ADD COLUMN file_mtime_ms REAL;
  ALTER TABLE stems ADD COLUMN size_bytes INTEGER;
  ALTER TABLE stems ADD COLUMN duration_sec REAL;
  `,
  // 3: inference jobs say what they are doing now.
  `
  ALTER TABLE jobs ADD COLUMN detail TEXT;
  `,
  // 4: suggestions and measured attributes record the span they were made for, so they can be shown
  // as stale once their segment is resized. Rows from before are taken to match today's span.
  `
  ALTER TABLE suggestions ADD COLUMN start_sec REAL;
  ALTER TABLE suggestions ADD COLUMN end_sec REAL;
  ALTER TABLE attributes ADD COLUMN start_sec REAL;
  ALTER TABLE attributes ADD COLUMN end_sec REAL;
  UPDATE suggestions SET
    start_sec = (SELECT g.start_sec FROM segments g WHERE g.id = suggestions.segment_id),
    end_sec = (SELECT g.end_sec FROM segments g WHERE g.id = suggestions.segment_id);
  UPDATE attributes SET
    start_sec = (SELECT g.start_sec FROM segments g WHERE g.id = attributes.segment_id),
    end_sec = (SELECT g.end_sec FROM segments g WHERE g.id = attributes.segment_id);
  `,
  // 5: model packs keep their provenance for ever: removing a pack marks its row removed instead
  // of deleting it (stems and suggestions keep saying name@version), and an installed pack
  // records each file's size, times and sha256 so a file changed after install is noticed.
  `
  ALTER TABLE model_packs ADD COLUMN removed_at TEXT;
  ALTER TABLE model_packs ADD COLUMN files_stat TEXT;
  CREATE TRIGGER model_packs_no_delete BEFORE DELETE ON model_packs
    BEGIN SELECT RAISE(ABORT, 'model pack rows keep provenance: mark them removed instead'); END;
  `,
  // 6: append-only means append-only. REPLACE (INSERT OR REPLACE, REPLACE INTO) deletes the old
  // row without firing DELETE triggers, so it rewrote caption history; refuse any insert that would
  // land on an existing revision id. Segments are never replaced either (REPLACE would re-point
  // their revisions at another track or span and drop their suggestions): update or hide them.
  `
  CREATE TRIGGER caption_revisions_no_replace BEFORE INSERT ON caption_revisions
    WHEN EXISTS (SELECT 1 FROM caption_revisions WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'caption revisions are append-only'); END;
  CREATE TRIGGER segments_no_replace BEFORE INSERT ON segments
    WHEN EXISTS (SELECT 1 FROM segments WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'segments are never replaced, only updated or hidden (caption revisions are append-only)'); END;
  `,
  // 7: a job queue several processes can share. A running job records which process runs it
  // (owner: "<host>:<pid>:<token>") and when that process last said it is alive (heartbeat_at,
  // epoch ms); a job is only taken over once its heartbeat has lapsed (see jobs/jobRunner.ts).
  `
  ALTER TABLE jobs ADD COLUMN owner TEXT;
  ALTER TABLE jobs ADD COLUMN heartbeat_at INTEGER;
  `,
  // 8: the library list pages, filters and sorts 20,000 tracks (tracks.ts query()). Each sort key
  // has an index written exactly as the ORDER BY expression, so a page is an index walk, not a sort.
  `
  CREATE INDEX tracks_sort_artist ON tracks((lower(coalesce(artist, ''))), (lower(coalesce(title, file_name))));
  CREATE INDEX tracks_sort_title ON tracks((lower(coalesce(title, file_name))));
  CREATE INDEX tracks_added ON tracks(added_at);
  CREATE INDEX tracks_duration ON tracks(duration_sec);
  CREATE INDEX tracks_status ON tracks(status);
  `,
  // 9: the annotation workflow. A caption revision records what its author decided (status), the
  // attribute chips (JSON), time spent, a flag/review note and, for a restore, the revision it
  // brought back; the review column's values read as pending (draft/submitted), accepted, sent back
  // (rejected). caption_drafts is each annotator's autosaved working copy of a segment (mutable,
  // one row per segment and author; a save clears it). users are server accounts: a token is kept
  // only as its sha256, a removed user keeps its row (revisions name it) with removed_at set.
  `
  ALTER TABLE caption_revisions ADD COLUMN status TEXT NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft','approved','rejected','flagged'));
  ALTER TABLE caption_revisions ADD COLUMN attributes TEXT;
  ALTER TABLE caption_revisions ADD COLUMN seconds_spent REAL;
  ALTER TABLE caption_revisions ADD COLUMN note TEXT;
  ALTER TABLE caption_revisions ADD COLUMN restored_from INTEGER REFERENCES caption_revisions(id);
  CREATE INDEX caption_revisions_author ON caption_revisions(author);

  CREATE TABLE caption_drafts (
    segment_id       INTEGER NOT NULL REFERENCES segments(id),
    author           TEXT NOT NULL,
    text             TEXT NOT NULL,
    attributes       TEXT,
    base_revision_id INTEGER,             -- the head it started from (no FK: a working copy)
    suggestion_id    INTEGER REFERENCES suggestions(id) ON DELETE SET NULL,
    seconds_spent    REAL NOT NULL DEFAULT 0,
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    PRIMARY KEY (segment_id, author)
  );

  CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('annotator','reviewer')),
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    removed_at   TEXT
  );
  CREATE UNIQUE INDEX users_live_name ON users(name) WHERE removed_at IS NULL;
  `,
  // 10: where a suggestion came from when no pack made it: "label-studio:<model_version>" for a
  // Label Studio prediction brought in by `s2cap dataset import label-studio`; NULL for the
  // built-in suggester and for pack suggestions (pack_id names those). See suggestionLabel.
  `
  ALTER TABLE suggestions ADD COLUMN source TEXT;
  `,
  // 11: measured attributes say what their number is: the unit (BPM, Hz, LUFS…), S2Cap's category
  // for it (slow/normal/fast, low/normal/high…), a short reading aid (note names, an octave
  // ambiguity); confidence (0–1, present since step 1) is now filled in. Older rows keep NULLs.
  `
  ALTER TABLE attributes ADD COLUMN unit TEXT;
  ALTER TABLE attributes ADD COLUMN category TEXT;
  ALTER TABLE attributes ADD COLUMN detail TEXT;
  `,
];
