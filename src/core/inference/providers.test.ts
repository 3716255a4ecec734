import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSession, parseEp, providerOrder } from './providers';

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
});
