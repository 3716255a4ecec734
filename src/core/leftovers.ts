// Clean-up when a library is opened for work: a process killed while writing (kill -9, power cut)
// cannot remove its own temporary files, so the next one does. Everything the studio writes goes
// to a temporary name first (core/fsAtomic), so what is removed here was never a finished file:
// unregistered stem run folders and temporary stem files (core/stemFiles), half-received
// uploads, peaks and analysis cache files that write-file-atomic had not renamed yet, and the
// staging and `.removing-` folders of pack installs and removals (inference/packs/install.ts).
// Called only by a studio that runs jobs (not by one-shot CLI commands), before its jobs start.
// Another process may be running jobs on the library meanwhile: stem run folders of its live
// runs are left alone (see stemFiles sweepStemLeftovers).
import fs from 'node:fs';
import path from 'node:path';
import { removeTempFiles } from './fsAtomic';
import { sweepPackLeftovers } from './inference/packs/install';
import { sweepStemLeftovers } from './stemFiles';
import type { Store } from './store/store';

/** write-file-atomic names its temporary file `<final name>.<unsigned 32-bit number>`. */
const PEAKS_TEMP = /\.peaks\.\d+$/;
const ANALYSIS_TEMP = /\.json\.\d+$/;

export async function sweepLeftovers(store: Store, dataDir: string, peaksDir: string): Promise<string[]> {
  const removed: string[] = [];
  try {
    removed.push(...(await sweepStemLeftovers(store, dataDir)));
    removed.push(...sweepPackLeftovers(path.join(dataDir, 'packs')));
    const uploads = path.join(dataDir, 'uploads');
    for (const d of fs.existsSync(uploads) ? fs.readdirSync(uploads) : []) {
      const dir = path.join(uploads, d);
      if (!fs.statSync(dir).isDirectory()) continue;
      removed.push(...removeTempFiles(dir));
      if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
    }
    for (const f of fs.existsSync(peaksDir) ? fs.readdirSync(peaksDir) : []) {
      if (!PEAKS_TEMP.test(f)) continue;
      fs.rmSync(path.join(peaksDir, f), { force: true });
      removed.push(path.join(peaksDir, f));
    }
    const analysisDir = path.join(dataDir, 'cache', 'analysis'); // core/analysisService
    for (const f of fs.existsSync(analysisDir) ? fs.readdirSync(analysisDir) : []) {
      if (!ANALYSIS_TEMP.test(f)) continue;
      fs.rmSync(path.join(analysisDir, f), { force: true });
      removed.push(path.join(analysisDir, f));
    }
  } catch (err) {
    // Clean-up is housekeeping: a library that cannot be swept still opens.
    console.warn(`could not clean up leftover temporary files in ${dataDir}: ${(err as Error).message}`);
  }
  return removed;
}
