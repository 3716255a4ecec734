import { describe as group, expect, it } from 'vitest';
import { measure, tempoFromFlux, yinF0 } from './measure';
import { describe, templateCaption } from './template';

const SR = 16000;
const tone = (f: number, sec: number, amp = 0.3) => Float32Array.from({ length: SR * sec }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / SR) + 0.3 * amp * Math.sin((4 * Math.PI * f * i) / SR));

group('measured attributes', () => {
  it.each([110, 220, 440])('YIN finds a %i Hz voice', (f) => {
    const { f0, voiced } = yinF0(tone(f, 1));
    expect(voiced).toBeGreaterThan(0.8);
    const med = [...f0].sort((a, b) => a - b)[Math.floor(f0.length / 2)]!;
    expect(Math.abs(med - f) / f).toBeLessThan(0.01);
  });

  it('finds the tempo of a pulse train and none in a steady tone', () => {
    const fps = 62.5;
    for (const bpm of [70, 100, 150]) {
      const period = (60 / bpm) * fps;
      const flux = Array.from({ length: Math.round(fps * 10) }, (_, i) => (i % period < 1 ? 1 : 0));
      expect(Math.abs(tempoFromFlux(flux, fps)! - bpm)).toBeLessThan(bpm * 0.04);
    }
    expect(measure(tone(220, 4)).tempoBpm).toBeNull();
  });

  it('measures loudness and brightness', () => {
    const quiet = measure(tone(220, 2, 0.01));
    const loud = measure(tone(220, 2, 0.8));
    expect(quiet.loudnessDb).toBeLessThan(-35);
    expect(loud.loudnessDb).toBeGreaterThan(-6);
    expect(measure(tone(3000, 2)).centroidHz).toBeGreaterThan(measure(tone(200, 2)).centroidHz);
  });
});

group('template caption', () => {
  it('states what was measured and hedges nothing it did not measure', () => {
    const m = { f0Hz: 262, voicedRatio: 0.8, tempoBpm: 72, loudnessDb: -34, centroidHz: 900, genre: 'Folk' };
    expect(describe(m)).toMatchObject({ gender: 'female', pitch: 'medium', tempo: 'slow', volume: 'soft', timbre: 'dark', mood: 'calm', genre: 'folk' });
    expect(templateCaption(m)).toBe('A female singer with a medium-pitched, dark voice sings softly over a slow, calm folk track.');
    const unknown = { f0Hz: null, voicedRatio: 0, tempoBpm: null, loudnessDb: -20, centroidHz: 3000, genre: null };
    expect(templateCaption(unknown)).toBe('A singer with a bright voice sings at a moderate volume over a track.');
    expect(templateCaption({ ...unknown, f0Hz: 120, tempoBpm: 140, loudnessDb: -8 })).toBe('A male singer with a low-pitched, bright voice sings loudly over a fast, energetic track.');
  });
});
