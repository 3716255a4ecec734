// Material for tests that run the retraining recipe for real: the recipe's own synthetic
// audiofolder export (training/tests/synthetic.py make_export: clips, vocal stems, captions that
// follow the audio) and its tiny model configuration (training/tests/helpers.py tiny_config) as a
// config file, both made by the recipe's Python so the studio's tests and the recipe's agree.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TrainingPython } from '../training/pythonFinder';
import { recipeEnv, trainingDir } from '../training/trainingDir';

function runPython(python: TrainingPython, script: string): string {
  const env = { ...recipeEnv([path.join(trainingDir(), 'tests')]), PYTHONDONTWRITEBYTECODE: '1' };
  return execFileSync(python.command, ['-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
}

/** Writes a synthetic export of `n` clips (8/2/2 splits for 12) to `dir`; returns its path. */
export function syntheticExport(python: TrainingPython, dir: string, n = 12, seed = 0): string {
  return runPython(python, `from synthetic import make_export\nprint(make_export(${JSON.stringify(dir)}, n=${n}, seed=${seed}))`);
}

/**
 * Writes the recipe's tiny configuration (AST and BART at toy sizes) with the given stage lengths
 * and TrainConfig overrides to `file`; returns its path.
 */
export function tinyConfigFile(python: TrainingPython, file: string, epochs: { stage1: number; stage2: number }, train: Record<string, unknown> = {}): string {
  runPython(
    python,
    [
      'import json',
      'from helpers import tiny_config',
      `train = json.loads(${JSON.stringify(JSON.stringify(train))})`,
      'cfg = tiny_config(**train).to_dict()',
      `cfg["train"]["stage1"]["epochs"] = ${epochs.stage1}`,
      `cfg["train"]["stage2"]["epochs"] = ${epochs.stage2}`,
      `json.dump(cfg, open(${JSON.stringify(file)}, "w"), indent=1)`,
    ].join('\n'),
  );
  return file;
}
