// Runs one command of the retraining recipe (`python -m s2cap_train fit|export …`) as a child
// process: training/ on PYTHONPATH (trainingDir.ts recipeEnv), unbuffered output, each JSON
// progress line on stdout handed to the caller as it arrives (progress.ts reads them), everything
// else kept as log. Cancelling (the AbortSignal) ends the child — a run folder keeps its last
// checkpoint, so the same command resumes.
// On POSIX the child leads a process group of its own: a terminal's Ctrl-C reaches only the studio
// (which cancels the job and so ends the run), and ending the group also ends the data-loader
// workers PyTorch may have started.
// A failure is one line: the recipe's own `error` event if it sent one, else the last line it wrote
// on stderr (a Python traceback ends with the exception), with the exit status.
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { StudioError } from '../../shared/errors';
import { parseProgressLine, type ProgressEvent } from './progress';
import type { TrainingPython } from './pythonFinder';
import { recipeEnv } from './trainingDir';

export interface RecipeRun {
  python: TrainingPython;
  /** After `-m s2cap_train`: the subcommand and its arguments. */
  args: string[];
  signal?: AbortSignal;
  onEvent?(ev: ProgressEvent): void;
  /** Every other line the recipe writes (stdout that is not a progress event, and stderr). */
  onLog?(line: string, stream: 'stdout' | 'stderr'): void;
  /** After SIGTERM, how long before SIGKILL (default 10 s). */
  killGraceMs?: number;
}

/** Resolves when the command exits 0; rejects with a one-line reason otherwise (or the signal's reason when cancelled). */
export function runRecipe(r: RecipeRun): Promise<void> {
  return new Promise((resolve, reject) => {
    if (r.signal?.aborted) return reject(abortReason(r.signal));
    const env = { ...recipeEnv(), PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' };
    const group = process.platform !== 'win32';
    const child = spawn(r.python.command, ['-m', 's2cap_train', ...r.args], { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, detached: group });
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (group && child.pid) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // already gone
      }
    };
    let lastStderr: string | null = null; // a traceback's last line is the exception
    let errorEvent: string | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      kill('SIGTERM');
      killTimer = setTimeout(() => kill('SIGKILL'), r.killGraceMs ?? 10_000);
      killTimer.unref();
    };
    r.signal?.addEventListener('abort', onAbort, { once: true });
    // A studio that exits without stopping its jobs (process.exit) leaves no training behind.
    const onExit = () => kill('SIGKILL');
    process.on('exit', onExit);

    // Both streams are read to their end before the exit is judged ('close', not 'exit').
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const ev = parseProgressLine(line);
      if (!ev) return r.onLog?.(line, 'stdout');
      if (ev.event === 'error') errorEvent = ev.message;
      try {
        r.onEvent?.(ev);
      } catch (err) {
        console.error(`[s2cap] training progress listener failed: ${(err as Error).message}`);
      }
    });
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      if (line.trim()) lastStderr = line.trim();
      r.onLog?.(line, 'stderr');
    });

    child.on('error', (err) => {
      cleanup();
      reject(new StudioError('IO', `cannot run ${r.python.command}: ${err.message}`));
    });
    child.on('close', (code, sig) => {
      cleanup();
      if (r.signal?.aborted) return reject(abortReason(r.signal));
      if (code === 0) return resolve();
      const why = errorEvent ?? lastStderr ?? 'no message';
      const how = code !== null ? `exit ${code}` : `killed by ${sig}`;
      reject(new StudioError('INTERNAL', `s2cap_train ${r.args[0] ?? ''} failed (${how}): ${why}`));
    });
    function cleanup() {
      clearTimeout(killTimer);
      r.signal?.removeEventListener('abort', onAbort);
      process.off('exit', onExit);
    }
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new StudioError('CONFLICT', `cancelled${typeof reason === 'string' ? ` (${reason})` : ''}`);
}
