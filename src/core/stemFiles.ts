// Where separated stems live on disk, and how old ones go away without ever damaging the set a
// track has. Each separation run writes into a fresh run folder named after its job and claim,
//   <data>/stems/<track id>/<pack or built-in>/run-<UTC time>-<job id>-<claim token>/<stem>.wav
// (the claim token is the last part of the job row's owner, see jobs/jobOwner) that no row refers
// to until the run is complete and registered in one transaction (see store/stems StemsRepo.replace).
// Only then are the files of the replaced set removed. A run that is cancelled, fails or is killed
// leaves an unregistered run folder (or temporary files), which sweepStemLeftovers removes on the
// next run for the track, when the library is opened, and when a dead process's job is taken over.
// Only files under <data>/stems are ever removed: stems a user attached stay where they are.
//
// Several processes may run jobs on one library, so the sweep never touches a live run: a folder
// whose claim is still 'running' in the library (its owner alive, or not yet known dead) is left
// alone, temporary files included. See sweepStemLeftovers for why listing then deleting is safe.
import fs from 'node:fs';
import path from 'node:path';
import type { PackRowManifest } from './store/packs';
import type { Store } from './store/store';
import { isTempFile } from './fsAtomic';
import { claimToken } from './jobs/jobOwner';

/** A run folder: named after its job and claim, or (before several processes) after a random token only. */
const RUN_DIR = /^run-\d{8}T\d{6}Z-(?:[0-9a-f]{6}|([0-9a-f-]{36})-([0-9a-f]{8}))$/;

export function stemsRoot(dataDir: string): string {
  return path.join(dataDir, 'stems');
}

/**
 * Creates a new, empty run folder for one separation of a track by the claim `owner` of job
 * `jobId`, and returns its path. Created here (not by the worker) so that a sweep in another
 * process, which prunes empty folders, sees it as a live run from the start.
 */
export function newRunDir(dataDir: string, trackId: number, producer: string, jobId: string, owner: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const dir = path.join(stemsRoot(dataDir), String(trackId), producer, `run-${stamp}-${jobId}-${claimToken(owner)}`);
  for (let attempt = 1; ; attempt++) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      return dir;
    } catch (err) {
      // Another process pruned an empty parent while this one was creating it: create it again.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 3) throw err;
    }
  }
}

