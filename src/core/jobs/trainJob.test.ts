// The train job with the real recipe: `python -m s2cap_train fit` then `export` on the recipe's
// synthetic export with its tiny model, the pack installed and made the captioner; cancelling ends
// the Python run and a new job with the same run folder resumes it; a bad export fails the job with
// the recipe's one-line reason; without a Python with torch nothing is queued and the message says
// what to install; --no-resume starts over from another run's checkpoint, never from the job's
// own interrupted attempt (startsOver). (Skipped, loudly, where no Python with PyTorch exists;
// required under CI.)
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/types';
import { createStudio, type Studio } from '../studio';
import { freshStudio } from '../testing/freshLibrary';
import { FIXTURE_DUET, tempDir } from '../testing/tmp';
import { testStores } from '../testing/testStores';
import { torchPythonOrSkip } from '../testing/torchPython';
import { syntheticExport, tinyConfigFile } from '../testing/trainingData';
import { INSTALL_HINT, type TrainingPython } from '../training/pythonFinder';
import { startsOver, type TrainPayload } from './trainJob';

const PACKS = path.resolve(__dirname, '../../../test/fixtures/packs');
let shared: ReturnType<typeof tempDir>;
let exportDir: string | null = null;
const lib = freshStudio();

beforeAll(() => {
  shared = tempDir('s2cap-train-');
});
afterAll(() => shared.cleanup());

/** The synthetic export, made once for the file by the recipe's own generator. */
function theExport(py: TrainingPython): string {
  return (exportDir ??= syntheticExport(py, path.join(shared.dir, 'export')));
}

function updates(s: Studio, id: string): { seen: Job[]; until: (p: (j: Job) => boolean) => Promise<Job> } {
  const seen: Job[] = [];
  const waiters: { p: (j: Job) => boolean; resolve: (j: Job) => void }[] = [];
  s.on('jobUpdated', (j) => {
    if (j.id !== id) return;
    seen.push(j);
    for (const w of waiters.splice(0)) (w.p(j) ? w.resolve(j) : waiters.push(w));
  });
  return {
    seen,
    until: (p) => {
      const hit = seen.find(p);
      return hit ? Promise.resolve(hit) : new Promise((resolve) => waiters.push({ p, resolve }));
    },
  };
}
const ended = (j: Job) => ['done', 'failed', 'cancelled'].includes(j.status);

describe('train job', () => {
  it('trains on an export, reports epochs, loss and validation metrics, installs the pack and makes it the captioner', async (ctx) => {
    const py = await torchPythonOrSkip(ctx);
    const config = tinyConfigFile(py, path.join(lib.dir, 'tiny.json'), { stage1: 1, stage2: 2 }, { log_every_steps: 1 });
    const out = path.join(lib.dir, 'run');
    // A captioner chosen before: the trained pack takes its place.
    await lib.it.installPack({ path: path.join(PACKS, 'tiny-captioner') });
    await lib.it.usePack({ role: 'captioner', id: 'tiny-captioner@1.0.0' });
    const job = await lib.it.startTraining({ data: theExport(py), config, out, name: 'synthetic-test' });
    expect(job).toMatchObject({ kind: 'train', status: 'queued', trackId: null });
    const u = updates(lib.it, job.id);
    const done = await u.until(ended);
    expect(done.error).toBeNull();
    expect(done.status).toBe('done');
    // Progress came from the recipe's events, in order, and never went back.
    const running = u.seen.filter((j) => j.status === 'running');
    expect(running.some((j) => /^stage 1\/2 \(stage1\) epoch 1\/1 · step \d+\/\d+ · loss \d/.test(j.detail ?? ''))).toBe(true);
    expect(running.some((j) => /stage 2\/2 .*validation BLEU-4 \d\.\d{4} ROUGE-L \d\.\d{4} CIDEr-D \d\.\d{4}/.test(j.detail ?? ''))).toBe(true);
    const fractions = running.map((j) => j.progress);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    // The job keeps the run's outcome.
    const t = done.training!;
    expect(t).toMatchObject({ runDir: out, device: 'cpu', epochsDone: 3, epochs: 3, complete: true, resumedFrom: null });
    expect(t.pack).toMatch(/^synthetic-test@/);
    expect(Object.keys(t.bestMetrics ?? {})).toEqual(expect.arrayContaining(['bleu_4', 'rouge_l', 'cider_d']));
    expect(done.detail).toBe(`trained 3/3 epochs on cpu; installed ${t.pack} as the captioner (validation ${['BLEU-4', 'ROUGE-L', 'CIDEr-D'].map((k, i) => `${k} ${[t.bestMetrics!.bleu_4, t.bestMetrics!.rouge_l, t.bestMetrics!.cider_d][i]!.toFixed(4)}`).join(' ')})`);
    // Installed, active, and the export folder in the run folder is gone (the library holds the copy).
    const pack = (await lib.it.listPacks()).find((p) => p.id === t.pack)!;
    expect(pack).toMatchObject({ roles: ['captioner'], fixture: false, builtIn: false, activeFor: ['captioner'], chosen: ['captioner'] });
    expect(pack.dir.startsWith(lib.it.dataDir)).toBe(true);
    expect(fs.readdirSync(out).filter((f) => f.startsWith('pack-'))).toEqual([]);
    // The studio captions with it: a caption job on a real track names the new pack.
    const trackId = (await lib.it.importPaths({ paths: [path.join(FIXTURE_DUET, 'duet.mp3')] })).imported[0]!.id;
    await lib.it.createSegment({ trackId, startSec: 0, endSec: 6 });
    const cap = await lib.it.startCaptioning({ trackId });
    const capDone = await updates(lib.it, cap.id).until(ended);
    expect(capDone.status).toBe('done');
    expect(capDone.detail).toContain(`by synthetic-test`);
    // A train job belongs to no track.
    expect((await lib.it.listJobs({ trackId })).map((j) => j.kind)).toEqual(['caption']);
    expect((await lib.it.listJobs({})).map((j) => j.kind)).toEqual(['caption', 'train']);
  }, 240_000);

  it('cancelling ends the Python run; a new job with the same run folder resumes from its last checkpoint', async (ctx) => {
    const py = await torchPythonOrSkip(ctx);
    const config = tinyConfigFile(py, path.join(lib.dir, 'long.json'), { stage1: 1, stage2: 200 }, { log_every_steps: 1 });
    const out = path.join(lib.dir, 'run');
    const first = await lib.it.startTraining({ data: theExport(py), config, out });
    const u1 = updates(lib.it, first.id);
    // Stage 1 ends with last.pt written; once stage 2 is under way, cancel.
    await u1.until((j) => /^stage 2\/2/.test(j.detail ?? '') || ended(j));
    expect(fs.existsSync(path.join(out, 'last.pt'))).toBe(true);
    await lib.it.cancelJob({ id: first.id });
    const cancelled = await u1.until(ended);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.training?.epochsDone).toBeGreaterThanOrEqual(1);
    // The recipe is gone: nothing writes the run folder any more.
    if (process.platform === 'linux') expect(recipeProcesses(out)).toEqual([]);
    const second = await lib.it.startTraining({ data: theExport(py), config, out });
    const u2 = updates(lib.it, second.id);
    const resumed = await u2.until((j) => /^resumed after stage \d epoch \d+ · /.test(j.detail ?? '') || ended(j));
    expect(resumed.status).toBe('running');
    expect(resumed.progress).toBeGreaterThan(0);
    await lib.it.cancelJob({ id: second.id });
    const again = await u2.until(ended);
    expect(again.training?.resumedFrom?.stage).toBeGreaterThanOrEqual(1);
  }, 240_000);

  it('without a Python with torch nothing is queued, and the message says what to install', async () => {
    const before = process.env.S2CAP_PYTHON;
    const missing = path.join(lib.dir, 'no-python');
    process.env.S2CAP_PYTHON = missing;
    try {
      await expect(lib.it.startTraining({ data: lib.dir })).rejects.toThrow(`no Python with PyTorch found (tried S2CAP_PYTHON=${missing}: not found): ${INSTALL_HINT}`);
    } finally {
      if (before === undefined) delete process.env.S2CAP_PYTHON;
      else process.env.S2CAP_PYTHON = before;
    }
    expect(await lib.it.listJobs({})).toEqual([]);
    await expect(lib.it.startTraining({ data: path.join(lib.dir, 'nope') })).rejects.toThrow(/nope: not found \(the audiofolder export to train on\)/);
  });
});

