// `auto`'s calibration (issue 13, item 2): the fastest provider per model from measured timings,
// a provider that cannot start recorded with its reason, and real CPU sessions timed. The key a
// record is kept under: calibrationKey.test.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseManifest } from './packs/manifest';
import { Captioner } from './caption/captioner';
import { decideProviders, measureProviders } from './calibration';

const DIR = path.resolve(__dirname, '../../../test/fixtures/packs/tiny-captioner');
const manifest = parseManifest(JSON.parse(fs.readFileSync(path.join(DIR, 'model.json'), 'utf8')));
const who = { pack: 'p@1', machine: 'm', at: new Date('2025-01-01T00:00:00Z') };
afterEach(() => vi.restoreAllMocks());

describe('deciding providers from timings', () => {
  it('picks the fastest provider per model, encoder and decoder separately', () => {
    const c = decideProviders(
      [
        { ep: 'cpu', encoderMs: 407, decoderMsPerToken: 12 },
        { ep: 'webgpu', encoderMs: 53, decoderMsPerToken: 60 },
        { ep: 'cuda', error: 'libcudnn.so.9: cannot open shared object file' },
      ],
      who,
    );
    expect(c).toEqual({
      pack: 'p@1',
      machine: 'm',
      at: '2025-01-01T00:00:00.000Z',
      encoder: { chosen: 'webgpu', ms: { cpu: 407, webgpu: 53 } },
      decoder: { chosen: 'cpu', ms: { cpu: 12, webgpu: 60 } },
      unavailable: { cuda: 'libcudnn.so.9: cannot open shared object file' },
      cpuOnly: false,
    });
    // The decoder on the GPU once it is faster there (its cache kept on the device).
    expect(decideProviders([{ ep: 'cpu', encoderMs: 400, decoderMsPerToken: 12 }, { ep: 'webgpu', encoderMs: 50, decoderMsPerToken: 3 }], who).decoder.chosen).toBe('webgpu');
  });

  it('keeps the CPU on a tie, and when only the CPU could run records that without timings', () => {
    expect(decideProviders([{ ep: 'cpu', encoderMs: 10, decoderMsPerToken: 2 }, { ep: 'webgpu', encoderMs: 10, decoderMsPerToken: 2 }], who).encoder.chosen).toBe('cpu');
    const alone = decideProviders([{ ep: 'cpu' }, { ep: 'webgpu', error: 'no GPU device on this machine' }], who);
    expect(alone).toMatchObject({ encoder: { chosen: 'cpu', ms: {} }, decoder: { chosen: 'cpu', ms: {} }, unavailable: { webgpu: 'no GPU device on this machine' }, cpuOnly: true });
  });
});

describe('measuring providers (real sessions)', () => {
  const spec = manifest.captioner!;
  it('times the encoder and decoder steps on the CPU, and records a provider that fails to start with its reason', async () => {
    // DirectML exists only on Windows: here its session cannot be created.
    const trials = await measureProviders(DIR, spec, { candidates: ['cpu', 'dml'], threads: 1, measureCpuAlone: true });
    const cpu = trials.find((t) => t.ep === 'cpu')!;
    expect(cpu.encoderMs).toBeGreaterThan(0);
    expect(cpu.decoderMsPerToken).toBeGreaterThan(0);
    const dml = trials.find((t) => t.ep === 'dml')!;
    expect(dml.error).toMatch(/\S/);
    expect(dml.encoderMs).toBeUndefined();
    const c = decideProviders(trials, who);
    expect(c).toMatchObject({ encoder: { chosen: 'cpu' }, decoder: { chosen: 'cpu' }, unavailable: { dml: dml.error }, cpuOnly: true });
  });

  it('loads no session when no other provider is left to compare with the CPU', async () => {
    const load = vi.spyOn(Captioner, 'load');
    expect(await measureProviders(DIR, spec, { candidates: ['cpu'], threads: 1 })).toEqual([{ ep: 'cpu' }]);
    expect(load).not.toHaveBeenCalled();
  });

  it('measures nothing when only the CPU can run', async () => {
    const trials = await measureProviders(DIR, spec, { candidates: ['cpu', 'dml'], threads: 1 });
    expect(trials.find((t) => t.ep === 'cpu')).toEqual({ ep: 'cpu' });
    expect(decideProviders(trials, who)).toMatchObject({ encoder: { ms: {} }, decoder: { ms: {} }, cpuOnly: true });
  });
});
