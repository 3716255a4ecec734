// The key a provider calibration is kept under (issue 13, item 2): the pack's content, the machine,
// the runtime (onnxruntime-node's version, the providers that may run here) and the CPU settings;
// the machine read once per process.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { calibrationCandidates } from './calibration';
import { calibrationKey, machineName, offeredProviders, runtimeName } from './calibrationKey';
import { parseManifest } from './packs/manifest';

const DIR = path.resolve(__dirname, '../../../test/fixtures/packs/tiny-captioner');
const manifest = parseManifest(JSON.parse(fs.readFileSync(path.join(DIR, 'model.json'), 'utf8')));
afterEach(() => vi.restoreAllMocks());

describe('the key a calibration is kept under', () => {
  it('keys a record by pack content, machine and CPU settings', () => {
    const k = calibrationKey(manifest, { threads: 0 }, 'host-a');
    expect(k).toMatch(/^calibration:[0-9a-f]{24}$/);
    expect(calibrationKey(manifest, { threads: 0 }, 'host-a')).toBe(k);
    expect(calibrationKey(manifest, { threads: 0 }, 'host-b')).not.toBe(k);
    expect(calibrationKey(manifest, { threads: 2 }, 'host-a')).not.toBe(k);
    expect(calibrationKey(manifest, { threads: 0, int8: true }, 'host-a')).not.toBe(k);
    const other = { ...manifest, files: { ...manifest.files, [manifest.captioner!.encoder]: { sha256: '0'.repeat(64) } } };
    expect(calibrationKey(other, { threads: 0 }, 'host-a')).not.toBe(k);
  });

  it("keys a record by the runtime too: onnxruntime-node's version and the providers that may run here", () => {
    const rt = runtimeName('1.30.0', ['cpu', 'webgpu']);
    const k = calibrationKey(manifest, { threads: 0 }, 'host-a', rt);
    expect(calibrationKey(manifest, { threads: 0 }, 'host-a', runtimeName('1.30.0', ['cpu', 'webgpu']))).toBe(k);
    expect(calibrationKey(manifest, { threads: 0 }, 'host-a', runtimeName('1.31.0', ['cpu', 'webgpu']))).not.toBe(k);
    // A CUDA provider installed later, or a provider that can no longer run here: measured again.
    expect(calibrationKey(manifest, { threads: 0 }, 'host-a', runtimeName('1.30.0', ['cpu', 'webgpu', 'cuda']))).not.toBe(k);
    expect(calibrationKey(manifest, { threads: 0 }, 'host-a', runtimeName('1.30.0', ['cpu']))).not.toBe(k);
    // The providers are those a calibration would try: CUDA once its library is installed, less
    // those this machine rules out without starting them.
    expect(offeredProviders(calibrationCandidates('linux', true), () => null)).toEqual(['cpu', 'webgpu', 'cuda']);
    expect(offeredProviders(calibrationCandidates('linux', false), () => null)).toEqual(['cpu', 'webgpu']);
    expect(offeredProviders(calibrationCandidates('linux', true), (ep) => (ep === 'webgpu' ? 'no Vulkan loader' : null))).toEqual(['cpu', 'cuda']);
    // By default: the onnxruntime-node installed here, as its package.json says, and this machine's providers.
    const installed = JSON.parse(fs.readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')).version;
    expect(runtimeName()).toBe(runtimeName(installed, offeredProviders()));
    expect(calibrationKey(manifest, { threads: 0 })).toBe(calibrationKey(manifest, { threads: 0 }, machineName(), runtimeName(installed)));
    // int8 graphs are part of the pack's content the record is for.
    const q = manifest.captioner!.quantized!.encoder!;
    const int8Changed = { ...manifest, files: { ...manifest.files, [q]: { sha256: '0'.repeat(64) } } };
    expect(calibrationKey(int8Changed, { threads: 0 }, 'host-a', rt)).not.toBe(k);
  });

  it('reads the machine (GPU adapters from /sys and /proc) once per process, not at every lookup', () => {
    const reads = vi.spyOn(fs, 'readdirSync');
    const name = machineName();
    expect(calibrationKey(manifest, { threads: 0 })).toBe(calibrationKey(manifest, { threads: 0 }, name));
    expect(machineName()).toBe(name);
    expect(reads.mock.calls.filter(([dir]) => String(dir).startsWith('/sys/class/drm')).length).toBeLessThanOrEqual(1);
  });
});
