// measuredAttributes (categories.ts) on measurements given directly: what a missing vocal stem does
// to the confidence of the voice's numbers.
import { describe, expect, it } from 'vitest';
import { measuredAttributes, MIX_VOICE_TRUST, type Measurements } from './categories';
import { DEFAULT_THRESHOLDS } from './thresholds';

/** A clear, steady voice at 220 Hz over a 120 BPM beat at −14 LUFS. */
const clear: Measurements = {
  loudness: { integratedLufs: -14, rangeLu: 4, momentaryLufs: new Float32Array(0), shortTermLufs: new Float32Array(0) },
  tempo: { bpm: 120, confidence: 0.9, octaveAmbiguous: false, alternatives: [], beats: [] },
  pitch: { medianHz: 220, lowHz: 200, highHz: 250, voicedRatio: 0.9, confidence: 0.95 },
  vibrato: { rateHz: 5.5, extentCents: 40, confidence: 0.9 },
  timbre: { centroidHz: 1500, hnrDb: 20, confidence: 0.9 },
};

describe('measuredAttributes', () => {
  it('trusts every voice number less when it was measured on the mix (no vocal stem), voiced ratio and brightness included', () => {
    const conf = (source: 'vocals' | 'mix') => Object.fromEntries(measuredAttributes(clear, DEFAULT_THRESHOLDS, null, source).map((a) => [a.name, a.confidence]));
    const stem = conf('vocals');
    const mix = conf('mix');
    for (const name of ['pitch', 'pitch_low', 'pitch_high', 'vibrato_rate', 'vibrato_extent', 'breathiness', 'voiced_ratio', 'brightness']) {
      expect(mix[name], name).toBeCloseTo(stem[name]! * MIX_VOICE_TRUST, 2);
    }
    // The mix's own numbers are not the voice's: unchanged.
    for (const name of ['tempo', 'loudness', 'loudness_range']) expect(mix[name], name).toBe(stem[name]);
  });
});
