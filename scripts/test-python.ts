// `npm run test:python`: the retraining recipe's Python suite (training/tests, stdlib unittest) on
// the Python the studio itself would train with — found by the studio's own finder
// (src/core/training/pythonFinder.ts), on the recipe where the studio finds it (trainingDir), so
// the tests and the app never disagree about which Python and which recipe that is. Without a
// Python that has torch and numpy it prints a loud SKIP with the reason and exits 0, except where
// S2CAP_REQUIRE_PYTHON=1 (set in .ci/run) or CI=true (pythonRequired), where that is a failure.
// Extra arguments go to unittest (e.g. -p 'test_losses.py', -v).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pythonRequired } from '../src/core/testing/torchPython';
import { describePython, findTrainingPython, type TrainingPython } from '../src/core/training/pythonFinder';
import { recipeEnv, trainingDir } from '../src/core/training/trainingDir';

const training = trainingDir();

let python: TrainingPython;
try {
  python = await findTrainingPython();
} catch (err) {
  const why = (err as Error).message;
  if (pythonRequired()) {
    console.error(`test:python: FAILED — a Python with PyTorch is required here (S2CAP_REQUIRE_PYTHON=1 or CI): ${why}`);
    process.exit(1);
  }
  const bar = '!'.repeat(78);
  console.error(`${bar}\n!! SKIP: the training suite (training/tests) did not run.\n!! ${why}\n${bar}`);
  process.exit(0);
}

console.error(`test:python: ${describePython(python)}`);
const args = ['-m', 'unittest', 'discover', '-s', path.join(training, 'tests'), ...(process.argv.length > 2 ? process.argv.slice(2) : ['-v'])];
const child = spawn(python.command, args, {
  cwd: path.dirname(training),
  stdio: 'inherit',
  env: { ...recipeEnv(), PYTHONDONTWRITEBYTECODE: '1' },
});
child.on('error', (err) => {
  console.error(`test:python: cannot run ${python.command}: ${err.message}`);
  process.exit(1);
});
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