function insideStems(dataDir: string, p: string): boolean {
  const rel = path.relative(stemsRoot(dataDir), path.resolve(p));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function rm(p: string, removed: string[]): void {
  try {
    fs.rmSync(p, { recursive: true, force: true });
    removed.push(p);
  } catch (err) {
    console.warn(`could not remove ${p}: ${(err as Error).message}`);
  }
}

/** Removes empty folders from `dir` up to (not including) the stems root. */
function pruneEmpty(dataDir: string, dir: string): void {
  for (let d = dir; insideStems(dataDir, d); d = path.dirname(d)) {
    try {
      fs.rmdirSync(d);
    } catch {
      return; // not empty (or already gone)
    }
  }
}

/**
 * Removes the files of replaced stems (after the commit that replaced them), and their run
 * folders once empty. Files outside the library's stems folder are never touched. A file that
 * cannot be removed is logged and left; it is not worth failing a finished job over.
 */
export function removeReplacedStemFiles(dataDir: string, paths: string[]): string[] {
  const removed: string[] = [];
  for (const p of paths.filter((x) => insideStems(dataDir, x))) {
    rm(p, removed);
    pruneEmpty(dataDir, path.dirname(p));
  }
  return removed;
}

/** Removes a run folder that was never registered (a cancelled or failed run). */
export function removeRunDir(dataDir: string, dir: string): void {
  if (!insideStems(dataDir, dir)) return;
  rm(dir, []);
  pruneEmpty(dataDir, path.dirname(dir));
}

/** A folder's entries; none when it is gone (another process may have pruned it meanwhile). */
const entriesOf = (dir: string): fs.Dirent[] => {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
};

const subdirs = (dir: string): string[] => {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
};

/**
 * Removes what killed, failed or cancelled runs left in the stems folder (of one track, or of all):
 * temporary files, and run folders that no stem row refers to any more (left by a dead run, or
 * whose stems were all replaced). Returns the removed paths; problems are logged, not thrown.
 *
 * Another process may be separating meanwhile. The folders are listed FIRST, then the registered
 * stem paths and the running jobs are read in ONE read transaction (one snapshot), and a folder is
 * removed only if no stem in that snapshot lies in it and its claim was not running then. Such a
 * folder can never gain stems later: a run registers its stems only while its claim is still
 * running (jobRunner checks this inside the registering transaction), and a claim that has ended
 * or was re-queued never runs again (a new claim gets a new folder, listed after this one's
 * listing or skipped as running). A running claim whose process died is left for the sweep that
 * follows its re-queueing (the job runner sweeps a track when it takes a lapsed job over).
 */
export async function sweepStemLeftovers(store: Store, dataDir: string, trackId?: number): Promise<string[]> {
  const removed: string[] = [];
  try {
    const tracks = trackId === undefined ? subdirs(stemsRoot(dataDir)) : [path.join(stemsRoot(dataDir), String(trackId))];
    const listed = tracks.flatMap(subdirs).map((producer) => ({ producer, entries: entriesOf(producer) }));
    const { registered, running } = await store.transaction(async (tx) => ({ registered: await tx.stems.listPaths(), running: await tx.jobs.runningOwners() }), { write: false });
    const registeredDirs = new Set(registered.map((p) => path.dirname(path.resolve(p))));
    const live = (runDir: string): boolean => {
      const [, jobId, token] = RUN_DIR.exec(runDir)!;
      const owner = jobId ? running.get(jobId) : undefined;
      return !!owner && claimToken(owner) === token;
    };
    for (const { producer, entries } of listed) {
      for (const entry of entries) {
        const p = path.join(producer, entry.name);
        // Loose temporary files here come from studios before run folders; no run writes here now.
        if (entry.isFile() && isTempFile(entry.name)) rm(p, removed);
        else if (entry.isDirectory() && RUN_DIR.test(entry.name) && !live(entry.name)) {
          if (registeredDirs.has(path.resolve(p))) {
            for (const f of fs.readdirSync(p).filter(isTempFile)) rm(path.join(p, f), removed);
          } else rm(p, removed);
        }
      }
      pruneEmpty(dataDir, producer);
    }
  } catch (err) {
    console.warn(`could not clean up the stems folder ${stemsRoot(dataDir)}: ${(err as Error).message}`);
  }
  return removed;
}

/** Stems separated from an audio file outside a job (the CLI's `separate`). */
export interface FileStems {
  /** Content hash of the separated file: its track, if the library has one, gets the stems. */
  sha256: string;
  stems: { name: string; path: string }[];
  pack: { manifest: PackRowManifest; dir: string } | null;
  ep: string;
  durationSec: number;
}

/**
 * Registers stems separated from a file with the library's track of the same content (replacing
 * that track's stems of those names in one transaction) and removes the files of stems the studio
 * had separated into its own folder before that no row refers to any more. The track id, or null
 * when the file is not in the library.
 */
export async function registerFileStems(store: Store, dataDir: string, s: FileStems): Promise<number | null> {
  const track = await store.tracks.findByHash(s.sha256);
  if (!track) return null;
  const packId = s.pack ? await store.transaction((tx) => tx.packs.ensureRow(s.pack!.manifest, s.pack!.dir)) : null;
  const rows = s.stems.map((x) => ({ name: x.name, path: x.path, packId, ep: s.ep, durationSec: s.durationSec }));
  // The stems and the track's status together, as a separation job records them.
  const { unreferenced } = await store.transaction(async (tx) => {
    const replaced = await tx.stems.replace(track.id, rows);
    await tx.tracks.advanceStatus(track.id, ['imported'], 'separated');
    return replaced;
  });
  removeReplacedStemFiles(dataDir, unreferenced);
  return track.id;
}
