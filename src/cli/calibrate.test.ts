// `s2cap models calibrate` from the command line: measures where `auto` runs the active captioner's
// encoder and decoder on this machine and keeps it in the library, `s2cap models` then shows it per
// captioner pack, and `calibrate reset` forgets it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProviderCalibration } from '../shared/types';
import { FIXTURE_AUDIO } from '../core/testing/tmp';
import { cliJson, cliLibrary, cliOk, runCaptured as run } from './testing/cliRun';

const lib = cliLibrary();
const PACK = path.resolve(FIXTURE_AUDIO, '..', 'packs', 'tiny-captioner');

describe('s2cap models calibrate', () => {
  it('measures, shows, and forgets the calibration of the active captioner', async () => {
    cliOk(await run('models', 'install', PACK, '--db', lib.db));
    cliOk(await run('models', 'use', 'captioner', 'tiny-captioner@1.0.0', '--db', lib.db));
    expect(cliOk(await run('models', '--db', lib.db))).toMatch(/tiny-captioner@1\.0\.0.*\n {2}auto: not calibrated on this machine yet/);
    const c = cliJson<ProviderCalibration>(await run('models', 'calibrate', '--json', '--db', lib.db));
    expect(c).toMatchObject({ pack: 'tiny-captioner@1.0.0', encoder: { chosen: expect.any(String) }, decoder: { chosen: expect.any(String) } });
    const shown = cliOk(await run('models', 'list', '--db', lib.db));
    expect(shown).toMatch(new RegExp(`\\n {2}auto: (cpu for encoder and decoder|encoder ${c.encoder.chosen} )`));
    expect(cliOk(await run('models', 'calibrate', 'reset', 'tiny-captioner@1.0.0', '--db', lib.db))).toMatch(/calibration forgotten; the next caption job under auto measures again/);
    expect(cliOk(await run('models', '--db', lib.db))).toMatch(/auto: not calibrated on this machine yet/);
    const bad = await run('models', 'calibrate', 'reset', 'a', 'b', '--db', lib.db);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/usage: s2cap models calibrate \[reset\] \[NAME@VERSION\]/);
  });
});
