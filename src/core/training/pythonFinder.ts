// Finds the Python that runs the retraining recipe (training/s2cap_train, plain PyTorch). The one
// home of that rule, used by the train job, `s2cap train` and the test:python script: S2CAP_PYTHON
// when set (then only it: an explicit choice is never silently replaced), else /usr/bin/python3
// (Debian's python3-torch lives there while a pyenv or venv python3 may come first on PATH), then
// python3 and python on PATH. A candidate qualifies when `import torch, numpy` works in it; the
// probe reports its torch version and whether CUDA is available. Without one, the error says in one
// line what was tried and exactly what to install. A Python found is kept for the process (the
// probe imports torch, which takes seconds).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { StudioError } from '../../shared/errors';

export interface TrainingPython {
  /** What to spawn: the candidate as given (a path, or a name resolved on PATH). */
  command: string;
  /** sys.executable of that Python. */
  executable: string;
  pythonVersion: string;
  torchVersion: string;
  /** torch.cuda.is_available() */
  cuda: boolean;
  /** The first CUDA device's name, when there is one. */
  cudaDevice: string | null;
}

/** What to install, in the words every no-Python error ends with. */
export const INSTALL_HINT =
  'install it — Debian/Ubuntu: sudo apt-get install python3-torch python3-numpy python3-onnx; elsewhere: pip install torch numpy onnx — or set S2CAP_PYTHON';

const PROBE = [
  'import json, sys',
  'import numpy, torch',
  'cuda = bool(torch.cuda.is_available())',
  'print(json.dumps({"executable": sys.executable, "python": sys.version.split()[0], "torch": torch.__version__,',
  '  "cuda": cuda, "device": torch.cuda.get_device_name(0) if cuda else None}))',
].join('\n');

/** The candidates in the order they are tried (see the header). */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const given = env.S2CAP_PYTHON?.trim();
  if (given) return [given];
  const out: string[] = [];
  if (process.platform !== 'win32' && fs.existsSync('/usr/bin/python3')) out.push('/usr/bin/python3');
  out.push('python3', 'python');
  return out;
}

/** One candidate: its report, or why it does not qualify (one line). */
export function probePython(command: string, timeoutMs = 120_000): Promise<TrainingPython | string> {
  return new Promise((resolve) => {
    // Importing torch the first time can take a while on a cold disk; the timeout only stops a hung interpreter.
    execFile(command, ['-c', PROBE], { timeout: timeoutMs, windowsHide: true, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return resolve('not found');
        if (code === 'EACCES') return resolve('not executable');
        if (err.killed) return resolve(`no answer within ${Math.round(timeoutMs / 1000)} s`);
        return resolve(lastLine(stderr) || err.message.split('\n')[0]!);
      }
      try {
        const r = JSON.parse(lastLine(stdout)) as { executable: string; python: string; torch: string; cuda: boolean; device: string | null };
        resolve({ command, executable: r.executable, pythonVersion: r.python, torchVersion: r.torch, cuda: r.cuda, cudaDevice: r.device });
      } catch {
        resolve(`unexpected answer: ${lastLine(stdout).slice(0, 200)}`);
      }
    });
  });
}

/**
 * Pythons found so far in this process, by candidate list: importing torch takes seconds, and
 * startTraining checks before queueing what its job then runs with. A failure is not kept (torch
 * installed meanwhile is found on the next try).
 */
const found = new Map<string, Promise<TrainingPython>>();

/** The first candidate with torch and numpy; throws UNSUPPORTED (one line: what was tried, what to install) when none has them. */
export function findTrainingPython(env: NodeJS.ProcessEnv = process.env): Promise<TrainingPython> {
  const key = JSON.stringify(pythonCandidates(env));
  let p = found.get(key);
  if (!p) {
    found.set(key, (p = firstWithTorch(env)));
    p.catch(() => found.delete(key));
  }
  return p;
}

async function firstWithTorch(env: NodeJS.ProcessEnv): Promise<TrainingPython> {
  const tried: string[] = [];
  for (const c of pythonCandidates(env)) {
    const r = await probePython(c);
    if (typeof r !== 'string') return r;
    tried.push(`${env.S2CAP_PYTHON?.trim() ? 'S2CAP_PYTHON=' : ''}${c}: ${r}`);
  }
  throw new StudioError('UNSUPPORTED', `no Python with PyTorch found (tried ${tried.join('; ')}): ${INSTALL_HINT}`);
}

/** "torch 2.3.1 (CUDA: NVIDIA H100) on /usr/bin/python3 3.11.2" */
export function describePython(p: TrainingPython): string {
  return `torch ${p.torchVersion} (${p.cuda ? `CUDA${p.cudaDevice ? `: ${p.cudaDevice}` : ''}` : 'CPU only'}) on ${p.executable} ${p.pythonVersion}`;
}

function lastLine(s: string | Buffer): string {
  const lines = String(s).trim().split(/\r?\n/);
  return lines[lines.length - 1]!.trim();
}
