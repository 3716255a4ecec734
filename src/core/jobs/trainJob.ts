// The work of a train job (JobRunner, kind 'train'): the retraining recipe run as child processes
// — `python -m s2cap_train fit` over an audiofolder export into a run folder, then `… export` of
// the run into a pack — and the pack installed through the pack registry and made the active
// captioner, so the studio suggests with it at once. Progress (stage, epoch, loss, validation
// metrics) is read from fit's JSON lines; the run's outcome is handed to the runner as it changes,
// so the job keeps its last metrics however it ends. Cancelling ends the child; the run folder
// keeps last.pt, so a new train job with the same run folder resumes it (unless it asks to start
// over: noResume, which an interrupted attempt of the same job does not repeat, see startsOver).
import fs from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { formatMetrics } from '../../shared/packTraining';
import type { TrainingOutcome, TrainRequest } from '../../shared/training';
import { packId } from '../inference/packs/manifest';
import { readManifest } from '../inference/packs/validate';
import { TrainingProgress } from '../training/progress';
import { describePython, findTrainingPython } from '../training/pythonFinder';
import { runRecipe } from '../training/recipe';
import type { JobWork } from './jobWork';

/**
 * A train job's payload: the request with every path absolute and the run folder decided; with
 * noResume, `queuedAt` (epoch ms) tells this job's own checkpoints from those it starts over from.
 */
export type TrainPayload = Required<Pick<TrainRequest, 'data' | 'out'>> & Omit<TrainRequest, 'data' | 'out'> & { queuedAt?: number };

/** The share of the progress bar the fit takes; export and install the rest. */
const FIT_SHARE = 0.95;

const opt = (flag: string, value: string | undefined): string[] => (value ? [flag, value] : []);

/**
 * Whether fit starts over (--no-resume): when asked to, unless the run folder's last.pt was written
 * since the job was queued — then it is this job's own, from an attempt the studio's quitting
 * interrupted (the job went back to the queue), and the attempt resumes it rather than throwing
 * that training away.
 */
export async function startsOver(p: TrainPayload): Promise<boolean> {
  if (!p.noResume) return false;
  const last = await fs.stat(path.join(p.out, 'last.pt')).catch(() => null);
  return !last || last.mtimeMs < (p.queuedAt ?? Infinity);
}

export async function trainJob(w: JobWork, p: TrainPayload, keep: (o: TrainingOutcome) => void): Promise<string> {
  const { signal } = w.run.abort;
  const python = await findTrainingPython();
  const recipe = { python, signal };
  const progress = new TrainingProgress();
  const ranOn = describePython(python);
  const outcome = (extra: Partial<TrainingOutcome> = {}): TrainingOutcome => ({ ...progress.outcome, python: ranOn, ...extra });
  keep(outcome());
  w.onProgress(0, `starting on ${ranOn}`);

  await runRecipe({
    ...recipe,
    args: [
      'fit',
      ...['--data', p.data, '--out', p.out, ...opt('--config', p.config), ...opt('--init-encoder', p.initEncoder), ...opt('--init-decoder', p.initDecoder)],
      ...((await startsOver(p)) ? ['--no-resume'] : []),
    ],
    onEvent: (ev) => {
      const r = progress.apply(ev);
      if (!r) return;
      keep(outcome());
      w.onProgress(r.fraction * FIT_SHARE, r.detail);
    },
  });

  // The pack goes to a folder of this job's inside the run folder (what an interrupted attempt left
  // there is replaced), is installed (copied, checked) into the library's packs, then removed.
  w.onProgress(FIT_SHARE, `exporting the pack (${progress.detail()})`);
  const packDir = path.join(p.out, `pack-${w.run.id}`);
  await fs.rm(packDir, { recursive: true, force: true });
  let id: string;
  let already: boolean;
  try {
    await runRecipe({ ...recipe, args: ['export', p.out, '--out', packDir, ...opt('--name', p.name)] });
    const manifest = await readManifest(packDir);
    id = packId(manifest);
    if (!manifest.roles.includes('captioner')) throw new StudioError('INTERNAL', `${packDir}: the exported pack is not a captioner`);
    // The version carries the checkpoint's hash: a pack with this id holds these very weights
    // (installed by an earlier attempt of this job, or by training a finished run again).
    const installed = (await w.d.packs.list()).find((pk) => packId(pk.manifest) === id);
    if (installed?.builtIn) throw new StudioError('CONFLICT', `${id} is bundled with the studio: give the trained pack another name`);
    already = !!installed;
    if (!installed) await w.d.packs.install(packDir);
  } finally {
    // The run folder keeps the checkpoint; the pack can always be exported again.
    await fs.rm(packDir, { recursive: true, force: true });
  }
  await w.d.packs.use('captioner', id);
  keep(outcome({ pack: id }));

  const o = progress.outcome;
  const best = formatMetrics(o.bestMetrics);
  const stopped = o.complete === false ? ' (stopped at max_steps)' : '';
  return `trained ${o.epochsDone}/${o.epochs ?? '?'} epochs on ${o.device ?? 'an unknown device'}${stopped}; ${already ? 'already installed' : 'installed'} ${id} as the captioner${best ? ` (validation ${best})` : ''}`;
}
