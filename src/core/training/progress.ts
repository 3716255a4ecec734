// Reads the retraining recipe's progress: the JSON lines `python -m s2cap_train fit` writes on
// stdout (training/s2cap_train/progress.py defines them: start, step, epoch, eval, checkpoint,
// done, error) and turns them into what a job shows — a fraction, a one-line detail (stage,
// epoch, step, loss, the last validation metrics) — and what it keeps when it ends (the last and
// best metrics, the device, the run folder). A line that is not such an event is not progress
// (a stray print): parseProgressLine returns null and the caller logs it.
import { z } from 'zod';
import { formatMetrics } from '../../shared/packTraining';
import type { TrainingOutcome } from '../../shared/training';

const num = z.number().nullable();
const metrics = z.record(z.string(), num);

const eventSchema = z.discriminatedUnion('event', [
  z.looseObject({
    event: z.literal('start'),
    run_dir: z.string(),
    stages: z.array(z.looseObject({ name: z.string(), epochs: z.number().int().min(0) })),
    epochs: z.number().int().min(0),
    steps_per_epoch: z.number().int().min(0),
    device: z.string(),
    resumed_from: z.looseObject({ stage: z.number().int(), epoch: z.number().int() }).nullable().optional(),
  }),
  z.looseObject({ event: z.literal('step'), stage: z.number().int(), epoch: z.number().int(), step: z.number().int(), loss: num, parts: metrics.optional() }),
  z.looseObject({ event: z.literal('epoch'), stage: z.number().int(), epoch: z.number().int(), loss: num }),
  z.looseObject({ event: z.literal('eval'), stage: z.number().int(), epoch: z.number().int(), metrics, best: z.boolean() }),
  z.looseObject({ event: z.literal('checkpoint'), path: z.string() }),
  z.looseObject({ event: z.literal('done'), best: z.unknown().optional(), metrics: metrics.nullable().optional(), run_dir: z.string().optional(), complete: z.boolean().optional() }),
  z.looseObject({ event: z.literal('error'), message: z.string() }),
]);

export type ProgressEvent = z.infer<typeof eventSchema>;

/** One stdout line as a progress event, or null when it is not one. */
export function parseProgressLine(line: string): ProgressEvent | null {
  const t = line.trim();
  if (!t.startsWith('{')) return null;
  let json: unknown;
  try {
    json = JSON.parse(t);
  } catch {
    return null;
  }
  const r = eventSchema.safeParse(json);
  return r.success ? r.data : null;
}

/** Folds progress events into the job's fraction (0–1 of the fit) and detail line, and its outcome. */
export class TrainingProgress {
  private stages: { name: string; epochs: number }[] = [];
  private stepsPerEpoch = 0;
  private stage = 0;
  private epoch = 0;
  private step = 0;
  private fraction = 0;
  readonly outcome: TrainingOutcome = { runDir: null, device: null, resumedFrom: null, epochsDone: 0, epochs: null, loss: null, metrics: null, metricsAt: null, bestMetrics: null, complete: null };

  /** The new fraction and detail after an event; null for events that change neither (checkpoint, error). */
  apply(ev: ProgressEvent): { fraction: number; detail: string } | null {
    const o = this.outcome;
    switch (ev.event) {
      case 'start':
        this.stages = ev.stages.map((s) => ({ name: s.name, epochs: s.epochs }));
        this.stepsPerEpoch = ev.steps_per_epoch;
        o.runDir = ev.run_dir;
        o.device = ev.device;
        o.epochs = ev.epochs;
        if (ev.resumed_from) {
          const { stage, epoch } = ev.resumed_from;
          this.at(stage, epoch);
          o.resumedFrom = { stage, epoch };
          o.epochsDone = this.epochsBefore(stage) + epoch;
          this.fraction = this.ofEpochs(o.epochsDone);
          return { fraction: this.fraction, detail: `resumed after stage ${stage} epoch ${epoch} · ${this.detail()}` };
        }
        break;
      case 'step':
        this.at(ev.stage, ev.epoch);
        this.step = ev.step;
        o.loss = ev.loss;
        if (o.epochs && this.stepsPerEpoch) this.fraction = Math.max(this.fraction, Math.min(1, ev.step / (o.epochs * this.stepsPerEpoch)));
        break;
      case 'epoch':
        this.at(ev.stage, ev.epoch);
        o.loss = ev.loss;
        o.epochsDone = this.epochsBefore(ev.stage) + ev.epoch;
        this.fraction = Math.max(this.fraction, this.ofEpochs(o.epochsDone));
        // Steps are reported every few; at an epoch's end the count is known exactly.
        if (this.stepsPerEpoch) this.step = o.epochsDone * this.stepsPerEpoch;
        break;
      case 'eval':
        this.at(ev.stage, ev.epoch);
        o.metrics = ev.metrics;
        o.metricsAt = { stage: ev.stage, epoch: ev.epoch };
        if (ev.best) o.bestMetrics = ev.metrics;
        break;
      case 'done':
        if (ev.metrics) o.bestMetrics = ev.metrics;
        if (ev.run_dir) o.runDir = ev.run_dir;
        o.complete = ev.complete ?? true;
        this.fraction = 1;
        break;
      default:
        return null;
    }
    return { fraction: this.fraction, detail: this.detail() };
  }

  /** "stage 2/2 (finetune) epoch 3/20 · step 140 · loss 2.3141 · validation BLEU-4 … · cpu" */
  detail(): string {
    const o = this.outcome;
    const parts: string[] = [];
    if (this.stage) {
      const s = this.stages[this.stage - 1];
      parts.push(`stage ${this.stage}/${this.stages.length || '?'}${s ? ` (${s.name}) epoch ${this.epoch}/${s.epochs}` : ` epoch ${this.epoch}`}`);
    } else parts.push(o.epochs !== null ? `starting: ${o.epochs} epochs of ${this.stepsPerEpoch} steps` : 'starting');
    if (this.step) parts.push(`step ${this.step}${o.epochs && this.stepsPerEpoch ? `/${o.epochs * this.stepsPerEpoch}` : ''}`);
    if (o.loss !== null) parts.push(`loss ${o.loss.toFixed(4)}`);
    if (o.metrics) parts.push(`validation ${formatMetrics(o.metrics)}`);
    if (o.device) parts.push(o.device);
    return parts.join(' · ');
  }

  private at(stage: number, epoch: number): void {
    this.stage = stage;
    this.epoch = epoch;
  }

  private epochsBefore(stage: number): number {
    return this.stages.slice(0, Math.max(0, stage - 1)).reduce((n, s) => n + s.epochs, 0);
  }

  private ofEpochs(done: number): number {
    const total = this.outcome.epochs;
    return total ? Math.min(1, done / total) : 0;
  }
}
