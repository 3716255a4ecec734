// The train job's reading of the recipe's progress: the lines training/s2cap_train/progress.py
// really writes (run in a real Python) become a fraction that only grows, a detail line with
// stage, epoch, step, loss and validation metrics, and an outcome holding the last and best
// metrics; lines that are not events are left to the log.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { torchPythonOrSkip } from '../testing/torchPython';
import { formatMetrics } from '../../shared/packTraining';
import { parseProgressLine, TrainingProgress, type ProgressEvent } from './progress';
import { recipeEnv } from './trainingDir';

/** A run as progress.py reports it: 2 stages (1 + 2 epochs) of 3 steps, resumed nowhere, one NaN loss. */
const SCRIPT = `
from s2cap_train.progress import Progress
p = Progress(every=1)
p.log("a log line goes to stderr")
print("a stray print on stdout", flush=True)
p.start("/runs/r1", [{"name": "crescendo", "epochs": 1, "lr": 1e-4, "train": "encoder"}, {"name": "finetune", "epochs": 2, "lr": 5e-5, "train": "all"}], 3, 3, "cpu", None)
for s in (1, 2, 3):
    p.step(1, 1, s, 0.9 - 0.1 * s, {"crescendo": 0.9 - 0.1 * s})
p.epoch(1, 1, 0.7)
p.eval(1, 1, {"bleu_4": 0.1, "rouge_l": 0.2, "cider_d": 0.3}, True)
p.checkpoint("/runs/r1/last.pt")
p.step(2, 1, 4, float("nan"), {"ce": float("nan"), "kl": 0.1})
p.epoch(2, 1, 2.5)
p.eval(2, 1, {"bleu_4": 0.05, "rouge_l": 0.15, "cider_d": 0.25}, False)
p.done({"stage": 1, "epoch": 1}, {"bleu_4": 0.1, "rouge_l": 0.2, "cider_d": 0.3}, "/runs/r1", complete=False)
`;

describe('training progress', () => {
  it("reads progress.py's own lines into a growing fraction, a detail line and the outcome", async (ctx) => {
    const py = await torchPythonOrSkip(ctx);
    const stdout = execFileSync(py.command, ['-c', SCRIPT], { env: recipeEnv(), stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const lines = stdout.trim().split('\n');
    const events = lines.map(parseProgressLine);
    expect(events[0]).toBeNull(); // the stray print
    expect(events.slice(1).every((e) => e !== null)).toBe(true);
    const tp = new TrainingProgress();
    const seen: { fraction: number; detail: string }[] = [];
    for (const e of events) if (e) seen.push(...[tp.apply(e)].filter((x) => x !== null));
    // 9 steps in all (3 epochs × 3): step 3 of stage 1 is a third of the run; the fraction never goes back.
    expect(seen.map((s) => Math.round(s.fraction * 1000) / 1000)).toEqual([0, 0.111, 0.222, 0.333, 0.333, 0.333, 0.444, 0.667, 0.667, 1]);
    expect(seen[0]!.detail).toBe('starting: 3 epochs of 3 steps · cpu');
    expect(seen[3]!.detail).toBe('stage 1/2 (crescendo) epoch 1/1 · step 3/9 · loss 0.6000 · cpu');
    expect(seen[5]!.detail).toBe('stage 1/2 (crescendo) epoch 1/1 · step 3/9 · loss 0.7000 · validation BLEU-4 0.1000 ROUGE-L 0.2000 CIDEr-D 0.3000 · cpu');
    // A diverged loss arrives as null (JSON has no NaN) and is not shown as a number.
    expect(seen[6]!.detail).toBe('stage 2/2 (finetune) epoch 1/2 · step 4/9 · validation BLEU-4 0.1000 ROUGE-L 0.2000 CIDEr-D 0.3000 · cpu');
    expect(tp.outcome).toEqual({
      runDir: '/runs/r1',
      device: 'cpu',
      resumedFrom: null,
      epochsDone: 2,
      epochs: 3,
      loss: 2.5,
      metrics: { bleu_4: 0.05, rouge_l: 0.15, cider_d: 0.25 },
      metricsAt: { stage: 2, epoch: 1 },
      bestMetrics: { bleu_4: 0.1, rouge_l: 0.2, cider_d: 0.3 },
      complete: false,
    });
  });

  it('a resumed run starts where its checkpoint was', () => {
    const tp = new TrainingProgress();
    const start = parseProgressLine(
      JSON.stringify({ event: 'start', run_dir: 'r', stages: [{ name: 'a', epochs: 2 }, { name: 'b', epochs: 2 }], epochs: 4, steps_per_epoch: 5, device: 'cuda', resumed_from: { stage: 2, epoch: 1 } }),
    )!;
    expect(tp.apply(start)).toEqual({ fraction: 0.75, detail: 'resumed after stage 2 epoch 1 · stage 2/2 (b) epoch 1/2 · cuda' });
    expect(tp.outcome.epochsDone).toBe(3);
    expect(tp.outcome.resumedFrom).toEqual({ stage: 2, epoch: 1 });
  });

  it('at the end of an epoch the step count is exact, though steps are reported only every few', () => {
    const tp = new TrainingProgress();
    const ev = (o: object) => tp.apply(parseProgressLine(JSON.stringify(o))!);
    ev({ event: 'start', run_dir: 'r', stages: [{ name: 'a', epochs: 1 }, { name: 'b', epochs: 2 }], epochs: 3, steps_per_epoch: 4, device: 'cpu', resumed_from: null });
    ev({ event: 'step', stage: 2, epoch: 2, step: 10, loss: 1.5 }); // every 5th step: 10 of 12
    expect(ev({ event: 'epoch', stage: 2, epoch: 2, loss: 1.25 })!.detail).toBe('stage 2/2 (b) epoch 2/2 · step 12/12 · loss 1.2500 · cpu');
  });

  it('lines that are not progress events are not read as progress', () => {
    for (const line of ['', 'Traceback (most recent call last):', '{not json', '[1,2]', '{"event":"unknown"}', '{"event":"step","stage":1}', '{"loss":1}']) {
      expect(parseProgressLine(line), line).toBeNull();
    }
    const err = parseProgressLine('{"event":"error","message":"data: no clips"}') as Extract<ProgressEvent, { event: 'error' }>;
    expect(err.message).toBe('data: no clips');
    expect(new TrainingProgress().apply(err)).toBeNull();
    expect(formatMetrics({ bleu_4: null, cider_d: 1 })).toBe('BLEU-4 n/a CIDEr-D 1.0000');
  });
});
