// Opens a PostgreSQL library (a team's shared store) as a Kysely handle over a `pg` pool, migrated
// forward to this studio's schema first, with the guarantees db.ts gives a SQLite file: forward-only
// steps (pgMigrations.ts, numbered like migrations.ts), one transaction per step, a library newer
// than the app refused, foreign keys always on (PostgreSQL cannot turn them off per connection).
//
// Migrations are applied here rather than by Kysely's Migrator: that keeps its own name-keyed
// history tables and runs all pending steps in one transaction, while a library's history is the
// numbered version shared with SQLite (studio_schema.version = PRAGMA user_version), one step per
// transaction, refused when newer than the app with the same message as SQLite.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { StudioError } from '../../shared/errors';
import { PG_MIGRATIONS } from './pgMigrations';
import type { Database } from './schema';

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/** pg_advisory_xact_lock key that serialises schema migration between processes ("S2Cap" + 1). */
export const PG_SCHEMA_LOCK_KEY = 0x5332436170_01;

const CONNECT_TIMEOUT_MS = 10_000;

export interface PostgresLibrary {
  kysely: Kysely<Database>;
  close(): Promise<void>;
}

/**
 * bigint (int8: byte sizes, epoch ms, COUNT(*)) comes back as a JS number instead of pg's default
 * string, as SQLite's INTEGER does; a value past 2^53 is refused rather than silently rounded.
 * Set on this pool only, so other pg users in the process keep their parsers.
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.INT8 && format !== 'binary') return parseInt8;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new StudioError('INTERNAL', `bigint ${value} does not fit a JS number`);
  return n;
}

/** Opens and migrates the PostgreSQL database at `url` (postgres://user[:password]@host[:port]/name). */
export async function openPostgres(url: string): Promise<PostgresLibrary> {
  const shown = redactUrl(url);
  let pool: pg.Pool;
  try {
    pool = new pg.Pool({ connectionString: url, types: TYPES, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  } catch (err) {
    throw new StudioError('IO', `cannot open library ${shown}: ${describeConnectError(err)}`);
  }
  // A pooled idle connection the server ends (restart, admin) emits 'error' on the pool; pg has
  // already dropped that client and the next query opens a new one, so nothing else is needed.
  pool.on('error', () => {});
  try {
    await migratePostgres(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    if (err instanceof StudioError) throw err;
    throw new StudioError('IO', `cannot open library ${shown}: ${describeConnectError(err)}`);
  }
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, close: () => kysely.destroy() };
}

/**
 * Moves the database forward to PG_SCHEMA_VERSION, one step per transaction, each under an
 * advisory lock with the version re-read inside it: processes opening one database at once
 * migrate it once. Returns how many steps this call applied.
 */
export async function migratePostgres(pool: pg.Pool): Promise<number> {
  let applied = 0;
  for (;;) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(${PG_SCHEMA_LOCK_KEY})`);
      const version = await readVersion(client);
      if (version > PG_SCHEMA_VERSION) {
        throw new StudioError(
          'UNSUPPORTED',
          `library schema v${version} is newer than this studio understands (v${PG_SCHEMA_VERSION}); update S2Cap Studio`,
        );
      }
      if (version === PG_SCHEMA_VERSION) {
        await client.query('COMMIT');
        return applied;
      }
      await client.query(PG_MIGRATIONS[version]!);
      await client.query('UPDATE studio_schema SET version = $1', [version + 1]);
      await client.query('COMMIT');
      applied++;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}

/** The library's version, creating the one-row version table (at 0) for a new database. */
async function readVersion(client: pg.PoolClient): Promise<number> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('studio_schema')::text AS t`);
  if (exists.rows[0]?.t == null) {
    await client.query('CREATE TABLE studio_schema (version integer NOT NULL)');
    await client.query('INSERT INTO studio_schema (version) VALUES (0)');
    return 0;
  }
  const rows = await client.query<{ version: number }>('SELECT version FROM studio_schema');
  if (rows.rows.length !== 1) {
    throw new StudioError('IO', `studio_schema holds ${rows.rows.length} rows, expected one (not a studio library?)`);
  }
  return rows.rows[0]!.version;
}

/** The URL as it may be shown: no password, no query string (which may carry one). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${u.username}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return url.replace(/\?.*$/, '').replace(/(\/\/[^:/@]*):[^@]*@/, '$1@');
  }
}

/** One short reason for a failed connection or migration; Node's AggregateError has no message. */
function describeConnectError(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: unknown[] };
  if (Array.isArray(e.errors) && e.errors.length > 0) return describeConnectError(e.errors[0]);
  switch (e.code) {
    case 'ERR_INVALID_URL':
      return 'not a valid postgres:// URL';
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'ECONNRESET':
      return 'connection reset by the server';
  }
  const msg = (e.message ?? String(err)).split('\n')[0]!;
  if (/timeout/i.test(msg)) return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
  return msg || 'unknown error';
}
