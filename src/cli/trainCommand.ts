// `s2cap train`: retraining from the command line, through the same startTraining command and train
// job as the studio (core/commands/training.ts, core/jobs/trainJob.ts), run in this process: it
// streams the job's progress (stage, epoch, loss, validation metrics) to stderr as lines, and
// prints the installed pack (JSON with --json). Ctrl-C cancels the job; the run folder keeps its
// last checkpoint and the same command resumes it (--no-resume starts over instead). Without a
// Python with PyTorch it fails at once with one line saying what to install.
import path from 'node:path';
import { parseCommandInput } from '../core/api/schemas';
import type { Studio } from '../core/studio';
import { formatMetrics } from '../shared/packTraining';
import type { Job } from '../shared/types';
import { parseCommandArgs, UsageError } from './args';
import type { CliIo, LibraryFlags } from './main';

export const TRAIN_OPTIONS = {
  data: { type: 'string' },
  out: { type: 'string' },
  config: { type: 'string' },
  'init-encoder': { type: 'string' },
  'init-decoder': { type: 'string' },
  name: { type: 'string' },
  'no-resume': { type: 'boolean' },
} as const;

export interface TrainCliDeps {
  open: (where: LibraryFlags) => Promise<Studio>;
  help: () => void;
}

const ENDED: Job['status'][] = ['done', 'failed', 'cancelled'];

export async function cmdTrain(argv: string[], io: CliIo, deps: TrainCliDeps): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(argv, TRAIN_OPTIONS);
  if (v.help) return deps.help(), 0;
  if (positionals.length) throw new UsageError(`train takes no arguments, got "${positionals[0]}" (did you mean --data ${positionals[0]}?)`);
  if (!v.data) throw new UsageError('train needs --data EXPORT_DIR (an audiofolder export: s2cap export --format audiofolder --vocals --out EXPORT_DIR)');
  const abs = (p: string | undefined) => (p === undefined ? undefined : path.resolve(p));
  let input;
  try {
    input = parseCommandInput('startTraining', {
      data: abs(v.data),
      ...(v.out !== undefined ? { out: abs(v.out) } : {}),
      ...(v.config !== undefined ? { config: abs(v.config) } : {}),
      ...(v['init-encoder'] !== undefined ? { initEncoder: abs(v['init-encoder']) } : {}),
      ...(v['init-decoder'] !== undefined ? { initDecoder: abs(v['init-decoder']) } : {}),
      ...(v.name !== undefined ? { name: v.name } : {}),
      ...(v['no-resume'] ? { noResume: true } : {}),
    });
  } catch (err) {
    throw new UsageError(`train: ${(err as Error).message}`);
  }
  const studio = await deps.open(v);
  let jobId: string | null = null;
  const onInt = () => void (jobId && studio.cancelJob({ id: jobId }).catch(() => {}));
  process.once('SIGINT', onInt); // a second Ctrl-C ends the process (and with it the recipe)
  try {
    const job = await studio.startTraining(input);
    jobId = job.id;
    io.err(`s2cap: train: job ${job.id} queued`);
    // Listening from here misses nothing: this process's runner starts its own job on a later turn (jobs/jobRunner runOwn).
    let last = '';
    const end = await new Promise<Job>((resolve) =>
      studio.on('jobUpdated', (j) => {
        if (j.id !== job.id) return;
        const line = `${String(Math.round(j.progress * 100)).padStart(3)}% ${j.detail ?? j.status}`;
        if (j.status === 'running' && line !== last) io.err(`s2cap: train: ${(last = line)}`);
        if (ENDED.includes(j.status)) resolve(j);
      }),
    );
    if (end.status === 'failed') throw new Error(end.error ?? 'training failed');
    if (end.status === 'cancelled') {
      io.err(`s2cap: train: cancelled; the run folder keeps its last checkpoint: run the same command again${v['no-resume'] ? ' without --no-resume' : ''} to resume`);
      return 130;
    }
    const pack = (await studio.listPacks()).find((p) => p.id === end.training?.pack) ?? null;
    if (v.json) io.out(JSON.stringify({ job: end, pack }));
    else {
      const t = end.training;
      io.out(`installed ${t?.pack ?? '?'} as the captioner${pack ? ` (${pack.dir})` : ''}`);
      if (t) io.out(`trained ${t.epochsDone}/${t.epochs ?? '?'} epochs on ${t.device ?? '?'} in ${t.runDir ?? '?'}${t.bestMetrics ? `; validation ${formatMetrics(t.bestMetrics)}` : ''}`);
    }
    return 0;
  } finally {
    process.removeListener('SIGINT', onInt);
    await studio.close();
  }
}
