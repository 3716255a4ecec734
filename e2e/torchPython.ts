// Playwright's door to the one rule for "which Python counts, and what happens without one" that
// the unit tests use (src/core/testing/torchPython.ts over the app's finder,
// src/core/training/pythonFinder.ts): the torch Python the app would train with, or the calling
// test skipped with the reason — a failure instead under CI (CI=true or S2CAP_REQUIRE_PYTHON=1).
// Only the skip differs: Playwright's test.skip() in place of Vitest's ctx.skip().
import { test, type TestInfo } from '@playwright/test';
import { torchPythonOrSkip } from '../src/core/testing/torchPython';
import type { TrainingPython } from '../src/core/training/pythonFinder';

/** The torch Python for an e2e test that runs the recipe; call it inside the test body. */
export function e2eTorchPython(info: TestInfo): Promise<TrainingPython> {
  return torchPythonOrSkip({
    task: { name: info.title },
    skip(note?: string): never {
      test.skip(true, note); // aborts the test body (Playwright throws its skip here)
      throw new Error(`unreachable: test.skip did not abort "${info.title}"`);
    },
  });
}
