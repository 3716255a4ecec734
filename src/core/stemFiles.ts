// Where separated stems live on disk, and how old ones go away without ever damaging the set a
// track has. Each separation run writes into a fresh run folder,
//   <data>/stems/<track id>/<pack or built-in>/run-<UTC time>-<random>/<stem>.wav
// that no row refers to until the run is complete and registered in one transaction (see
// store/stems replaceStems). Only then are the files of the replaced set removed. A run that is
// cancelled, fails or is killed leaves an unregistered run folder (or temporary files), which
// sweepStemLeftovers removes on the next run for the track and when the library is opened.
// Only files under <data>/stems are ever removed: stems a user attached stay where they are.
//
// It assumes one job runner writes into a library's stems folder at a time, as the job queue
// itself does (it re-queues every running job when a library is opened).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './store/db';
import { listStemPaths } from './store/stems';
import { isTempFile } from './fsAtomic';

const RUN_DIR = /^run-\d{8}T\d{6}Z-[0-9a-f]{6}$/;

export function stemsRoot(dataDir: string): string {
  return path.join(dataDir, 'stems');
}

/** A new, empty run folder path for one separation of a track (not created yet). */
export function newRunDir(dataDir: string, trackId: number, producer: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return path.join(stemsRoot(dataDir), String(trackId), producer, `run-${stamp}-${crypto.randomBytes(3).toString('hex')}`);
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
 * Removes what killed or cancelled runs left in the stems folder (of one track, or of all):
 * temporary files, and run folders that no stem row refers to any more (left by a killed run,
 * or whose stems were all replaced). Returns the removed paths; problems are logged, not thrown.
 */
export function sweepStemLeftovers(db: Db, dataDir: string, trackId?: number): string[] {
  const removed: string[] = [];
  try {
    const registered = new Set(listStemPaths(db).map((p) => path.resolve(p)));
    const tracks = trackId === undefined ? subdirs(stemsRoot(dataDir)) : [path.join(stemsRoot(dataDir), String(trackId))];
    for (const producer of tracks.flatMap(subdirs)) {
      for (const entry of fs.readdirSync(producer, { withFileTypes: true })) {
        const p = path.join(producer, entry.name);
        if (entry.isFile() && isTempFile(entry.name)) rm(p, removed);
        else if (entry.isDirectory() && RUN_DIR.test(entry.name)) {
          const files = fs.readdirSync(p);
          if (files.some((f) => registered.has(path.join(p, f)))) {
            for (const f of files.filter(isTempFile)) rm(path.join(p, f), removed);
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
