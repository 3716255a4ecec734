// model.json's captioner.quantized (Optimum's *_quantized.onnx int8 graphs): derived from a bare
// Optimum folder when the files are there, and checked like the float graphs they stand in for.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/tmp';
import { deriveManifest } from './derive';
import { validatePack } from './validate';

const PACK = path.resolve(__dirname, '../../../../test/fixtures/packs/tiny-captioner');
const tmp = tempDir();
afterAll(tmp.cleanup);
let n = 0;

/** A copy of the fixture pack with model.json edited by `edit` (or removed when it returns null). */
function copyWith(edit: (m: any) => any | null): string {
  const dir = path.join(tmp.dir, `pack-${n++}`);
  fs.cpSync(PACK, dir, { recursive: true });
  const m = edit(JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')));
  if (m === null) fs.rmSync(path.join(dir, 'model.json'));
  else fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(m));
  return dir;
}

describe('int8 graphs in a pack', () => {
  it('derives captioner.quantized from the *_quantized.onnx files of a bare Optimum folder', async () => {
    const dir = copyWith(() => null);
    const { manifest, assumptions } = await deriveManifest(dir);
    expect(manifest.captioner!.quantized).toEqual({
      encoder: 'encoder_model_quantized.onnx',
      decoderMerged: 'decoder_model_merged_quantized.onnx',
      decoder: 'decoder_model_quantized.onnx',
      decoderWithPast: 'decoder_with_past_model_quantized.onnx',
    });
    expect(assumptions.join('\n')).toMatch(/int8 graphs for CPU: encoder_model_quantized\.onnx, decoder_model_merged_quantized\.onnx/);
    await validatePack(dir, { manifest, label: 'export' });

    // Only the quantized files whose float graph is there; none at all: no section.
    fs.rmSync(path.join(dir, 'decoder_model_merged.onnx')); // its int8 file stays, unused
    fs.rmSync(path.join(dir, 'encoder_model_quantized.onnx'));
    expect((await deriveManifest(dir)).manifest.captioner!.quantized).toEqual({ decoder: 'decoder_model_quantized.onnx', decoderWithPast: 'decoder_with_past_model_quantized.onnx' });
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('_quantized.onnx'))) fs.rmSync(path.join(dir, f));
    expect((await deriveManifest(dir)).manifest.captioner!.quantized).toBeUndefined();
  });

  it('lists int8 graphs only for the float graphs the manifest uses (no split pair: no split int8 files)', async () => {
    const dir = copyWith(() => null);
    fs.rmSync(path.join(dir, 'decoder_with_past_model.onnx')); // decoder_model.onnx alone is no layout
    const { manifest } = await deriveManifest(dir);
    expect(manifest.captioner!.decoder).toBeUndefined();
    expect(manifest.captioner!.quantized).toEqual({ encoder: 'encoder_model_quantized.onnx', decoderMerged: 'decoder_model_merged_quantized.onnx' });
    await validatePack(dir, { manifest, label: 'export' });
  });

  it('refuses an int8 graph model.json does not list, or one without the tensors of the graph it stands in for', async () => {
    const unlisted = copyWith((m) => {
      delete m.files['encoder_model_quantized.onnx'];
      return m;
    });
    await expect(validatePack(unlisted, { label: 'p' })).rejects.toThrow(
      /^p: pack tiny-captioner@1\.0\.0 refused: .*encoder_model_quantized\.onnx/,
    );
    const swapped = copyWith((m) => ({ ...m, captioner: { ...m.captioner, quantized: { ...m.captioner.quantized, encoder: 'decoder_model_quantized.onnx' } } }));
    await expect(validatePack(swapped, { label: 'p' })).rejects.toThrow(/^p: pack tiny-captioner@1\.0\.0 refused: decoder_model_quantized\.onnx: missing input tensor "input_values"/);
    const typo = copyWith((m) => ({ ...m, captioner: { ...m.captioner, quantized: { encoderr: 'encoder_model_quantized.onnx' } } }));
    await expect(validatePack(typo, { label: 'p' })).rejects.toThrow(/captioner\.quantized/);
  });
});
