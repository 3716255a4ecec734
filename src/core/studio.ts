// The StudioApi implemented once, over one library (a SQLite file, or a PostgreSQL database named
// by a postgres:// URL). Transports (Electron IPC, HTTP/WS, CLI) wrap this object; nothing here
// knows which window, socket or terminal is calling, and none of them sees the store: they call
// StudioApi commands or the few core services below (media files, stems a CLI run separated).
// A library's own files live in ONE folder named after it (core/dataDir: `team.s2cap.db` →
// `team.s2cap.data/` with packs/, stems/, uploads/, cache/). Libraries from before kept those
// folders beside the library file: their rows keep the absolute paths they recorded, and packs
// installed there are still listed; everything new goes to the library's own folder. A PostgreSQL
// library names its data folder in its settings (core/libraryFolder). Files under the data folder
// are recorded relative to it (store/libraryPaths), so the folder can move with the library.
import os from 'node:os';
import path from 'node:path';
import type { StudioApi, StudioEventSource } from '../shared/api';
import { annotationCommands } from './commands/annotation';
import { datasetCommands } from './commands/dataset';
import { DatasetImporter } from './dataset/datasetImporter';
import { analysisCommands } from './commands/analysis';
import { AnalysisService } from './analysisService';
import { evalCommands } from './commands/evals';
import { libraryCommands } from './commands/library';
import { modelCommands } from './commands/models';
import { trainingCommands } from './commands/training';
import { trackCommands } from './commands/tracks';
import { defaultPgDataDir, libraryDataDir } from './dataDir';
import { runEval, type EvalOptions, type EvalResult } from './eval/runEval';
import { choosePgDataDir } from './libraryFolder';
import { StudioEventHub } from './events';
import { PackRegistry } from './inference/packs/registry';
import { JobRunner } from './jobs/jobRunner';
import type { JobTiming } from './jobs/jobOwner';
import { sweepLeftovers } from './leftovers';
import { resolveMedia, type MediaFile, type MediaKind } from './media';
import { PeaksService } from './peaksService';
import { registerFileStems, type FileStems } from './stemFiles';
import { isPostgresUrl, openStore, type Store } from './store/store';
import { UserAccounts } from './userAccounts';
import { WorkerPool } from './worker/pool';

export interface StudioOptions {
  /** Library file; `:memory:` for a throwaway library; or a postgres:// URL. */
  dbPath: string;
  /**
   * Folder for files the studio owns (uploads, stems, peaks, packs), for this process. Defaults to
   * libraryDataDir(dbPath) for a file; a PostgreSQL library's own (its `dataDir` setting), see
   * core/libraryFolder for how a given one and the recorded one are reconciled.
   */
  dataDir?: string;
  /** The folder a PostgreSQL library naming none gets (default: defaultPgDataDir(url, process.env)). */
  defaultDataDir?: string;
  /** One-line notes about the library's data folder (a moved folder, one used for this run only). */
  onNotice?: (line: string) => void;
  /** Model packs shipped with the app (resources/packs). */
  bundledPacksDir?: string;
  /** Start the job queue (resuming interrupted jobs). Off for one-shot CLI commands. */
  runJobs?: boolean;
  /** Job heartbeat, lapse and idle-poll intervals (jobs/jobOwner DEFAULT_JOB_TIMING); tests shorten them. */
  jobTiming?: Partial<JobTiming>;
}

export interface Studio extends StudioApi, StudioEventSource {
  readonly events: StudioEventHub;
  /** The library file, or its postgres:// URL as it may be shown (no password, no options). */
  readonly dbPath: string;
  readonly dataDir: string;
  readonly pool: WorkerPool;
  readonly packs: PackRegistry;
  readonly jobs: JobRunner;
  /** Server accounts (s2cap users): made on the server's machine, never through the StudioApi. */
  readonly users: UserAccounts;
  /** Dataset import (s2cap dataset import): files on the studio's machine, never through the StudioApi. */
  readonly datasets: DatasetImporter;
  /** A track's or stem's file, by id (the media protocol and the HTTP server serve it). */
  media(kind: MediaKind, id: number): Promise<MediaFile>;
  /** Registers stems separated from `stems.file` with the track of the same content, if the library has one. */
  registerFileStems(stems: FileStems): Promise<{ trackId: number } | null>;
  /** Captions the reference segments with a captioner and scores them (s2cap eval); the run is recorded for listEvals. */
  evaluate(opts: EvalOptions): Promise<EvalResult>;
  close(): Promise<void>;
}

