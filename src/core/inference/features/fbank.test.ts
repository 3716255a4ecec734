// AST features against reference vectors made by torchaudio.compliance.kaldi.fbank with the
// parameters of transformers' ASTFeatureExtractor (scripts/make-fixture-packs.py).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAudioAll } from '../../audio/read';
import { astFeatures, AST_FRAMES, AST_MEL_BINS, kaldiFbank } from './fbank';
import { decodeNpy, encodeNpy } from './npy';

const FEAT = path.resolve(__dirname, '../../../../test/fixtures/features');

describe('AST features', () => {
  it('equal the Hugging Face / torchaudio reference within 1e-3', async () => {
    const [mono] = await readAudioAll(path.join(FEAT, 'voice16k.wav'), { sampleRate: 16000, channels: 1 });
    const ours = astFeatures(mono!);
    // The extractor's own float32 path, and the same computation in float64.
    for (const name of ['voice16k.ast.npy', 'voice16k.ast.f64.npy']) {
      const ref = decodeNpy(fs.readFileSync(path.join(FEAT, name)));
      expect(ref.shape).toEqual([AST_FRAMES, AST_MEL_BINS]);
      let maxDiff = 0;
      for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - ref.data[i]!));
      expect(maxDiff, name).toBeLessThan(1e-3);
    }
    // 3 s → 298 real frames; the rest is zero padding (normalised).
    expect(kaldiFbank(mono!)).toHaveLength(298);
    expect(ours[500 * AST_MEL_BINS]).toBeCloseTo(4.2677393 / (2 * 4.5689974), 6);
  });

  it('cuts long input to 1024 frames and handles input shorter than one frame', () => {
    const long = new Float32Array(16000 * 12).map((_, i) => Math.sin(i / 7) * 0.3);
    expect(astFeatures(long)).toHaveLength(AST_FRAMES * AST_MEL_BINS);
    expect(kaldiFbank(long).length).toBe(1 + Math.floor((long.length - 400) / 160));
    expect(kaldiFbank(new Float32Array(100))).toHaveLength(0);
  });

  it('writes .npy that reads back', () => {
    const data = Float32Array.from([1, 2.5, -3, 4, 5, 6]);
    const back = decodeNpy(encodeNpy(data, [2, 3]));
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    expect((encodeNpy(data, [2, 3]).length - data.byteLength) % 64).toBe(0);
  });
});
