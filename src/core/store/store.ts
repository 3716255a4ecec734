// The library behind one object: typed async repositories over Kysely, the same code for both back
// ends. `openStore` opens a SQLite file (the default: WAL, foreign keys, the migrations of db.ts)
// or, for a postgres:// URL, a PostgreSQL database (postgres.ts). Nothing outside core/store sees
// SQL or a database handle; callers use `store.tracks.get(id)`, `store.transaction(fn)`, ….
//
// Transactions: SQLite has one connection, which Kysely's driver guards with a mutex. A write
// transaction begins IMMEDIATE (it takes the write lock before it reads, so it cannot fail on a
// lock upgrade) and is retried while another process holds the library (busyRetry.ts); between
// attempts the connection is free for this process's other queries. While `fn` runs, every
// repository of this store, reached from inside `fn`'s async context, runs on the transaction
// (AsyncLocalStorage), so a repository call made from inside never waits on the mutex its own
// transaction holds, and a nested `transaction` joins the outer one rather than deadlocking.
//
// File paths: a store opened with its library's data folder records files under it relative to it
// (libraryPaths.ts); on open it rewrites, once per data folder, the absolute paths an older studio
// recorded there. A PostgreSQL library names its folder in its settings, so `dataDir` may be a
// function that reads (and records) it before the repositories are made.
import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { AttributesRepo } from './attributes';
import { withBusyRetry, type BusyRetryOptions } from './busyRetry';
import { CaptionsRepo } from './captions';
import { openDb } from './db';
import { ExportQueryRepo } from './exportQuery';
import { JobsRepo } from './jobs';
import { ABSOLUTE_PATHS, libraryPaths, type LibraryPaths } from './libraryPaths';
import { PacksRepo } from './packs';
import { QueueRepo } from './queue';
import type { Dialect, RepoContext } from './repoContext';
import type { Database } from './schema';
import { SegmentsRepo } from './segments';
import { SettingsRepo } from './settings';
import { StatsRepo } from './stats';
import { StemsRepo } from './stems';
import { SuggestionsRepo } from './suggestions';
import { TracksRepo } from './tracks';
import { UsersRepo } from './users';

export type { Dialect };

export interface Repositories {
  readonly tracks: TracksRepo;
  readonly segments: SegmentsRepo;
  readonly stems: StemsRepo;
  readonly suggestions: SuggestionsRepo;
  readonly captions: CaptionsRepo;
  readonly attributes: AttributesRepo;
  readonly jobs: JobsRepo;
  readonly packs: PacksRepo;
  readonly settings: SettingsRepo;
  readonly queue: QueueRepo;
  readonly stats: StatsRepo;
  readonly users: UsersRepo;
  readonly exports: ExportQueryRepo;
}

export interface TransactionOptions extends BusyRetryOptions {
  /**
   * A transaction that writes (default true). SQLite: begins IMMEDIATE and is retried while the
   * library is busy; a read-only one begins DEFERRED and is not retried. Either way a read-only
   * one reads one snapshot (PostgreSQL: REPEATABLE READ, READ ONLY).
   */
  write?: boolean;
}

