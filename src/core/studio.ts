// The StudioApi implemented once, over one library file. Transports (Electron IPC, HTTP/WS, CLI)
// wrap this object; nothing here knows which window, socket or terminal is calling.
import os from 'node:os';
import path from 'node:path';
import type { StudioApi, StudioEventSource } from '../shared/api';
import { libraryCommands } from './commands/library';
import { modelCommands } from './commands/models';
import { trackCommands } from './commands/tracks';
import { StudioEventHub } from './events';
import { PackRegistry } from './inference/packs/registry';
import { JobRunner } from './jobs/jobRunner';
import { PeaksService } from './peaksService';
import { openDb, type Db } from './store/db';
import { WorkerPool } from './worker/pool';

export interface StudioOptions {
  /** Library file; `:memory:` for a throwaway library. */
  dbPath: string;
  /** Folder for files the studio owns (uploads, stems, peaks, packs). Defaults to the db's folder. */
  dataDir?: string;
  /** Model packs shipped with the app (resources/packs). */
  bundledPacksDir?: string;
  /** Start the job queue (resuming interrupted jobs). Off for one-shot CLI commands. */
  runJobs?: boolean;
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
  const dataDir = path.resolve(opts.dataDir ?? (dbPath === ':memory:' ? path.join(os.tmpdir(), `s2cap-memory-${process.pid}`) : path.dirname(dbPath)));
  const events = new StudioEventHub();
  const pool = new WorkerPool();
  const peaks = new PeaksService(db, path.join(dataDir, 'cache', 'peaks'), pool);
  const packs = new PackRegistry(db, { installDir: path.join(dataDir, 'packs'), bundledDir: opts.bundledPacksDir });
  const jobs = new JobRunner({ db, events, pool, packs, dataDir });
  const ctx = { db, dbPath, dataDir, events, pool, peaks, packs, jobs };

  const api: StudioApi = { ...libraryCommands(ctx), ...trackCommands(ctx), ...modelCommands(ctx) };
  // Jobs a previous run left unfinished go back to the queue (unless this is a one-shot CLI call).
  if (opts.runJobs !== false) jobs.start();
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
