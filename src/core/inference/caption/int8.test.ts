// The CPU int8 option on the fixture pack (real float and int8 ONNX graphs, the int8 ones written
// by scripts/onnx_int8.py as Optimum's dynamic quantizer writes them): off runs the float files;
// on, a model on CPU runs its *_quantized.onnx file and says "cpu int8"; a pack without int8 files
// ignores it; a GPU provider is never given an int8 file. Prints how many captions int8 changes.
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../testing/tmp';
import { AST_FRAMES, AST_MEL_BINS } from '../features/fbank';
import { validatePack } from '../packs/validate';
import { getCaptioner } from '../runtime';
import { Captioner } from './captioner';

const PACK = path.resolve(__dirname, '../../../../test/fixtures/packs/tiny-captioner');
const tmp = tempDir();
afterAll(tmp.cleanup);
afterEach(() => vi.restoreAllMocks());

function features(seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: AST_FRAMES * AST_MEL_BINS }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
}

/** The files and providers every session is created with while `fn` runs. */
async function sessionsOpened<T>(fn: () => Promise<T>): Promise<{ result: T; opened: { file: string; ep: string }[] }> {
  const create = ort.InferenceSession.create.bind(ort.InferenceSession) as (file: string, opts: ort.InferenceSession.SessionOptions) => Promise<ort.InferenceSession>;
  const opened: { file: string; ep: string }[] = [];
  vi.spyOn(ort.InferenceSession, 'create').mockImplementation(((file: string, opts: ort.InferenceSession.SessionOptions) => {
    opened.push({ file: path.basename(file), ep: String(opts.executionProviders?.[0]) });
    return create(file, opts);
  }) as typeof ort.InferenceSession.create);
  const result = await fn();
  vi.restoreAllMocks();
  return { result, opened };
}

describe('int8 on CPU', () => {
  it('runs the float graphs when off, and the quantized graphs, labelled "cpu int8", when on', async () => {
    const spec = (await validatePack(PACK)).captioner!;
    expect(spec.quantized).toEqual({
      encoder: 'encoder_model_quantized.onnx',
      decoderMerged: 'decoder_model_merged_quantized.onnx',
      decoder: 'decoder_model_quantized.onnx',
      decoderWithPast: 'decoder_with_past_model_quantized.onnx',
    });
    const cpu = { encoderEp: 'cpu', decoderEp: 'cpu', threads: 1 } as const;
    const float = await sessionsOpened(() => Captioner.load(PACK, spec, cpu));
    expect(float.opened.map((o) => o.file)).toEqual(['encoder_model.onnx', 'decoder_model.onnx', 'decoder_with_past_model.onnx']);
    expect(float.result.ep).toEqual({ encoder: 'cpu', decoder: 'cpu' });

    const int8 = await sessionsOpened(() => Captioner.load(PACK, spec, { ...cpu, int8: true }));
    expect(int8.opened.map((o) => o.file)).toEqual(['encoder_model_quantized.onnx', 'decoder_model_quantized.onnx', 'decoder_with_past_model_quantized.onnx']);
    expect(int8.result.ep).toEqual({ encoder: 'cpu int8', decoder: 'cpu int8' });
    const merged = await sessionsOpened(() => Captioner.load(PACK, spec, { ...cpu, int8: true, decoder: 'merged' }));
    expect(merged.opened.map((o) => o.file)).toEqual(['encoder_model_quantized.onnx', 'decoder_model_merged_quantized.onnx']);

    // Captions come out of the int8 graphs; how many differ from float is reported, not pinned.
    const feats = Array.from({ length: 8 }, (_, i) => features(i + 1));
    let changed = 0;
    let total = 0;
    let maxScoreDelta = 0;
    for (const numBeams of [1, 4]) {
      const a = await float.result.caption(feats, { numBeams });
      const b = await int8.result.caption(feats, { numBeams });
      expect(b.ep).toEqual({ encoder: 'cpu int8', decoder: 'cpu int8' });
      b.captions.forEach((c, i) => {
        expect(c.tokens.length).toBeGreaterThan(0);
        expect(Number.isFinite(c.score)).toBe(true);
        total++;
        if (c.text !== a.captions[i]!.text) changed++;
        else maxScoreDelta = Math.max(maxScoreDelta, Math.abs(c.score - a.captions[i]!.score));
      });
    }
    console.log(`[int8] ${changed} of ${total} fixture captions differ from float (greedy and 4 beams over 8 inputs); largest score change among the same captions ${maxScoreDelta.toFixed(4)}`);
  });

  it('ignores the setting, without an error, for a pack that has no int8 graphs', async () => {
    const dir = path.join(tmp.dir, 'float-only');
    fs.cpSync(PACK, dir, { recursive: true });
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    delete m.captioner.quantized;
    for (const f of Object.keys(m.files)) {
      if (f.endsWith('_quantized.onnx')) {
        delete m.files[f];
        fs.rmSync(path.join(dir, f));
      }
    }
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(m));
    const spec = (await validatePack(dir)).captioner!;
    const { result, opened } = await sessionsOpened(() => Captioner.load(dir, spec, { encoderEp: 'cpu', decoderEp: 'cpu', threads: 1, int8: true }));
    expect(opened.map((o) => o.file)).toEqual(['encoder_model.onnx', 'decoder_model.onnx', 'decoder_with_past_model.onnx']);
    expect(result.ep).toEqual({ encoder: 'cpu', decoder: 'cpu' });
    expect((await result.caption([features(1)], { numBeams: 1 })).captions[0]!.tokens.length).toBeGreaterThan(0);
  });

  it('never gives an int8 file to a GPU provider (only a CPU fallback runs int8)', async () => {
    const spec = (await validatePack(PACK)).captioner!;
    const { result, opened } = await sessionsOpened(() => Captioner.load(PACK, spec, { encoderEp: 'webgpu', decoderEp: 'webgpu', threads: 1, int8: true }));
    expect(opened.filter((o) => o.ep !== 'cpu').length).toBeGreaterThan(0);
    for (const o of opened) expect(o.file.endsWith('_quantized.onnx')).toBe(o.ep === 'cpu');
    // Whatever this machine has: WebGPU runs float and says so; a fallback to CPU says int8.
    for (const role of ['encoder', 'decoder'] as const) expect(['webgpu', 'cpu int8']).toContain(result.ep[role]);
  });

  it('keeps int8 and float models apart in the warm cache', async () => {
    const spec = (await validatePack(PACK)).captioner!;
    const ep = { encoder: 'cpu', decoder: 'cpu', separator: 'cpu', threads: 1 } as const;
    const float = await getCaptioner(PACK, spec, ep);
    const int8 = await getCaptioner(PACK, spec, { ...ep, int8: true });
    expect(int8).not.toBe(float);
    expect(int8.ep.encoder).toBe('cpu int8');
    expect(await getCaptioner(PACK, spec, { ...ep, int8: false })).toBe(float);
    expect(await getCaptioner(PACK, spec, { ...ep, int8: true })).toBe(int8);
  });
});
