// The Python finder on real interpreters: a missing one and a real Python without torch (a venv
// without the system's packages) give the one-line message that says what to install; the
// system's torch Python is found and reported as it describes itself.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp';
import { findTrainingPython, INSTALL_HINT, pythonCandidates } from './pythonFinder';
import { torchPythonOrSkip } from '../testing/torchPython';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

/** A real Python with nothing but its standard library: a venv made without pip or the system's site-packages. */
function bareVenv(): string {
  const base = ['/usr/bin/python3', 'python3', 'python'].find((p) => {
    try {
      execFileSync(p, ['-c', 'import venv'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!base) throw new Error('no Python at all on this machine to make a bare venv from');
  const dir = path.join(tmp.dir, 'bare venv');
  execFileSync(base, ['-m', 'venv', '--without-pip', dir]);
  return path.join(dir, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
}

describe('findTrainingPython', () => {
  it('S2CAP_PYTHON naming no program: one line saying what was tried and what to install', async () => {
    const missing = path.join(tmp.dir, 'no-such-python');
    await expect(findTrainingPython({ S2CAP_PYTHON: missing })).rejects.toThrow(
      `no Python with PyTorch found (tried S2CAP_PYTHON=${missing}: not found): install it — Debian/Ubuntu: sudo apt-get install python3-torch python3-numpy python3-onnx; elsewhere: pip install torch numpy onnx — or set S2CAP_PYTHON`,
    );
  });

  it('S2CAP_PYTHON naming a Python without torch is refused with the reason, and no other Python is tried instead', async () => {
    const py = bareVenv();
    const err = await findTrainingPython({ S2CAP_PYTHON: py }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error & { code: string }).code).toBe('UNSUPPORTED');
    expect((err as Error).message).toBe(`no Python with PyTorch found (tried S2CAP_PYTHON=${py}: ModuleNotFoundError: No module named 'numpy'): ${INSTALL_HINT}`);
    expect((err as Error).message.split('\n')).toHaveLength(1);
  });

  it('without S2CAP_PYTHON: /usr/bin/python3 (where it exists) before python3 and python on PATH', () => {
    const order = pythonCandidates({});
    expect(order.slice(-2)).toEqual(['python3', 'python']);
    if (process.platform !== 'win32' && fs.existsSync('/usr/bin/python3')) expect(order[0]).toBe('/usr/bin/python3');
    expect(pythonCandidates({ S2CAP_PYTHON: ' /opt/py/bin/python ' })).toEqual(['/opt/py/bin/python']);
  });

  it("finds a Python with torch and reports its torch version and CUDA as that Python says", async (ctx) => {
    const found = await torchPythonOrSkip(ctx);
    const said = execFileSync(found.command, ['-c', 'import torch, sys; print(torch.__version__, torch.cuda.is_available(), sys.executable)']).toString().trim();
    expect(`${found.torchVersion} ${found.cuda ? 'True' : 'False'} ${found.executable}`).toBe(said);
    // Pointing S2CAP_PYTHON at it finds the same one.
    expect((await findTrainingPython({ S2CAP_PYTHON: found.executable })).torchVersion).toBe(found.torchVersion);
  });

  it('imports torch once per process: startTraining and then its job ask for the same Python', async (ctx) => {
    const found = await torchPythonOrSkip(ctx);
    if (process.platform === 'win32') return ctx.skip('a shell script stands in for the interpreter');
    // The same Python behind a script that notes each time it is started.
    const log = path.join(tmp.dir, 'probes.log');
    const counted = path.join(tmp.dir, 'counted-python');
    fs.writeFileSync(counted, `#!/bin/sh\necho probe >> '${log}'\nexec '${found.executable}' "$@"\n`, { mode: 0o755 });
    const [a, b] = await Promise.all([findTrainingPython({ S2CAP_PYTHON: counted }), findTrainingPython({ S2CAP_PYTHON: counted })]);
    const c = await findTrainingPython({ S2CAP_PYTHON: counted });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a.command).toBe(counted);
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual(['probe']);
  });
});
