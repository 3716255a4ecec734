// The CPU int8 option from the command line: `s2cap models settings int8 on|off` changes the
// library's inference settings, and `s2cap caption` then runs a pack's *_quantized.onnx graphs on
// CPU and says "cpu int8" — for an installed-style pack and for a bare Optimum folder alike.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, FIXTURE_AUDIO } from '../core/testing/tmp';
import { cliJson, cliLibrary, cliOk, runCaptured as run } from './testing/cliRun';

const lib = cliLibrary();
const PACK = path.resolve(FIXTURE_AUDIO, '..', 'packs', 'tiny-captioner');

describe('s2cap models settings int8', () => {
  it('is off by default, turns on and off, and captions on CPU run the int8 graphs while on', async () => {
    expect(cliOk(await run('models', 'settings', '--db', lib.db))).toMatch(/int8 on CPU off/);
    const caption = (pack: string) => run('caption', fixture('aria.flac'), '--pack', pack, '--ep', 'cpu', '--segment', '0:2', '--json', '--db', lib.db);
    expect(cliJson<{ ep: string }>(await caption(PACK)).ep).toBe('encoder cpu, decoder cpu');

    expect(cliJson<{ int8: boolean; threads: number }>(await run('models', 'settings', 'int8', 'on', '--json', '--db', lib.db))).toMatchObject({ int8: true, threads: 0 });
    expect(cliJson<{ ep: string }>(await caption(PACK)).ep).toBe('encoder cpu int8, decoder cpu int8');
    // A bare Optimum folder: its *_quantized.onnx files are found without a model.json.
    const bare = path.join(lib.dir, 'optimum-export');
    fs.cpSync(PACK, bare, { recursive: true });
    fs.rmSync(path.join(bare, 'model.json'));
    const c = cliJson<{ ep: string; assumptions: string[] }>(await caption(bare));
    expect(c.ep).toBe('encoder cpu int8, decoder cpu int8');
    expect(c.assumptions.join('\n')).toMatch(/int8 graphs for CPU: encoder_model_quantized\.onnx/);

    expect(cliOk(await run('models', 'settings', 'int8', 'off', '--db', lib.db))).toMatch(/int8 on CPU off/);
    expect(cliJson<{ ep: string }>(await caption(PACK)).ep).toBe('encoder cpu, decoder cpu');
  });

  it('refuses a bad value in one line and changes nothing', async () => {
    for (const [argv, msg] of [
      [['int8', 'maybe'], /int8 must be on or off, got "maybe"/],
      [['int8'], /usage: s2cap models settings/],
      [['threads', '300'], /threads must be a whole number from 0 \(onnxruntime decides\) to 256, got "300"/],
      [['colour', 'red'], /usage: s2cap models settings/],
    ] as const) {
      const r = await run('models', 'settings', ...argv, '--db', lib.db);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    expect(cliJson<{ int8: boolean; threads: number }>(await run('models', 'settings', '--json', '--db', lib.db))).toMatchObject({ int8: false, threads: 0 });
  });
});