const stores = new WeakMap<Studio, Store>();

/** The store under a studio: for tests and in-process checks only; transports use the StudioApi. */
export function studioStore(studio: Studio): Store {
  return stores.get(studio)!;
}

export async function createStudio(opts: StudioOptions): Promise<Studio> {
  const pg = isPostgresUrl(opts.dbPath);
  const dbPath = opts.dbPath === ':memory:' || pg ? opts.dbPath : path.resolve(opts.dbPath);
  const store = await openStore(dbPath, {
    dataDir: pg
      ? (settings) => choosePgDataDir(settings, { url: dbPath, given: opts.dataDir, fallback: opts.defaultDataDir ?? defaultPgDataDir(dbPath), notice: opts.onNotice })
      : path.resolve(opts.dataDir ?? (dbPath === ':memory:' ? path.join(os.tmpdir(), `s2cap-memory-${process.pid}`) : libraryDataDir(dbPath))),
  });
  const dataDir = store.paths.dataDir!;
  // What the studio shows as its library (getInfo, serve): a PostgreSQL URL without its password.
  const shownDb = pg ? (await import('./store/postgres')).redactUrl(dbPath) : dbPath;
  // Where an older studio installed packs (beside the library file), still read.
  const legacyPacksDir = opts.dataDir || pg || dbPath === ':memory:' ? undefined : path.join(path.dirname(dbPath), 'packs');
  const events = new StudioEventHub();
  const pool = new WorkerPool();
  const peaksDir = path.join(dataDir, 'cache', 'peaks');
  const peaks = new PeaksService(store, peaksDir, pool);
  const analysis = new AnalysisService(store, path.join(dataDir, 'cache', 'analysis'), pool);
  const packs = new PackRegistry(store, { installDir: path.join(dataDir, 'packs'), bundledDir: opts.bundledPacksDir, legacyDir: legacyPacksDir });
  const jobs = new JobRunner({ store, events, pool, packs, dataDir, timing: opts.jobTiming });
  const ctx = { store, dbPath: shownDb, dataDir, events, pool, peaks, analysis, packs, jobs };

  const api: StudioApi = { ...libraryCommands(ctx), ...trackCommands(ctx), ...modelCommands(ctx), ...trainingCommands(ctx), ...annotationCommands(ctx), ...datasetCommands(ctx), ...evalCommands(ctx), ...analysisCommands(ctx) };
  // Jobs whose process died go back to the queue once their heartbeat has lapsed (unless this is a
  // one-shot CLI call; another process may be running jobs on this library meanwhile, see
  // jobs/jobRunner). Temporary files a killed process left (stems, uploads, peaks) go first (see
  // core/leftovers; a live run's files in another process are never touched).
  if (opts.runJobs !== false) {
    await sweepLeftovers(store, dataDir, peaksDir);
    void jobs.start();
  }
  const studio: Studio = {
    ...api,
    events,
    dbPath: shownDb,
    dataDir,
    pool,
    packs,
    jobs,
    users: new UserAccounts(store),
    datasets: new DatasetImporter(store),
    on: (event, handler) => events.on(event, handler),
    media: (kind, id) => resolveMedia(store, kind, id),
    async registerFileStems(stems) {
      const trackId = await registerFileStems(store, dataDir, stems);
      if (trackId !== null) events.emit('trackChanged', { trackId, what: 'stems' });
      return trackId === null ? null : { trackId };
    },
    evaluate: (o) => runEval({ store, packs, pool }, o),
    async close() {
      await jobs.stop();
      await pool.close();
      await store.close();
    },
  };
  stores.set(studio, store);
  return studio;
}
