// The PostgreSQL back end on a real server (the throwaway test cluster): migrations, the version
// guard, concurrent opens, append-only triggers, foreign keys, and the schema held equal to SQLite's.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../shared/errors';
import { createPgTestDb, hasPg, type PgTestDb } from '../testing/pgTestDb';
import { openDb } from './db';
import { MIGRATIONS } from './migrations';
import { PG_MIGRATIONS } from './pgMigrations';
import { migratePostgres, openPostgres, PG_SCHEMA_VERSION, redactUrl, type PostgresLibrary } from './postgres';

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('postgres URLs and connection errors (no server needed)', () => {
  it('shows a URL without its password or query', () => {
    expect(redactUrl('postgres://ann:s3cret@db.example:5433/team?sslmode=require&password=x')).toBe(
      'postgres://ann@db.example:5433/team',
    );
    expect(redactUrl('postgresql://db.example/team')).toBe('postgresql://db.example/team');
  });

  it('a server that is not there is one line naming the URL without the password', async () => {
    const port = await closedPort();
    const err = await openPostgres(`postgres://ann:s3cret@127.0.0.1:${port}/team`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('IO');
    expect((err as StudioError).message).toBe(`cannot open library postgres://ann@127.0.0.1:${port}/team: connection refused`);
  });

  it('a malformed URL is refused without showing its password', async () => {
    const err = await openPostgres('postgres://ann:s3cret@127.0.0.1:notaport/team').catch((e: unknown) => e);
    expect((err as StudioError).code).toBe('IO');
    expect((err as StudioError).message).toBe('cannot open library postgres://ann@127.0.0.1:notaport/team: not a valid postgres:// URL');
  });
});

describe.skipIf(!hasPg('postgres.test.ts'))('postgres library', () => {
  const dbs: PgTestDb[] = [];
  const open: PostgresLibrary[] = [];
  afterAll(async () => {
    await Promise.all(open.map((l) => l.close().catch(() => {})));
    await Promise.all(dbs.map((d) => d.drop()));
  });
  async function fresh(): Promise<PgTestDb> {
    const db = await createPgTestDb();
    dbs.push(db);
    return db;
  }
  async function lib(url: string): Promise<PostgresLibrary> {
    const l = await openPostgres(url);
    open.push(l);
    return l;
  }
  async function version(l: PostgresLibrary): Promise<number> {
    const r = await sql<{ version: number }>`SELECT version FROM studio_schema`.execute(l.kysely);
    expect(r.rows).toHaveLength(1);
    return r.rows[0]!.version;
  }
  async function migrateWithPool(url: string): Promise<number> {
    const pool = new pg.Pool({ connectionString: url });
    try {
      return await migratePostgres(pool);
    } finally {
      await pool.end();
    }
  }

  it('has one step for every SQLite migration', () => {
    expect(PG_MIGRATIONS).toHaveLength(MIGRATIONS.length);
    expect(PG_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('migrates a new database to the current version, and re-opening changes nothing', async () => {
    const db = await fresh();
    expect(await migrateWithPool(db.url)).toBe(PG_SCHEMA_VERSION);
    expect(await migrateWithPool(db.url)).toBe(0);
    const l = await lib(db.url);
    expect(await version(l)).toBe(PG_SCHEMA_VERSION);
    // Rows go in and out through Kysely; bigint reads back as a number; defaults match SQLite's.
    const t = await l.kysely
      .insertInto('tracks')
      .values({ path: '/a.wav', file_name: 'a.wav', sha256: 'aa', size_bytes: 5_000_000_000 })
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(t.size_bytes).toBe(5_000_000_000);
    expect(t.status).toBe('imported');
    expect(t.added_at).toMatch(ISO_MS);
    const count = await l.kysely.selectFrom('tracks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });

  it('several processes opening one new database migrate it once', async () => {
    const db = await fresh();
    const applied = await Promise.all([1, 2, 3, 4].map(() => migrateWithPool(db.url)));
    expect(applied.reduce((a, b) => a + b, 0)).toBe(PG_SCHEMA_VERSION);
    expect(await version(await lib(db.url))).toBe(PG_SCHEMA_VERSION);
  });

  it('refuses a library newer than this studio, as SQLite does', async () => {
    const db = await fresh();
    const l = await lib(db.url);
    await sql`UPDATE studio_schema SET version = ${PG_SCHEMA_VERSION + 1}`.execute(l.kysely);
    const err = await openPostgres(db.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('UNSUPPORTED');
    expect((err as StudioError).message).toBe(
      `library schema v${PG_SCHEMA_VERSION + 1} is newer than this studio understands (v${PG_SCHEMA_VERSION}); update S2Cap Studio`,
    );
  });

  it('a database that does not exist is one line naming it', async () => {
    const db = await fresh();
    await db.drop();
    const err = await openPostgres(db.url).catch((e: unknown) => e);
    expect((err as StudioError).code).toBe('IO');
    expect((err as StudioError).message).toBe(`cannot open library ${redactUrl(db.url)}: database "${db.name}" does not exist`);
  });

  it('caption revisions are append-only and model pack rows are never deleted, in the database itself', async () => {
    const l = await lib((await fresh()).url);
    const k = l.kysely;
    const track = await k.insertInto('tracks').values({ path: '/a', file_name: 'a', sha256: 'a1', size_bytes: 1 }).returning('id').executeTakeFirstOrThrow();
    const seg = await k.insertInto('segments').values({ track_id: track.id, start_sec: 0, end_sec: 5, deleted_at: null }).returning('id').executeTakeFirstOrThrow();
    const rev = { segment_id: seg.id, parent_id: null, text: 'a low voice', author: 'ann', source: 'human' as const, suggestion_id: null };
    const r1 = await k.insertInto('caption_revisions').values(rev).returningAll().executeTakeFirstOrThrow();
    expect(r1.review).toBe('draft');
    expect(r1.created_at).toMatch(ISO_MS);

    const refused = /caption revisions are append-only/;
    await expect(k.updateTable('caption_revisions').set({ text: 'rewritten' }).execute()).rejects.toThrow(refused);
    await expect(k.deleteFrom('caption_revisions').execute()).rejects.toThrow(refused);
    await expect(sql`TRUNCATE caption_revisions`.execute(k)).rejects.toThrow(refused);
    await expect(sql`TRUNCATE tracks CASCADE`.execute(k)).rejects.toThrow(refused);
    // The upsert that would stand in for SQLite's REPLACE is an UPDATE, so it is refused too.
    await expect(
      k.insertInto('caption_revisions').values({ ...rev, id: r1.id, text: 'replaced' })
        .onConflict((oc) => oc.column('id').doUpdateSet({ text: 'replaced' })).execute(),
    ).rejects.toThrow(refused);
    const rows = await k.selectFrom('caption_revisions').selectAll().execute();
    expect(rows).toEqual([r1]);

    const pack = await k.insertInto('model_packs')
      .values({ name: 'p', version: '1', roles: '[]', dir: 'd', manifest: '{}', removed_at: null, files_stat: null })
      .returning('id').executeTakeFirstOrThrow();
    const keep = /model pack rows keep provenance/;
    await expect(k.deleteFrom('model_packs').where('id', '=', pack.id).execute()).rejects.toThrow(keep);
    await expect(sql`TRUNCATE model_packs CASCADE`.execute(k)).rejects.toThrow(keep);
    await k.updateTable('model_packs').set({ removed_at: new Date().toISOString() }).where('id', '=', pack.id).execute();
    expect(await k.selectFrom('model_packs').select('id').execute()).toEqual([{ id: pack.id }]);
  });

  it('enforces foreign keys with the same ON DELETE actions as SQLite', async () => {
    const k = (await lib((await fresh()).url)).kysely;
    await expect(
      k.insertInto('segments').values({ track_id: 999, start_sec: 0, end_sec: 1, deleted_at: null }).execute(),
    ).rejects.toThrow(/foreign key/);
    const track = await k.insertInto('tracks').values({ path: '/a', file_name: 'a', sha256: 'a1', size_bytes: 1 }).returning('id').executeTakeFirstOrThrow();
    const seg = await k.insertInto('segments').values({ track_id: track.id, start_sec: 0, end_sec: 5, deleted_at: null }).returning('id').executeTakeFirstOrThrow();
    await k.insertInto('attributes').values({ segment_id: seg.id, name: 'pitch', value: 'low', source: 'measured', confidence: null, start_sec: 0, end_sec: 5 }).execute();
    await expect(
      k.insertInto('segments').values({ track_id: track.id, start_sec: 3, end_sec: 2, deleted_at: null }).execute(),
    ).rejects.toThrow(/check constraint/);
    // A track's segments and their attributes go with it (CASCADE) …
    await k.deleteFrom('tracks').where('id', '=', track.id).execute();
    expect(await k.selectFrom('attributes').select('id').execute()).toEqual([]);
    // … but a segment with caption revisions cannot be deleted (no cascade: revisions are kept).
    const t2 = await k.insertInto('tracks').values({ path: '/b', file_name: 'b', sha256: 'b1', size_bytes: 1 }).returning('id').executeTakeFirstOrThrow();
    const s2 = await k.insertInto('segments').values({ track_id: t2.id, start_sec: 0, end_sec: 5, deleted_at: null }).returning('id').executeTakeFirstOrThrow();
    await k.insertInto('caption_revisions').values({ segment_id: s2.id, parent_id: null, text: 'x', author: 'a', source: 'human', suggestion_id: null }).execute();
    await expect(k.deleteFrom('tracks').where('id', '=', t2.id).execute()).rejects.toThrow(/foreign key/);
  });

  it('has the same tables, columns, foreign keys and indexes as a migrated SQLite library', async () => {
    const l = await lib((await fresh()).url);
    const sqlite = openDb(':memory:');
    try {
      const lite = sqliteSchema(sqlite);
      const post = await postgresSchema(l);
      expect(Object.keys(post.columns).sort()).toEqual(Object.keys(lite.columns).sort());
      for (const table of Object.keys(lite.columns)) expect({ table, cols: post.columns[table] }).toEqual({ table, cols: lite.columns[table] });
      expect(post.foreignKeys).toEqual(lite.foreignKeys);
      expect(post.indexes).toEqual(lite.indexes);
    } finally {
      sqlite.close();
    }
  });
});

interface Schema {
  /** table → "column type-family null|not-null default|-" sorted */
  columns: Record<string, string[]>;
  /** "table.column -> table.column ON DELETE action" sorted */
  foreignKeys: string[];
  /** "table(col, …) unique|index" sorted (primary keys left out) */
  indexes: string[];
}

/** INTEGER/bigint → integer, REAL/double precision → real, TEXT → text. */
function family(type: string): string {
  const t = type.toLowerCase();
  if (t === 'integer' || t === 'bigint' || t === 'smallint') return 'integer';
  if (t === 'real' || t === 'double precision') return 'real';
  if (t === 'text') return 'text';
  return `other:${t}`;
}

function sqliteSchema(db: ReturnType<typeof openDb>): Schema {
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
  const columns: Record<string, string[]> = {};
  const foreignKeys: string[] = [];
  const indexes: string[] = [];
  for (const t of tables) {
    const cols = db.pragma(`table_info(${t})`) as { name: string; type: string; notnull: number; dflt_value: unknown; pk: number }[];
    // A primary key is never NULL on PostgreSQL (SQLite lets a TEXT key hold NULL, which the app never writes).
    columns[t] = cols
      .map((c) => `${c.name} ${family(c.type)} ${c.notnull || c.pk ? 'not-null' : 'null'} ${c.dflt_value != null ? 'default' : '-'}`)
      .sort();
    for (const f of db.pragma(`foreign_key_list(${t})`) as { table: string; from: string; to: string; on_delete: string }[]) {
      foreignKeys.push(`${t}.${f.from} -> ${f.table}.${f.to} ON DELETE ${f.on_delete}`);
    }
    for (const ix of db.pragma(`index_list(${t})`) as { name: string; unique: number; origin: string }[]) {
      if (ix.origin === 'pk') continue;
      const cols = (db.pragma(`index_info(${ix.name})`) as { seqno: number; name: string | null }[])
        .sort((a, b) => a.seqno - b.seqno)
        .map((c) => c.name ?? '<expr>'); // an expression column (e.g. lower(title)) has no name
      indexes.push(`${t}(${cols.join(', ')}) ${ix.unique ? 'unique' : 'index'}`);
    }
  }
  return { columns, foreignKeys: foreignKeys.sort(), indexes: indexes.sort() };
}

const PG_DELETE_ACTION: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

async function postgresSchema(l: PostgresLibrary): Promise<Schema> {
  const cols = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>`
    SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name <> 'studio_schema'`.execute(l.kysely);
  const columns: Record<string, string[]> = {};
  for (const c of cols.rows) {
    (columns[c.table_name] ??= []).push(
      `${c.column_name} ${family(c.data_type)} ${c.is_nullable === 'NO' ? 'not-null' : 'null'} ${c.column_default != null ? 'default' : '-'}`,
    );
  }
  for (const t of Object.keys(columns)) columns[t]!.sort();
  const fks = await sql<{ t: string; c: string; rt: string; rc: string; del: string }>`
    SELECT cl.relname AS t, a.attname AS c, rcl.relname AS rt, ra.attname AS rc, con.confdeltype AS del
    FROM pg_constraint con
    JOIN pg_class cl ON cl.oid = con.conrelid
    JOIN pg_class rcl ON rcl.oid = con.confrelid
    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
    JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1]
    WHERE con.contype = 'f' AND cl.relnamespace = current_schema()::regnamespace`.execute(l.kysely);
  const idx = await sql<{ t: string; cols: string; uniq: boolean }>`
    SELECT cl.relname AS t, i.indisunique AS uniq,
      (SELECT string_agg(coalesce(a.attname, '<expr>'), ', ' ORDER BY k.ord) FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum <> 0) AS cols
    FROM pg_index i JOIN pg_class cl ON cl.oid = i.indrelid
    WHERE NOT i.indisprimary AND cl.relnamespace = current_schema()::regnamespace AND cl.relname <> 'studio_schema'`.execute(l.kysely);
  return {
    columns,
    foreignKeys: fks.rows.map((f) => `${f.t}.${f.c} -> ${f.rt}.${f.rc} ON DELETE ${PG_DELETE_ACTION[f.del] ?? f.del}`).sort(),
    indexes: idx.rows.map((i) => `${i.t}(${i.cols}) ${i.uniq ? 'unique' : 'index'}`).sort(),
  };
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
