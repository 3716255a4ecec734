// The StudioApi command that starts retraining (shared/training.ts): checks what it can before a
// job exists — the folders and files named, a Python with PyTorch (the one-line "what to install"
// when there is none), the recipe's package — then queues a 'train' job (jobs/trainJob.ts). The
// run folder defaults to one per export and config inside the library's data folder (keyed by the
// export's manifest and the config's content, not only the folder's path), so the same command on
// the same export resumes (or re-exports) that run, while the retrain loop's next round — a new
// export, even into the same folder, or another config — starts a run of its own rather than
// meeting the recipe's refusal to resume a run on other data; the pack is then named after the
// export (s2cap-<export folder>), its version after the checkpoint.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { StudioApi } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import type { JobRunner } from '../jobs/jobRunner';
import { sha256File } from '../library/hash';
import type { TrainPayload } from '../jobs/trainJob';
import { findTrainingPython } from '../training/pythonFinder';
import { trainingDir } from '../training/trainingDir';

type TrainingCommands = Pick<StudioApi, 'startTraining'>;

/** What a run is trained on and how: the absolute export folder, and the config and --init folders if any. */
export interface RunInputs {
  data: string;
  config?: string;
  initEncoder?: string;
  initDecoder?: string;
}

/**
 * The default run folder: <data folder>/training/<export name>-<hash>, the hash over the export
 * folder's path, its fingerprint (sha256 of manifest.json, as the recipe's export_fingerprint
 * computes it; none when unreadable, and the recipe then says why), the config file's content and
 * the --init folders. The same inputs give the same folder (resumed); a re-export or an edited
 * config gives another.
 */
export async function defaultRunDir(dataDir: string, run: RunInputs): Promise<string> {
  const data = path.resolve(run.data);
  const manifest = await sha256File(path.join(data, 'manifest.json')).catch(() => null);
  const config = run.config ? await sha256File(run.config) : null;
  const key = JSON.stringify([data, manifest, config, run.initEncoder ?? null, run.initDecoder ?? null]);
  return path.join(dataDir, 'training', `${slugOf(data)}-${crypto.createHash('sha256').update(key).digest('hex').slice(0, 8)}`);
}

/** A folder's name as pack-name characters (letters, digits, . _ -), at most 48 of them. */
const slugOf = (dir: string) => path.basename(dir).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '').slice(0, 48) || 'export';

async function existing(p: string, kind: 'folder' | 'file', what: string): Promise<string> {
  const abs = path.resolve(p);
  const st = await fs.stat(abs).catch(() => null);
  if (!st) throw new StudioError('NOT_FOUND', `${p}: not found (${what})`);
  if (kind === 'folder' ? !st.isDirectory() : !st.isFile()) throw new StudioError('BAD_REQUEST', `${p}: not a ${kind} (${what})`);
  return abs;
}

export function trainingCommands(ctx: { jobs: JobRunner; dataDir: string }): TrainingCommands {
  return {
    async startTraining(req) {
      const data = await existing(req.data, 'folder', 'the audiofolder export to train on');
      const inputs: RunInputs = {
        data,
        ...(req.config ? { config: await existing(req.config, 'file', 'the training config') } : {}),
        ...(req.initEncoder ? { initEncoder: await existing(req.initEncoder, 'folder', 'the AST checkpoint to start from') } : {}),
        ...(req.initDecoder ? { initDecoder: await existing(req.initDecoder, 'folder', 'the BART checkpoint to start from') } : {}),
      };
      const payload: TrainPayload = {
        ...inputs,
        out: req.out ? path.resolve(req.out) : await defaultRunDir(ctx.dataDir, inputs),
        // The recipe names a pack after its run folder: a default run folder's name carries a hash.
        ...(req.name ? { name: req.name } : req.out ? {} : { name: `s2cap-${slugOf(data)}` }),
        ...(req.noResume ? { noResume: true, queuedAt: Date.now() } : {}),
      };
      trainingDir(); // the recipe ships with the studio; a broken installation says so now
      await findTrainingPython(); // no Python with torch: refused now, saying what to install (the job reuses the one found)
      return ctx.jobs.enqueue('train', payload);
    },
  };
}
