// The worker pool over a real worker thread: a task's failure keeps the error code the task raised
// (UNSUPPORTED stays UNSUPPORTED, not re-coded as IO), and a throwing progress listener cannot
// take the process down.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../shared/errors';
import { fixture, tempDir } from '../testing/tmp';
import { WorkerPool } from './pool';
import { errorCodeOf } from './tasks';

const pool = new WorkerPool();
const tmp = tempDir();
afterAll(async () => {
  await pool.close();
  tmp.cleanup();
});

const ep = { encoder: 'cpu', decoder: 'cpu', separator: 'cpu', threads: 0 } as const;
const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof StudioError ? `${e.code}: ${e.message}` : `not a StudioError: ${String(e)}`));

describe('WorkerPool errors', () => {
  it('keeps a StudioError code raised inside the worker', async () => {
    // The built-in separator needs a stereo mix; lullaby.wav is mono.
    const res = codeOf(pool.run('separate', { dir: null, spec: null, ep, file: fixture('lullaby.wav'), outDir: path.join(tmp.dir, 'stems') }));
    expect(await res).toMatch(/^UNSUPPORTED: the built-in separator .* needs a stereo mix/);
  });

  it('keeps NOT_FOUND for a missing file, naming it', async () => {
    expect(await codeOf(pool.run('peaks', { file: path.join(tmp.dir, 'missing.wav') }))).toMatch(/^NOT_FOUND: .*missing\.wav/);
  });

  it('survives a progress listener that throws', async () => {
    let calls = 0;
    const peaks = await pool.run('peaks', { file: fixture('aria.wav'), durationSec: 1 }, {
      onProgress: () => {
        calls++;
        throw new Error('listener bug');
      },
    });
    expect(peaks.byteLength).toBeGreaterThan(0);
    expect(calls).toBeGreaterThan(0);
  });
});

describe('errorCodeOf', () => {
  it('keeps StudioError codes, calls programming errors INTERNAL and corrupt-input RangeErrors IO', () => {
    expect(errorCodeOf(new StudioError('UNSUPPORTED', 'x'))).toBe('UNSUPPORTED');
    expect(errorCodeOf(new TypeError('x is not a function'))).toBe('INTERNAL');
    expect(errorCodeOf(new ReferenceError('y is not defined'))).toBe('INTERNAL');
    expect(errorCodeOf(new RangeError('start offset of Float32Array should be a multiple of 4'))).toBe('IO');
    expect(errorCodeOf(new Error('ENOSPC'))).toBe('IO');
  });
});
