// analyzeSpan / analyzeTrack on synthetic songs with known truth: the tempo of the drums, the
// notes the voice sings, the level the mix is scaled to, and so the S2Cap categories; silence and
// noise give no confident word.
import { describe, expect, it } from 'vitest';
import { MEASURED_NAMES, MEASURED_UNITS, type MeasuredAttribute } from '../../shared/attributes';
import { analyzeSpan, analyzeTrack, MAX_SERIES_FPS } from './analyze';
import { measureLoudness } from './loudness';
import { drumPattern, rng } from '../testing/rhythmSynth';
import { scaled, synthSong, type SongOptions } from '../testing/songSynth';
import { DEFAULT_THRESHOLDS } from './thresholds';
import type { Audio } from './types';

const SR = 44100;
const attr = (xs: MeasuredAttribute[], name: string) => xs.find((a) => a.name === name)!;

/** A song scaled to `lufs` integrated loudness. */
function songAt(lufs: number, o: Partial<SongOptions> & Pick<SongOptions, 'bpm' | 'notesHz'>) {
  const s = synthSong({ sampleRate: SR, seconds: 20, noteSec: 0.5, vibratoHz: 5.5, vibratoCents: 30, gain: 0.25, ...o });
  const k = 10 ** ((lufs - measureLoudness(s.mix).integratedLufs!) / 20);
  return { mix: scaled(s.mix, k), vocals: scaled(s.vocals, k) };
}

