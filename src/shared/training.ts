// Retraining from the studio (the `train` job, `s2cap train`): what a caller asks for and what a
// train job reports while it runs and keeps when it ends. The recipe itself is training/s2cap_train
// (Python); core/training runs it.

/** startTraining's payload: paths on the studio's machine (confined like every server path). */
export interface TrainRequest {
  /** An audiofolder export folder (s2cap export --format audiofolder --vocals). */
  data: string;
  /**
   * The run folder (checkpoints, config, tokenizer). A run folder that holds last.pt resumes.
   * Default: one per export (its folder and manifest) and config (its content) in the library's
   * data folder, so the same request again resumes it, and a new export or config starts a new run.
   */
  out?: string;
  /** Start over: replace the run folder's checkpoints instead of resuming them (the recipe's --no-resume). */
  noResume?: boolean;
  /** A JSON config file (training/s2cap_train/config.py): any subset of the paper's defaults. */
  config?: string;
  /** Hugging Face AST / BART checkpoint folders (config.json + model.safetensors or pytorch_model.bin). */
  initEncoder?: string;
  initDecoder?: string;
  /** The pack's name (default: from the run folder's name). */
  name?: string;
}

/** A train job's run so far (Job.training): kept in the job when it ends, however it ends. */
export interface TrainingOutcome {
  runDir: string | null;
  /** The Python and torch that ran it, and the device ("torch 1.13.1 (CPU only) on /usr/bin/python3 3.11.2"). */
  python?: string;
  device: string | null;
  /** Where this run went on from (its run folder's last checkpoint); null when it started afresh. */
  resumedFrom: { stage: number; epoch: number } | null;
  /** Epochs finished over both stages, of `epochs`. */
  epochsDone: number;
  epochs: number | null;
  /** The last reported training loss (a step's or an epoch's mean). */
  loss: number | null;
  /** The last validation metrics (bleu_4, rouge_l, cider_d, …) and the epoch they are for. */
  metrics: Record<string, number | null> | null;
  metricsAt: { stage: number; epoch: number } | null;
  /** The best validation metrics (what best.pt holds, and the pack is exported from). */
  bestMetrics: Record<string, number | null> | null;
  /** false when the run stopped at its config's max_steps before its last epoch. */
  complete: boolean | null;
  /** The installed pack (name@version), once installed. */
  pack?: string;
}
