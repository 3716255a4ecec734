// The onset envelope: ~100 frames/s at any sample rate, peaks on the attacks, flat for silence.
import { describe, expect, it } from 'vitest';
import { onsetEnvelope } from './onset';
import { clickTrack } from '../testing/rhythmSynth';

describe('onsetEnvelope', () => {
  it.each([8000, 16000, 22050, 44100, 48000])('runs at ~100 frames/s at %i Hz and peaks within 20 ms of each click', (sr) => {
    const { audio, clicks } = clickTrack(60, 8, sr);
    const env = onsetEnvelope(audio);
    expect(Math.abs(env.fps - 100)).toBeLessThan(1);
    expect(Math.abs(env.values.length / env.fps - 8)).toBeLessThan(0.05);
    for (const c of clicks) {
      // The strongest frame within ±150 ms of the click sits within 20 ms of it.
      const lo = Math.max(0, Math.floor((c - 0.15 - env.startSec) * env.fps));
      const hi = Math.min(env.values.length - 1, Math.ceil((c + 0.15 - env.startSec) * env.fps));
      let best = lo;
      for (let i = lo; i <= hi; i++) if (env.values[i]! > env.values[best]!) best = i;
      expect(Math.abs(env.startSec + best / env.fps - c)).toBeLessThan(0.02);
    }
  });

  it('is flat for digital silence and empty audio', () => {
    expect(onsetEnvelope({ sampleRate: 44100, channels: [new Float32Array(44100)] }).values.every((v) => v === 0)).toBe(true);
    expect(onsetEnvelope({ sampleRate: 44100, channels: [new Float32Array(0)] }).values.length).toBe(0);
  });
});
