// What every repository is built on: the executor its queries run on (the library, or the
// transaction the caller is in), the dialect (for the few statements that differ, e.g. row locks
// PostgreSQL needs and SQLite's write lock makes unnecessary), and `atomic` for a repository
// method that must read and write as one unit (a caption's parent, a stem set): it joins the
// caller's transaction, or opens a write transaction of its own at top level. `paths` is how the
// library records file paths (relative to its data folder, see libraryPaths.ts).
import type { Kysely } from 'kysely';
import type { LibraryPaths } from './libraryPaths';
import type { Database } from './schema';

export type Dialect = 'sqlite' | 'postgres';

export interface RepoContext {
  /** The executor to use now (read at each query: the current transaction, else the library). */
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly paths: LibraryPaths;
  atomic<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}

/** ISO-8601 UTC with milliseconds, the format of every timestamp column (as the DDL defaults write it). */
export const nowIso = (): string => new Date().toISOString();

/** Rows an UPDATE/DELETE changed, from Kysely's bigint count. */
export const changed = (r: { numUpdatedRows?: bigint; numDeletedRows?: bigint }): number => Number(r.numUpdatedRows ?? r.numDeletedRows ?? 0n);

/** "name@version" of the pack that made a row, or null (kept after the pack is removed). */
export const packLabel = (name: string | null, version: string | null): string | null => (name === null || version === null ? null : `${name}@${version}`);
