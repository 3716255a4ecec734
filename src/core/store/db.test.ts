import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp';
import { openDb, SCHEMA_VERSION } from './db';
import { openStore } from './store';

describe('openDb', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('creates a WAL library with foreign keys and the current schema', () => {
    const file = path.join(tmp.dir, 'nested', 'lib.db');
    const db = openDb(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining(['tracks', 'segments', 'stems', 'suggestions', 'caption_revisions', 'attributes', 'model_packs', 'jobs', 'settings']),
    );
    db.close();
  });

  it('reopens an existing library without re-running migrations', () => {
    const file = path.join(tmp.dir, 'lib.db');
    const a = openDb(file);
    a.prepare("INSERT INTO settings (key, value) VALUES ('k', '1')").run();
    a.close();
    const b = openDb(file);
    expect(b.prepare("SELECT value FROM settings WHERE key='k'").get()).toEqual({ value: '1' });
    b.close();
  });

  it('refuses a library from a newer studio, without touching it', () => {
    const file = path.join(tmp.dir, 'future.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    expect(() => openDb(file)).toThrow(/newer than this studio understands/);
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 5);
    again.close();
  });

  it('refuses a file that is not a database with a one-line reason', () => {
    const file = path.join(tmp.dir, 'notes.db');
    fs.writeFileSync(file, 'this is a text file, not sqlite, and it is long enough to have a header');
    expect(() => openDb(file)).toThrow(/not a studio library/);
  });

  it('works in memory', () => {
    const db = openDb(':memory:');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });
});

describe('openStore on a SQLite file', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('opens through openDb (migrated) and refuses a library from a newer studio the same way', async () => {
    const file = path.join(tmp.dir, 'lib.db');
    const store = await openStore(file);
    expect(store.dialect).toBe('sqlite');
    await store.settings.set('k', 1);
    await store.close();
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    await expect(openStore(file)).rejects.toThrow(/newer than this studio understands/);
  });
});
