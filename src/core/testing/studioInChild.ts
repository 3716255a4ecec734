// Test helper script, run as its own process (`node --import tsx studioInChild.ts OPTIONS_JSON`,
// see childStudio.ts for the parent's side): opens a studio on a library (a SQLite file or a
// postgres:// URL) as a second app or `s2cap serve` would (or as a one-shot CLI command: runJobs
// false), optionally autosaves a caption draft (before it says it is ready) and starts separations
// of one track or several, and prints one JSON line per
// job update it makes (its claims, progress, ends, take-overs), so a test can tell which process
// ran which job, kill -9 it at a chosen moment of a job or right after a draft, or open the library
// in another process meanwhile (jobs/twoProcesses.test.ts, jobs/reseparation.test.ts,
// commands/draftCrash.test.ts).
import { createStudio } from '../studio';
import type { ChildStudioOptions } from './childStudio';

const opts = JSON.parse(process.argv[2] ?? 'null') as ChildStudioOptions | null;
if (!opts?.target) throw new Error('usage: studioInChild.ts \'{"target": DB, "dataDir"?: DIR, "timing"?: {…}, "separate"?: TRACK_ID | [TRACK_ID, …], "runJobs"?: false}\'');
const studio = await createStudio({ dbPath: opts.target, dataDir: opts.dataDir, jobTiming: opts.timing, runJobs: opts.runJobs ?? true });
const line = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
studio.on('jobUpdated', (j) => line({ event: 'job', id: j.id, status: j.status, progress: j.progress, detail: j.detail, error: j.error, at: Date.now() }));
// Stay up like `s2cap serve` until killed (the runner's poll timer does not hold the process open).
setInterval(() => {}, 60_000);
if (opts.saveDraft) await studio.saveDraft(opts.saveDraft);
line({ event: 'ready', pid: process.pid, at: Date.now() });
for (const trackId of [opts.separate ?? []].flat()) await studio.startSeparation({ trackId });