describe('startsOver (--no-resume)', () => {
  it("starts over from another run's checkpoint, but not from one this job wrote before it was interrupted", async () => {
    const out = path.join(lib.dir, 'run');
    const p: TrainPayload = { data: lib.dir, out, noResume: true, queuedAt: Date.now() };
    expect(await startsOver({ ...p, noResume: undefined })).toBe(false);
    expect(await startsOver(p)).toBe(true); // nothing to resume: the flag costs nothing
    fs.mkdirSync(out);
    const last = path.join(out, 'last.pt');
    fs.writeFileSync(last, 'an earlier run');
    const before = new Date(p.queuedAt! - 60_000);
    fs.utimesSync(last, before, before);
    expect(await startsOver(p)).toBe(true);
    // Written since the job was queued: its own attempt's, which the re-queued job resumes.
    const since = new Date(p.queuedAt! + 1000);
    fs.utimesSync(last, since, since);
    expect(await startsOver(p)).toBe(false);
    expect(await startsOver({ ...p, noResume: false })).toBe(false);
  });
});

describe.each(testStores())('a train job on $name', (backend) => {
  it("belongs to no track; a folder that is not an export fails it with the recipe's one-line reason, its run kept in the job", async (ctx) => {
    await torchPythonOrSkip(ctx);
    const { store, target } = await backend.open();
    await store.close();
    const s = await createStudio({ dbPath: target, dataDir: path.join(lib.dir, 'data') });
    try {
      const empty = path.join(lib.dir, 'not-an-export');
      fs.mkdirSync(empty);
      const job = await s.startTraining({ data: empty, out: path.join(lib.dir, 'run') });
      const end = await updates(s, job.id).until(ended);
      expect(end).toMatchObject({ kind: 'train', status: 'failed', trackId: null });
      expect(end.error).toMatch(/^s2cap_train fit failed \(exit 2\): .*not-an-export: not an audiofolder export/);
      expect(end.error!.split('\n')).toHaveLength(1);
      // As the library keeps it (another process listing jobs reads the same).
      const [listed] = await s.listJobs({});
      expect(listed).toMatchObject({ id: job.id, kind: 'train', status: 'failed', trackId: null, error: end.error });
      expect(listed!.training?.python).toMatch(/^torch \S+ \((CPU only|CUDA.*)\) on /);
    } finally {
      await s.close();
    }
  }, 120_000);
});

/** Processes whose command line names the run folder (Linux /proc). */
function recipeProcesses(runDir: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const cmd = (() => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        return ''; // ended meanwhile
      }
    })();
    if (cmd.includes(runDir) && cmd.includes('s2cap_train')) found.push(`${pid} ${cmd}`);
  }
  return found;
}