describe('analyzeSpan', () => {
  it('a low male voice over fast, loud drums: low, male, fast, high volume', () => {
    // Notes around C3 (130.8 Hz): median 130.81.
    const s = songAt(-9, { bpm: 140, notesHz: [123.47, 130.81, 146.83, 130.81, 130.81] });
    const r = analyzeSpan({ mix: s.mix, vocals: s.vocals }, DEFAULT_THRESHOLDS);
    expect(r.attributes.map((a) => a.name)).toEqual([...MEASURED_NAMES]);
    for (const a of r.attributes) expect(a).toMatchObject({ unit: MEASURED_UNITS[a.name], source: 'measured' });
    const pitch = attr(r.attributes, 'pitch');
    expect(Math.abs((pitch.value as number) / 130.81 - 1)).toBeLessThan(0.01);
    expect(pitch).toMatchObject({ category: 'low' });
    expect(pitch.detail).toMatch(/^C3; 5–95 %: (B2|C3)–(D3|D#3); male boundaries 150\/200 Hz$/);
    expect(pitch.confidence).toBeGreaterThan(0.5);
    expect(attr(r.attributes, 'gender')).toMatchObject({ value: 'male', category: 'male' });
    expect(attr(r.attributes, 'gender').confidence).toBeLessThanOrEqual(0.7);
    const tempo = attr(r.attributes, 'tempo');
    expect(Math.abs((tempo.value as number) / 140 - 1)).toBeLessThan(0.02);
    expect(tempo.category).toBe('fast');
    expect(Math.abs((attr(r.attributes, 'loudness').value as number) + 9)).toBeLessThan(0.1);
    expect(attr(r.attributes, 'loudness').category).toBe('high');
    expect(Math.abs((attr(r.attributes, 'vibrato_rate').value as number) - 5.5)).toBeLessThan(0.5);
    expect(attr(r.attributes, 'voiced_ratio').value as number).toBeGreaterThan(0.8);
    expect(r.voiceSource).toBe('vocals');
    expect(r.beats.length).toBeGreaterThan(35);
  });

  it('a high female voice over slow, quiet drums: high, female, slow, low volume', () => {
    // Notes around G4 (392 Hz), median 392; no vocal stem, so the voice leads the mix (with the
    // band as loud as the voice the tracker follows the bass line part of the time).
    const s = songAt(-26, { bpm: 75, notesHz: [392, 440, 392, 349.23, 392], noteSec: 0.8, band: 0.4 });
    const r = analyzeSpan({ mix: s.mix }, DEFAULT_THRESHOLDS);
    expect(r.voiceSource).toBe('mix');
    const pitch = attr(r.attributes, 'pitch');
    expect(Math.abs((pitch.value as number) / 392 - 1)).toBeLessThan(0.01);
    expect(pitch).toMatchObject({ category: 'high' });
    // Measured on the mix, the voice's numbers are trusted less (the tracker may follow an
    // instrument) and say so; with the vocal stem the same song's pitch is trusted more.
    expect(pitch.detail).toMatch(/^G4; .*boundaries \d+\/\d+ Hz; measured on the mix \(no vocal stem\): may follow an instrument$/);
    expect(pitch.confidence).toBeLessThanOrEqual(0.6);
    expect(attr(r.attributes, 'gender').value).toBe('female');
    const withStem = attr(analyzeSpan({ mix: s.mix, vocals: s.vocals }, DEFAULT_THRESHOLDS).attributes, 'pitch');
    expect(withStem.confidence).toBeGreaterThan(pitch.confidence);
    expect(withStem.detail).toMatch(/female boundaries 260\/350 Hz$/);
    const tempo = attr(r.attributes, 'tempo');
    // 75 BPM, or its octave flagged as such.
    if (r.tempoOctaveAmbiguous) expect(tempo.detail).toMatch(/^octave-ambiguous: 75 or 150 BPM$/);
    else expect(Math.abs((tempo.value as number) / 75 - 1)).toBeLessThan(0.02);
    if (!r.tempoOctaveAmbiguous) expect(tempo.category).toBe('slow');
    expect(attr(r.attributes, 'loudness').category).toBe('low');
  });

  it('a voice in the 160–200 Hz overlap band: no gender guess; a known gender picks the boundaries', () => {
    const s = songAt(-16, { bpm: 100, notesHz: [174.61] });
    const unknown = analyzeSpan(s, DEFAULT_THRESHOLDS);
    expect(attr(unknown.attributes, 'gender')).toMatchObject({ value: null, category: null, confidence: 0 });
    expect(attr(unknown.attributes, 'gender').detail).toMatch(/overlap/);
    expect(attr(unknown.attributes, 'pitch').category).toBe('low'); // under 180 Hz (gender unknown)
    expect(attr(analyzeSpan(s, DEFAULT_THRESHOLDS, 'male').attributes, 'pitch').category).toBe('normal');
    expect(attr(analyzeSpan(s, DEFAULT_THRESHOLDS, 'Female').attributes, 'pitch').category).toBe('low');
    const custom = { ...DEFAULT_THRESHOLDS, pitchHz: { ...DEFAULT_THRESHOLDS.pitchHz, male: [120, 160] as [number, number] }, source: 'library' as const };
    expect(attr(analyzeSpan(s, custom, 'male').attributes, 'pitch').category).toBe('high');
    expect(attr(unknown.attributes, 'loudness').category).toBe('normal');
  });

  it('silence measures nothing: null values, no category, confidence 0', () => {
    const silent: Audio = { sampleRate: SR, channels: [new Float32Array(SR * 10), new Float32Array(SR * 10)] };
    const r = analyzeSpan({ mix: silent }, DEFAULT_THRESHOLDS);
    for (const a of r.attributes.filter((x) => x.name !== 'voiced_ratio')) expect(a, a.name).toMatchObject({ value: null, category: null, confidence: 0 });
    expect(attr(r.attributes, 'voiced_ratio').value).toBe(0);
    expect(r.beats).toEqual([]);
  });

  it('white noise gives no confident pitch, gender, tempo or vibrato', () => {
    const rand = rng(11);
    const ch = Float32Array.from({ length: SR * 10 }, () => 0.2 * (rand() * 2 - 1));
    const r = analyzeSpan({ mix: { sampleRate: SR, channels: [ch, ch.slice()] } }, DEFAULT_THRESHOLDS);
    for (const name of ['pitch', 'pitch_low', 'pitch_high', 'gender', 'tempo', 'vibrato_rate', 'vibrato_extent', 'breathiness']) {
      const a = attr(r.attributes, name);
      expect(a.value === null || a.confidence < 0.5, `${name} = ${a.value} (${a.confidence})`).toBe(true);
    }
    expect(attr(r.attributes, 'loudness').value).not.toBeNull(); // noise has a loudness all the same
  });
});

describe('analyzeTrack', () => {
  it('series for the lanes: a decimated pitch contour, momentary loudness with nulls in silence, activity, proposals', () => {
    const s = synthSong({ sampleRate: SR, seconds: 40, bpm: 120, notesHz: [220, 246.94], noteSec: 1, vibratoCents: 30, phraseSec: 12, restSec: 4, gain: 0.25 });
    // 5 s of digital silence at the end.
    const pad = (a: Audio): Audio => ({ sampleRate: SR, channels: a.channels.map((c) => Float32Array.from({ length: c.length + SR * 5 }, (_, i) => (i < c.length ? c[i]! : 0))) });
    const t = analyzeTrack({ mix: pad(s.mix), vocals: pad(s.vocals) });
    expect(t.durationSec).toBeCloseTo(45, 5);
    expect(t.pitch.source).toBe('vocals');
    expect(1 / t.pitch.hopSec).toBeLessThanOrEqual(MAX_SERIES_FPS + 1e-9);
    expect(t.pitch.values.length * t.pitch.hopSec).toBeGreaterThan(44);
    expect(t.voicing.values.length).toBe(t.pitch.values.length);
    const sung = t.pitch.values.filter((v): v is number => v !== null);
    expect(sung.length).toBeGreaterThan(0.5 * t.pitch.values.length);
    expect(sung.every((v) => v > 200 && v < 265)).toBe(true);
    // The contour is silent (null) in a rest: 13–15 s.
    const at = (sec: number) => t.pitch.values[Math.round((sec - t.pitch.startSec) / t.pitch.hopSec)];
    expect(at(14)).toBeNull();
    expect(at(5)).not.toBeNull();
    expect(t.loudness.hopSec).toBe(0.1);
    expect(t.loudness.values.length).toBeGreaterThan(440);
    expect(t.loudness.values.slice(-10).every((v) => v === null)).toBe(true);
    expect(t.loudness.values.slice(0, 100).every((v) => v !== null && v > -40 && v < 0)).toBe(true);
    expect(t.tempoBpm).not.toBeNull();
    expect(Math.abs(t.tempoBpm! / 120 - 1)).toBeLessThan(0.02);
    expect(t.beats.length).toBeGreaterThan(70);
    expect(t.activity.values.length).toBeGreaterThan(440);
    expect(t.proposals.length).toBeGreaterThan(0);
    for (const p of t.proposals) {
      expect(p.endSec - p.startSec).toBeGreaterThanOrEqual(5);
      expect(p.endSec - p.startSec).toBeLessThanOrEqual(30);
    }
    // JSON-safe: no NaN or Infinity anywhere.
    expect(JSON.stringify(t)).not.toMatch(/NaN|Infinity/);
  });

  it('says when the tempo is octave-ambiguous, with the other reading', () => {
    const { audio } = drumPattern(90, 15, SR, { kick: 'x.x.x.x.', hat: 'xxxxxxxx' }, { pad: 0.3 });
    const t = analyzeTrack({ mix: audio });
    expect(t.tempoOctaveAmbiguous).toBe(true);
    const both = [t.tempoBpm!, ...t.tempoAlternatives].map((x) => Math.round(x / 10) * 10).sort();
    expect(both.slice(0, 2)).toEqual([180, 90].sort());
    const plain = analyzeTrack({ mix: drumPattern(100, 15, SR, { kick: 'x...x...', snare: '..x...x.', hat: 'x.x.x.x.' }).audio });
    expect(plain.tempoOctaveAmbiguous).toBe(false);
  });
});
