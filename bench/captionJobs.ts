// Caption-job throughput benchmark (not a test): N tracks × M segments captioned as jobs, first one
// job at a time (each job alone on the worker, as when jobs are started one by one), then all
// queued together (the runner batches them across tracks into one model run, jobs/captionBatch).
// Prints captions/s for each, wall time from the first job's start to the last job's end,
// measuring attributes and recording included. Uses the benchmark captioner pack made for
// bench:inference (scripts/make-bench-models.py), installed into a throwaway library; the model is
// loaded by a warm-up job first, so both rows compare captioning, not loading.
// BENCH_TRACKS (4), BENCH_SEGMENTS (4), BENCH_BEAMS (1), BENCH_PACKS.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { epSettings } from '../src/core/commands/models';
import type { JobPayload } from '../src/core/jobs/jobRunner';
import { createStudio, studioStore, type Studio } from '../src/core/studio';
import { waitForJob } from '../src/core/testing/jobs';

const PACK = path.join(process.env.BENCH_PACKS ?? path.join(os.homedir(), '.cache', 's2cap', 'bench-packs'), 'captioner-base');
const TRACKS = Number(process.env.BENCH_TRACKS ?? 4);
const SEGMENTS = Number(process.env.BENCH_SEGMENTS ?? 4);
const BEAMS = Number(process.env.BENCH_BEAMS ?? 1);

if (!fs.existsSync(path.join(PACK, 'model.json'))) {
  console.log(`no benchmark captioner in ${PACK}: run npm run bench:inference once to make it`);
  process.exit(0);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's2cap-bench-jobs-'));

/** TRACKS tracks of SEGMENTS 5 s segments each (tones with noise, made by sox). */
async function tracks(studio: Studio, name: string): Promise<number[]> {
  const ids: number[] = [];
  for (let t = 0; t < TRACKS; t++) {
    const file = path.join(tmp, `${name}-${t}.wav`);
    execFileSync('sox', ['-n', '-r', '44100', '-c', '2', file, 'synth', String(SEGMENTS * 5 + 1), 'sine', String(220 + 40 * t), 'synth', 'pinknoise', 'mix', 'vol', '0.3']);
    const id = (await studio.importPaths({ paths: [file] })).imported[0]!.id;
    for (let s = 0; s < SEGMENTS; s++) await studio.createSegment({ trackId: id, startSec: s * 5, endSec: s * 5 + 5 });
    ids.push(id);
  }
  return ids;
}

function report(label: string, ms: number, details: (string | null)[]): void {
  const n = TRACKS * SEGMENTS;
  console.log(`${label.padEnd(34)} ${(n / (ms / 1000)).toFixed(3)} captions/s  (${n} captions in ${(ms / 1000).toFixed(1)} s)`);
  console.log(`  last job: ${details.at(-1)}`);
}

console.log(`# caption jobs: ${TRACKS} tracks × ${SEGMENTS} segments, ${BEAMS} beam${BEAMS > 1 ? 's' : ''}, cpu, ${os.cpus().length} cores (${os.cpus()[0]?.model})`);
const studio = await createStudio({ dbPath: path.join(tmp, 'bench.db'), runJobs: false });
try {
  // Installed (copied and hashed once, not timed): a pack run from its folder is checked, graphs
  // read, at every lookup, which would swamp what is measured here.
  let t = performance.now();
  const { pack } = await studio.installPack({ path: PACK });
  await studio.usePack({ role: 'captioner', id: pack.id });
  console.log(`installed ${pack.id} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  // Every job on the CPU with the same settings (the library's, which startCaptioning puts in a
  // job, and the jobs queued below), so both rows run the model the warm-up loaded, and no `auto`
  // calibration or provider choice differs between them.
  const ep = epSettings(await studio.updateSettings({ ep: { encoder: 'cpu', decoder: 'cpu', separator: 'cpu' } }));
  // Load the model (one job, alone) before timing.
  const [warm] = await tracks(studio, 'warm');
  t = performance.now();
  const w = await waitForJob(studio, (await studio.startCaptioning({ trackId: warm!, segmentIds: [], numBeams: BEAMS })).id);
  if (w.status !== 'done') throw new Error(`warm-up job ${w.status}: ${w.error}`);
  console.log(`warm-up (model load + ${SEGMENTS} captions): ${((performance.now() - t) / 1000).toFixed(1)} s`);
  {
    const ids = await tracks(studio, 'alone');
    const t0 = performance.now();
    const details: (string | null)[] = [];
    for (const trackId of ids) details.push((await waitForJob(studio, (await studio.startCaptioning({ trackId, numBeams: BEAMS })).id)).detail);
    report('one job at a time', performance.now() - t0, details);
  }
  {
    const ids = await tracks(studio, 'batched');
    const jobs: string[] = [];
    for (const trackId of ids) {
      const payload: JobPayload = { trackId, pack: null, ep, numBeams: BEAMS };
      jobs.push((await studioStore(studio).jobs.create('caption', payload)).id);
      await new Promise((r) => setTimeout(r, 2));
    }
    const ended = Promise.all(jobs.map((id) => waitForJob(studio, id)));
    const t0 = performance.now();
    void studio.jobs.start();
    const done = await ended;
    report('queued together (batched)', performance.now() - t0, done.map((j) => j.detail));
  }
} finally {
  await studio.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
