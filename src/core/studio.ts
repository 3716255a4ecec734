// The StudioApi implemented once, over one library file. Transports (Electron IPC, HTTP/WS, CLI)
// wrap this object; nothing here knows which window, socket or terminal is calling.
// A library's own files live in ONE folder named after it (core/dataDir: `team.s2cap.db` →
// `team.s2cap.data/` with packs/, stems/, uploads/, cache/). Libraries from before kept those
// folders beside the library file: their rows keep the absolute paths they recorded, and packs
// installed there are still listed; everything new goes to the library's own folder.
import os from 'node:os';
import path from 'node:path';
import type { StudioApi, StudioEventSource } from '../shared/api';
import { libraryCommands } from './commands/library';
import { modelCommands } from './commands/models';
import { trackCommands } from './commands/tracks';
import { libraryDataDir } from './dataDir';
import { StudioEventHub } from './events';
import { PackRegistry } from './inference/packs/registry';
import { JobRunner } from './jobs/jobRunner';
import type { JobTiming } from './jobs/jobOwner';
import { sweepLeftovers } from './leftovers';
import { PeaksService } from './peaksService';
import { openDb, type Db } from './store/db';
import { WorkerPool } from './worker/pool';

export interface StudioOptions {
  /** Library file; `:memory:` for a throwaway library. */
  dbPath: string;
  /** Folder for files the studio owns (uploads, stems, peaks, packs). Defaults to libraryDataDir(dbPath). */
  dataDir?: string;
  /** Model packs shipped with the app (resources/packs). */
  bundledPacksDir?: string;
  /** Start the job queue (resuming interrupted jobs). Off for one-shot CLI commands. */
  runJobs?: boolean;
  /** Job heartbeat, lapse and idle-poll intervals (jobs/jobOwner DEFAULT_JOB_TIMING); tests shorten them. */
  jobTiming?: Partial<JobTiming>;
}

export interface Studio extends StudioApi, StudioEventSource {
  readonly events: StudioEventHub;
  readonly db: Db;
  readonly dbPath: string;
  readonly dataDir: string;
  readonly pool: WorkerPool;
  readonly packs: PackRegistry;
  readonly jobs: JobRunner;
  close(): Promise<void>;
}

export function createStudio(opts: StudioOptions): Studio {
  const db = openDb(opts.dbPath);
  const dbPath = opts.dbPath === ':memory:' ? ':memory:' : path.resolve(opts.dbPath);
  const dataDir = path.resolve(opts.dataDir ?? (dbPath === ':memory:' ? path.join(os.tmpdir(), `s2cap-memory-${process.pid}`) : libraryDataDir(dbPath)));
  // Where an older studio installed packs (beside the library file), still read.
  const legacyPacksDir = opts.dataDir || dbPath === ':memory:' ? undefined : path.join(path.dirname(dbPath), 'packs');
  const events = new StudioEventHub();
  const pool = new WorkerPool();
  const peaksDir = path.join(dataDir, 'cache', 'peaks');
  const peaks = new PeaksService(db, peaksDir, pool);
  const packs = new PackRegistry(db, { installDir: path.join(dataDir, 'packs'), bundledDir: opts.bundledPacksDir, legacyDir: legacyPacksDir });
  const jobs = new JobRunner({ db, events, pool, packs, dataDir, timing: opts.jobTiming });
  const ctx = { db, dbPath, dataDir, events, pool, peaks, packs, jobs };

  const api: StudioApi = { ...libraryCommands(ctx), ...trackCommands(ctx), ...modelCommands(ctx) };
  // Jobs whose process died go back to the queue once their heartbeat has lapsed (unless this is a
  // one-shot CLI call; another process may be running jobs on this library meanwhile, see
  // jobs/jobRunner). Temporary files a killed process left (stems, uploads, peaks) go first (see
  // core/leftovers; a live run's files in another process are never touched).
  if (opts.runJobs !== false) {
    sweepLeftovers(db, dataDir, peaksDir);
    jobs.start();
  }
  return {
    ...api,
    events,
    db,
    dbPath,
    dataDir,
    pool,
    packs,
    jobs,
    on: (event, handler) => events.on(event, handler),
    async close() {
      await jobs.stop();
      await pool.close();
      db.close();
    },
  };
}
