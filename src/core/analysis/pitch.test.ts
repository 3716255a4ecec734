// The f0 tracker and its summary on synthetic tones with a known fundamental, at 44.1 kHz and
// 16 kHz (and 48 kHz stereo): median within 1 %, octave errors not reported, voiced ratio of gapped
// tones, noise robustness, and no pitch (low confidence) for silence and white noise.
import { describe, expect, it } from 'vitest';
import { PITCH_HOP_SEC, summarizePitch, trackPitch } from './pitch';
import { harmonicTone, whiteNoise, withGaps, withNoise } from '../testing/toneSynth';

const RATES = [44100, 16000];
const mono = (sampleRate: number, x: Float32Array) => ({ sampleRate, channels: [x] });
const within = (value: number | null, truth: number, rel: number) => {
  expect(value).not.toBeNull();
  expect(Math.abs(value! / truth - 1)).toBeLessThan(rel);
};

describe.each(RATES)('trackPitch at %i Hz', (sr) => {
  it.each([98, 196, 261.6, 440, 880])('finds the median of a $0 Hz harmonic tone within 1 %', (hz) => {
    const track = trackPitch(mono(sr, harmonicTone(sr, 2, () => hz)));
    const s = summarizePitch(track);
    within(s.medianHz, hz, 0.01);
    within(s.lowHz, hz, 0.01);
    within(s.highHz, hz, 0.01);
    expect(s.voicedRatio).toBeGreaterThan(0.95);
    expect(s.confidence).toBeGreaterThan(0.8);
  });

  it.each([98, 220])('does not jump to the octave when the 2nd harmonic dominates (%f Hz)', (hz) => {
    // Fundamental at 15 % of the 2nd harmonic: the half-period trough is deep.
    const track = trackPitch(mono(sr, harmonicTone(sr, 1.5, () => hz, [0.15, 1, 0.4, 0.2, 0.1])));
    within(summarizePitch(track).medianHz, hz, 0.01);
    const wrong = track.f0Hz.filter((f) => f > 0 && Math.abs(Math.log2(f / hz)) > 0.5).length;
    expect(wrong).toBe(0);
  });

  it('stays within 1 % on every semitone from 65 Hz to 1047 Hz, also with a weak fundamental', () => {
    for (let midi = 36; midi <= 84; midi++) {
      const hz = 440 * 2 ** ((midi - 69) / 12);
      for (const amps of [[1, 0.6, 0.4, 0.25, 0.15], [0.15, 1, 0.4, 0.2, 0.1]]) {
        const median = summarizePitch(trackPitch(mono(sr, harmonicTone(sr, 0.7, () => hz, amps)))).medianHz;
        expect({ hz, amps, error: Math.abs((median ?? 0) / hz - 1) < 0.01 }).toEqual({ hz, amps, error: true });
      }
    }
  });

  it('gives the voiced ratio of a tone with 30 % silence gaps', () => {
    const x = withGaps(harmonicTone(sr, 3, () => 261.6), sr, 1, 0.3);
    const track = trackPitch(mono(sr, x));
    const s = summarizePitch(track);
    expect(Math.abs(s.voicedRatio - 0.7)).toBeLessThan(0.05);
    within(s.medianHz, 261.6, 0.01);
    // Inside a gap (0.8 s … 0.9 s) nothing is voiced and the voicing probability is 0.
    for (let t = 80; t <= 90; t++) {
      expect(track.f0Hz[t]).toBe(0);
      expect(track.voicedProb[t]).toBe(0);
    }
  });

  it('keeps the median within 1 % at 10 dB SNR in white noise', () => {
    const s = summarizePitch(trackPitch(mono(sr, withNoise(harmonicTone(sr, 2, () => 196), 10, 7))));
    within(s.medianHz, 196, 0.01);
    expect(s.voicedRatio).toBeGreaterThan(0.8);
  });

  it('reports no pitch for digital silence', () => {
    const track = trackPitch(mono(sr, new Float32Array(sr * 2)));
    expect(track.f0Hz.every((f) => f === 0)).toBe(true);
    expect(track.voicedProb.every((p) => p === 0)).toBe(true);
    const s = summarizePitch(track);
    expect(s).toMatchObject({ medianHz: null, lowHz: null, highHz: null });
    expect(s.voicedRatio).toBeLessThan(0.1);
    expect(s.confidence).toBeLessThan(0.1);
  });

  it('reports no pitch for white noise', () => {
    const track = trackPitch(mono(sr, whiteNoise(sr * 2, 0.1, 3)));
    const s = summarizePitch(track);
    expect(s.medianHz).toBeNull();
    expect(s.voicedRatio).toBeLessThan(0.1);
    expect(s.confidence).toBeLessThan(0.1);
    // The per-frame voicing probability stays low too.
    const meanProb = track.voicedProb.reduce((a, b) => a + b, 0) / track.voicedProb.length;
    expect(meanProb).toBeLessThan(0.1);
  });

  it('puts the 5th and 95th percentiles on the two notes of a 200 Hz / 300 Hz signal', () => {
    const x = harmonicTone(sr, 4, (t) => (t < 2 ? 200 : 300));
    const s = summarizePitch(trackPitch(mono(sr, x)));
    within(s.lowHz, 200, 0.01);
    within(s.highHz, 300, 0.01);
  });
});

describe('trackPitch input and framing', () => {
  it('takes 48 kHz stereo (downmixed) and frames it every 10 ms from 0 s', () => {
    const sr = 48000;
    const x = harmonicTone(sr, 1.234, () => 330);
    const track = trackPitch({ sampleRate: sr, channels: [x, x.map((v) => v * 0.5)] });
    expect(track.hopSec).toBe(PITCH_HOP_SEC);
    expect(track.startSec).toBe(0);
    expect(track.f0Hz.length).toBe(124);
    expect(track.voicedProb.length).toBe(124);
    within(summarizePitch(track).medianHz, 330, 0.01);
  });

  it('gives a median only from 0.5 s voiced on', () => {
    const sr = 16000;
    const short = new Float32Array(sr * 2);
    short.set(harmonicTone(sr, 0.3, () => 220));
    expect(summarizePitch(trackPitch(mono(sr, short))).medianHz).toBeNull();
    const longer = new Float32Array(sr * 2);
    longer.set(harmonicTone(sr, 0.8, () => 220));
    within(summarizePitch(trackPitch(mono(sr, longer))).medianHz, 220, 0.01);
  });

  it('refuses malformed audio with a one-line reason', () => {
    expect(() => trackPitch({ sampleRate: 44100, channels: [new Float32Array(10), new Float32Array(9)] })).toThrow(/trackPitch: channels differ in length/);
    expect(() => trackPitch({ sampleRate: 0, channels: [new Float32Array(10)] })).toThrow(/trackPitch: sample rate/);
    expect(() => trackPitch({ sampleRate: 44100, channels: [] })).toThrow(/trackPitch: audio has no channels/);
  });

  it('returns an empty track for empty audio', () => {
    const track = trackPitch({ sampleRate: 44100, channels: [new Float32Array(0)] });
    expect(track.f0Hz.length).toBe(0);
    expect(summarizePitch(track)).toMatchObject({ medianHz: null, voicedRatio: 0, confidence: 0 });
  });
});
