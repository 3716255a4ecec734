import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { gpuMissing, openSession, parseEp, providerOrder } from './providers';

const SEP = path.resolve(__dirname, '../../../test/fixtures/packs/identity-separator/separator.onnx');

describe('execution providers', () => {
  it('rejects an unknown provider with the list of valid ones', () => {
    expect(() => parseEp('tpu')).toThrow('unknown execution provider "tpu" (valid: auto, cpu, webgpu, cuda, coreml, dml)');
    expect(parseEp('webgpu')).toBe('webgpu');
  });

  it('orders auto per platform and model kind, CPU last', () => {
    expect(providerOrder('auto', 'encoder', 'linux', false)).toEqual(['webgpu', 'cpu']);
    expect(providerOrder('auto', 'separator', 'linux', true)).toEqual(['webgpu', 'cuda', 'cpu']);
    expect(providerOrder('auto', 'encoder', 'darwin', false)).toEqual(['webgpu', 'coreml', 'cpu']);
    expect(providerOrder('auto', 'encoder', 'win32', false)).toEqual(['webgpu', 'dml', 'cpu']);
    expect(providerOrder('auto', 'decoder', 'linux', true)).toEqual(['cpu']);
    expect(providerOrder('cuda', 'decoder')).toEqual(['cuda', 'cpu']);
    expect(providerOrder('cpu', 'encoder')).toEqual(['cpu']);
  });

  it('falls back to CPU with the reason when a GPU provider cannot start', async () => {
    const opened = await openSession(SEP, { ep: 'cuda', kind: 'separator', threads: 1 });
    expect(opened.ep).toBe('cpu');
    expect(opened.fallbacks).toHaveLength(1);
    expect(opened.fallbacks[0]).toMatch(/^cuda: /);
    const cpu = await openSession(SEP, { ep: 'cpu', kind: 'separator' });
    expect(cpu).toMatchObject({ ep: 'cpu', fallbacks: [] });
  });

  it('knows when a Linux machine cannot run WebGPU or CUDA, without starting them', () => {
    const machine = (files: Record<string, string[]>, platform: NodeJS.Platform = 'linux') => ({
      platform,
      list: (d: string) => files[d] ?? [],
      libDirs: () => ['/opt/vk/lib', '/usr/lib/x86_64-linux-gnu'],
    });
    const loader = { '/opt/vk/lib': ['libvulkan.so.1'] };
    expect(gpuMissing('webgpu', machine(loader))).toMatch(/^no GPU device on this machine/);
    expect(gpuMissing('cuda', machine({}))).toMatch(/^no GPU device/);
    expect(gpuMissing('webgpu', machine({ ...loader, '/dev/dri': ['card0', 'renderD128'] }))).toBeNull();
    expect(gpuMissing('webgpu', machine({ ...loader, '/dev': ['null', 'nvidia0', 'nvidiactl'] }))).toBeNull();
    expect(gpuMissing('webgpu', machine({ ...loader, '/dev': ['nvidiactl'] }))).toMatch(/^no GPU device/);
    // A GPU whose driver ships no Vulkan loader: WebGPU cannot start, CUDA may.
    expect(gpuMissing('webgpu', machine({ '/dev': ['nvidia0'] }))).toBe('no Vulkan loader (libvulkan.so.1) on this machine');
    expect(gpuMissing('cuda', machine({ '/dev': ['nvidia0'] }))).toBeNull();
    expect(gpuMissing('webgpu', machine({}, 'darwin'))).toBeNull();
    expect(gpuMissing('cpu', machine({}))).toBeNull();
  });

  it('auto probes quietly: no native GPU warnings on stderr, at most one line saying which provider is not used', async () => {
    // A fresh process, as each CLI call is; the native libraries write to its stderr directly.
    const script = `
      import { openSession } from './src/core/inference/providers.ts';
      const a = await openSession(${JSON.stringify(SEP)}, { ep: 'auto', kind: 'separator' });
      const b = await openSession(${JSON.stringify(SEP)}, { ep: 'auto', kind: 'encoder' });
      process.stdout.write(JSON.stringify([a.ep, a.fallbacks, b.ep, b.fallbacks]));
    `;
    const repo = path.resolve(__dirname, '../../..');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repo });
    const [epA, fallbacksA, epB, fallbacksB] = JSON.parse(stdout) as [string, string[], string, string[]];
    expect(epB).toBe(epA);
    expect(fallbacksB).toEqual(fallbacksA);
    const lines = stderr.split('\n').filter((l) => l.trim());
    expect(lines.filter((l) => !l.startsWith('[s2cap] '))).toEqual([]);
    expect(lines.length).toBeLessThanOrEqual(1);
    if (epA === 'cpu') {
      expect(fallbacksA).toEqual([expect.stringMatching(/^webgpu: /)]);
      expect(lines[0]).toBe(`[s2cap] webgpu not used: ${fallbacksA[0]!.slice('webgpu: '.length)}; models run on cpu`);
    } else {
      expect(fallbacksA).toEqual([]);
    }
  });
});
