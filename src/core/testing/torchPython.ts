// Tests that run the retraining recipe need a Python with PyTorch. Where none is found they are
// skipped with the reason printed — except under CI (CI=true or S2CAP_REQUIRE_PYTHON=1, set by
// .ci/run), where its absence fails the test. The same finder as the app (core/training).
import { findTrainingPython, type TrainingPython } from '../training/pythonFinder';

let found: Promise<TrainingPython | Error> | undefined;

export function pythonRequired(): boolean {
  return process.env.CI === 'true' || process.env.S2CAP_REQUIRE_PYTHON === '1';
}

/** The torch Python the app would use; skips the calling test (loudly) where there is none, fails under CI. */
export async function torchPythonOrSkip(ctx: { skip(note?: string): never; task: { name: string } }): Promise<TrainingPython> {
  found ??= findTrainingPython().catch((e: Error) => e);
  const r = await found;
  if (!(r instanceof Error)) return r;
  if (pythonRequired()) throw new Error(`a Python with PyTorch is required here (CI): ${r.message}`);
  console.warn(`SKIPPED "${ctx.task.name}": ${r.message}`);
  return ctx.skip(r.message);
}