export interface Store extends Repositories {
  readonly dialect: Dialect;
  /** How this store records file paths (relative to `paths.dataDir` when it has one). */
  readonly paths: LibraryPaths;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. `fn` may
   * run more than once (a busy SQLite library is retried), so it should only touch the store.
   * Called from inside another transaction of this store, it joins that one.
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** A connection (or transaction) handed to the store by a back end. */
export interface Backend {
  dialect: Dialect;
  kysely: Kysely<Database>;
  close(): Promise<void>;
}

/** Whether `target` names a PostgreSQL database rather than a SQLite file. */
export const isPostgresUrl = (target: string): boolean => /^postgres(ql)?:\/\//i.test(target);

export interface OpenStoreOptions {
  /**
   * The library's data folder (files under it are recorded relative to it), or how to find it from
   * the library's own settings (a PostgreSQL library); none: paths are recorded as given.
   */
  dataDir?: string | ((settings: SettingsRepo) => Promise<string>);
}

/** Opens a library: a postgres:// or postgresql:// URL, else a SQLite file path (or ':memory:'). Migrated. */
export async function openStore(target: string, opts: OpenStoreOptions = {}): Promise<Store> {
  let backend: Backend;
  if (isPostgresUrl(target)) {
    const { openPostgres } = await import('./postgres');
    const pg = await openPostgres(target);
    backend = { dialect: 'postgres', kysely: pg.kysely, close: () => pg.close() };
  } else {
    const database = openDb(target);
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    backend = { dialect: 'sqlite', kysely, close: () => kysely.destroy() };
  }
  if (opts.dataDir === undefined) return createStore(backend);
  try {
    const dir = typeof opts.dataDir === 'string' ? opts.dataDir : await opts.dataDir(createStore(backend).settings);
    const store = createStore(backend, libraryPaths(dir));
    await relativizeOldPaths(store);
    return store;
  } catch (err) {
    await backend.close().catch(() => {});
    throw err;
  }
}

const PATHS_SETTING = 'store.pathsRelativeTo';

/**
 * Rewrites absolute paths under the data folder (recorded by a studio from before relative paths)
 * to the relative form, in one transaction, once per data folder (remembered in the settings).
 */
async function relativizeOldPaths(store: Store): Promise<void> {
  const { paths } = store;
  const root = paths.dataDir!;
  if ((await store.settings.get<string>(PATHS_SETTING)) === root) return;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  const under = (column: 'path' | 'dir') => sql<string>`substr(${sql.ref(column)}, 1, ${prefix.length})`;
  await store.transaction(async (tx) => {
    // The transaction's executor (this is the store's own code: no repository rewrites raw paths).
    const db = scopes.getStore()!.db;
    for (const r of await db.selectFrom('tracks').select(['id', 'path']).where(under('path'), '=', prefix).execute()) {
      await db.updateTable('tracks').set({ path: paths.toStored(r.path) }).where('id', '=', r.id).execute();
    }
    for (const r of await db.selectFrom('stems').select(['id', 'path']).where(under('path'), '=', prefix).execute()) {
      await db.updateTable('stems').set({ path: paths.toStored(r.path) }).where('id', '=', r.id).execute();
    }
    for (const r of await db.selectFrom('model_packs').select(['id', 'dir']).where(under('dir'), '=', prefix).execute()) {
      await db.updateTable('model_packs').set({ dir: paths.toStored(r.dir) }).where('id', '=', r.id).execute();
    }
    await tx.settings.set(PATHS_SETTING, root);
  });
}

interface Scope {
  store: object;
  db: Kysely<Database>;
  repos: Repositories;
  done: boolean;
}

const scopes = new AsyncLocalStorage<Scope>();
const executors = new WeakMap<Store, Kysely<Database>>();

/**
 * The Kysely instance under a store: only for the store's own tests, which check the schema itself
 * (triggers, constraints) with statements no repository would make. App code uses repositories.
 */
export function storeKyselyForTests(store: Store): Kysely<Database> {
  return executors.get(store)!;
}

function makeRepos(c: RepoContext): Repositories {
  return {
    tracks: new TracksRepo(c),
    segments: new SegmentsRepo(c),
    stems: new StemsRepo(c),
    suggestions: new SuggestionsRepo(c),
    captions: new CaptionsRepo(c),
    attributes: new AttributesRepo(c),
    jobs: new JobsRepo(c),
    packs: new PacksRepo(c),
    settings: new SettingsRepo(c),
    queue: new QueueRepo(c),
    stats: new StatsRepo(c),
    users: new UsersRepo(c),
    exports: new ExportQueryRepo(c),
  };
}

export function createStore(backend: Backend, paths: LibraryPaths = ABSOLUTE_PATHS): Store {
  const { dialect, kysely } = backend;
  const id = {};
  let closed = false;
  /** The transaction this async context is in (for this store), if any. */
  const current = (): Scope | undefined => {
    const s = scopes.getStore();
    return s && s.store === id && !s.done ? s : undefined;
  };

  /** Runs `fn` on a fresh transaction's executor, with this store's repositories bound to it. */
  async function inTransaction<T>(fn: (db: Kysely<Database>, repos: Repositories) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    const outer = current();
    if (outer) return fn(outer.db, outer.repos);
    if (closed) throw new Error('the library is closed');
    const write = opts.write ?? true;
    const run = async (db: Kysely<Database>): Promise<T> => {
      const scope: Scope = { store: id, db, repos: makeRepos({ db, dialect, paths, atomic: (f) => f(db) }), done: false };
      try {
        return await scopes.run(scope, () => fn(db, scope.repos));
      } finally {
        scope.done = true;
      }
    };
    const once = (): Promise<T> =>
      dialect === 'postgres'
        ? // A read-only transaction reads one snapshot, as on SQLite (READ COMMITTED, the default,
          // takes a new one per statement; readers that read two tables together rely on it).
          (write ? kysely.transaction() : kysely.transaction().setIsolationLevel('repeatable read').setAccessMode('read only')).execute(run)
        : kysely.connection().execute(async (conn) => {
            await sql.raw(write ? 'BEGIN IMMEDIATE' : 'BEGIN').execute(conn);
            try {
              const result = await run(conn);
              await sql.raw('COMMIT').execute(conn);
              return result;
            } catch (err) {
              await sql.raw('ROLLBACK').execute(conn).catch(() => {}); // already rolled back by SQLite on some errors
              throw err;
            }
          });
    return write ? withBusyRetry(once, opts) : once();
  }

  const root: RepoContext = {
    get db() {
      return current()?.db ?? kysely;
    },
    dialect,
    paths,
    atomic: (fn) => inTransaction((db) => fn(db)),
  };
  const repos = makeRepos(root);

  const store: Store = {
    dialect,
    paths,
    ...repos,
    transaction: (fn, opts) => inTransaction((_db, tx) => fn(tx), opts),
    async close() {
      if (closed) return;
      closed = true;
      await backend.close();
    },
  };
  executors.set(store, kysely);
  return store;
}
