// `s2cap … | head`: a reader that stops early must not make the CLI die with a stack trace.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../core/testing/tmp';

const BIN = path.resolve(import.meta.dirname, '../../bin/s2cap.js');

describe('s2cap output into a closed pipe', () => {
  it('stops quietly when the reader goes away', async () => {
    const { dir, cleanup } = tempDir();
    const child = spawn(process.execPath, [BIN, 'help'], { env: { ...process.env, S2CAP_DB: path.join(dir, 'l.s2cap.db') }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Close our end before the CLI writes: its first write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
    cleanup();
  }, 30_000);
});
