// `s2cap train` as a user runs it: the real recipe on the recipe's synthetic export with its tiny
// model, progress lines on stderr, the installed pack on stdout (JSON with --json), the same
// command again resuming the finished run (same weights: already installed); the retrain loop's
// next round (a new export in the same folder: a new run, not a refusal; --no-resume on a run
// folder of another export); only its own job run (another process's queued job left alone); and
// the one-line errors for a missing --data and for a machine without a Python that has PyTorch.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobPayload } from '../core/jobs/jobRunner';
import { createStudio, studioStore } from '../core/studio';
import { pinkNoiseWav } from '../core/testing/jobs';
import { torchPythonOrSkip } from '../core/testing/torchPython';
import { syntheticExport, tinyConfigFile } from '../core/testing/trainingData';
import { INSTALL_HINT } from '../core/training/pythonFinder';
import type { PackInfo, Job } from '../shared/types';
import { cliLibrary, runCaptured as run } from './testing/cliRun';

const lib = cliLibrary();

describe('s2cap train', () => {
  it('trains, streams progress to stderr, installs the pack and prints it; again: resumes and finds it installed', async (ctx) => {
    const py = await torchPythonOrSkip(ctx);
    const data = syntheticExport(py, path.join(lib.dir, 'my export'));
    const config = tinyConfigFile(py, path.join(lib.dir, 'tiny.json'), { stage1: 1, stage2: 1 });
    const r = await run('train', '--data', data, '--config', config, '--db', lib.db, '--json');
    expect(r.code, r.err).toBe(0);
    const { job, pack } = JSON.parse(r.out) as { job: Job; pack: PackInfo };
    expect(job).toMatchObject({ kind: 'train', status: 'done', trackId: null });
    // Default run folder: one per export, in the library's data folder; the pack is named after the export.
    expect(job.training!.runDir).toMatch(new RegExp(`^${path.join(lib.dir, 'lib.data', 'training', 'my-export-')}[0-9a-f]{8}$`));
    expect(pack).toMatchObject({ id: job.training!.pack, name: 's2cap-my-export', roles: ['captioner'], activeFor: ['captioner'] });
    const lines = r.err.split('\n');
    expect(lines.every((l) => l.startsWith('s2cap: train: '))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^s2cap: train: +\d+% stage 2\/2 \(stage2\) epoch 1\/1 · step 4\/4 · loss \d+\.\d{4} · validation BLEU-4 /));
    expect(lines.at(-1)).toMatch(/^s2cap: train: +95% exporting the pack/);

    // The same command again: the finished run is resumed (nothing left to train), the same weights
    // make the same pack id, which is already installed.
    const again = await run('train', '--data', data, '--config', config, '--db', lib.db);
    expect(again.code, again.err).toBe(0);
    expect(again.err).toMatch(/resumed after stage 2 epoch 1/);
    expect(again.out.split('\n')[0]).toBe(`installed ${pack.id} as the captioner (${pack.dir})`);
    expect(again.out.split('\n')[1]).toMatch(/^trained 2\/2 epochs on cpu in .*; validation BLEU-4 \d\.\d{4} ROUGE-L \d\.\d{4} CIDEr-D \d\.\d{4}$/);
    const models = await run('models', 'list', '--db', lib.db, '--json');
    expect((JSON.parse(models.out) as PackInfo[]).filter((p) => p.name === pack.name)).toHaveLength(1);
  }, 240_000);

  it('next round: a new export in the same folder trains a new run; a run folder of another export refuses, or starts over with --no-resume', async (ctx) => {
    const py = await torchPythonOrSkip(ctx);
    const data = syntheticExport(py, path.join(lib.dir, 'my export'));
    const config = tinyConfigFile(py, path.join(lib.dir, 'tiny.json'), { stage1: 1, stage2: 1 });
    const train = async (...more: string[]) => {
      const r = await run('train', '--data', data, '--config', config, '--db', lib.db, '--json', ...more);
      return { ...r, job: r.code === 0 ? (JSON.parse(r.out) as { job: Job }).job : null };
    };
    const first = await train();
    expect(first.code, first.err).toBe(0);
    // Corrections made, exported again into the same folder (export --force replaces it).
    fs.rmSync(data, { recursive: true });
    syntheticExport(py, data, 12, 1);
    const second = await train();
    expect(second.code, second.err).toBe(0);
    expect(second.job!.training).toMatchObject({ resumedFrom: null, epochsDone: 2 });
    expect(second.job!.training!.runDir).not.toBe(first.job!.training!.runDir);
    expect(second.job!.training!.pack).not.toBe(first.job!.training!.pack);
    // The first run's folder, named with --out: trained on the other export, so refused, naming this command's options…
    const firstRun = first.job!.training!.runDir!;
    const refused = await train('--out', firstRun);
    expect(refused.code).toBe(1);
    expect(refused.err.split('\n').at(-1)).toMatch(/last\.pt: this run was trained on another export \(manifest sha256 [0-9a-f]{64}\); pass --no-resume or a new --out$/);
    // …and with --no-resume trained afresh there.
    const over = await train('--out', firstRun, '--no-resume');
    expect(over.code, over.err).toBe(0);
    expect(over.job!.training).toMatchObject({ runDir: firstRun, resumedFrom: null, epochsDone: 2 });
  }, 240_000);

  it("runs only its own job: a caption job another process queued stays queued, untouched", async (ctx) => {
    await torchPythonOrSkip(ctx);
    const s = await createStudio({ dbPath: lib.db, runJobs: false });
    let other;
    try {
      const trackId = (await s.importPaths({ paths: [pinkNoiseWav(path.join(lib.dir, 'song.wav'), 8)] })).imported[0]!.id;
      await s.createSegment({ trackId, startSec: 0, endSec: 6 });
      const payload: JobPayload = { trackId, pack: null, ep: { encoder: 'cpu', decoder: 'cpu', separator: 'cpu', threads: 0 } };
      other = await studioStore(s).jobs.create('caption', payload);
    } finally {
      await s.close();
    }
    const notExport = path.join(lib.dir, 'not-an-export');
    fs.mkdirSync(notExport);
    const r = await run('train', '--data', notExport, '--db', lib.db, '--json');
    // The train job ran (the recipe refused the folder)…
    expect(r.code).toBe(1);
    expect(r.err.split('\n').at(-1)).toMatch(/^s2cap: s2cap_train fit failed \(exit 2\): .*not-an-export: not an audiofolder export/);
    // …and nothing else: the caption job is as it was queued.
    const look = await createStudio({ dbPath: lib.db, runJobs: false });
    try {
      expect(await studioStore(look).jobs.get(other.id)).toEqual(other);
      expect((await look.listJobs({})).map((j) => [j.kind, j.status])).toEqual([
        ['train', 'failed'],
        ['caption', 'queued'],
      ]);
    } finally {
      await look.close();
    }
  }, 120_000);

  it('says what it needs in one line', async () => {
    const noData = await run('train', '--db', lib.db);
    expect(noData.code).toBe(2);
    expect(noData.err).toBe('s2cap: train needs --data EXPORT_DIR (an audiofolder export: s2cap export --format audiofolder --vocals --out EXPORT_DIR)');
    const before = process.env.S2CAP_PYTHON;
    process.env.S2CAP_PYTHON = path.join(lib.dir, 'python-nowhere');
    try {
      const r = await run('train', '--data', lib.dir, '--db', lib.db);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`s2cap: no Python with PyTorch found (tried S2CAP_PYTHON=${process.env.S2CAP_PYTHON}: not found): ${INSTALL_HINT}`);
      expect(r.out).toBe('');
    } finally {
      if (before === undefined) delete process.env.S2CAP_PYTHON;
      else process.env.S2CAP_PYTHON = before;
    }
  });
});
