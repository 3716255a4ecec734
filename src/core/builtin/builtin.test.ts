// The built-in suggester: varied sentence shapes chosen deterministically, only measured words
// (a null category or a confidence under 0.5 is never put into words), genre only from the tag,
// and a score = ln(mean confidence of what the sentence states).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeasuredAttribute, MeasuredName } from '../../shared/attributes';
import { MEASURED_UNITS } from '../../shared/attributes';
import { WavWriter } from '../audio/wavWriter';
import { synthSong } from '../testing/songSynth';
import { tempDir } from '../testing/tmp';
import { scoreOf, suggestBuiltin } from './suggest';
import { MENTION_CONFIDENCE, templateCaption } from './template';

const m = (name: MeasuredName, value: number | string | null, category: string | null, confidence = 0.9): MeasuredAttribute => ({
  name, value, unit: MEASURED_UNITS[name], category: value === null ? null : category, confidence: value === null ? 0 : confidence, source: 'measured',
});

const CATS = {
  gender: ['male', 'female', null],
  pitch: ['low', 'normal', 'high'],
  tempo: ['slow', 'normal', 'fast', null],
  loudness: ['low', 'normal', 'high'],
  brightness: ['dark', 'warm', 'bright'],
  breathiness: ['breathy', 'clear', null],
} as const;

/** The words each attribute's categories may be written as (template.ts's vocabulary). */
const WORDS: Record<string, RegExp> = {
  gender: /\b(male|female)\b/,
  pitch: /\b(low|high|mid-range|medium)(-pitched)?\b/,
  tempo: /\b(slow|fast|up-tempo|mid-tempo|moderate-tempo|moderately paced|unhurried|slow-paced|fast-paced)\b/,
  loudness: /\b(softly|quietly|gently|loudly|powerfully|with force|moderate volume|moderate level)\b/,
  brightness: /\b(dark|warm|bright)\b/,
  breathiness: /\b(breathy|clear)\b/,
};

/** A deterministic spread of measured spans (every category of every attribute appears). */
function sets(n: number): MeasuredAttribute[][] {
  return Array.from({ length: n }, (_, i) => [
    m('tempo', CATS.tempo[i % 4] ? 60 + i : null, CATS.tempo[i % 4] ?? null),
    m('pitch', 100 + i * 7, CATS.pitch[i % 3]!),
    m('gender', CATS.gender[(i >> 1) % 3] ?? null, CATS.gender[(i >> 1) % 3] ?? null, 0.6),
    m('loudness', -30 + i, CATS.loudness[(i >> 2) % 3]!),
    m('brightness', 800 + i * 40, CATS.brightness[(i + 1) % 3]!),
    m('breathiness', CATS.breathiness[i % 3] ? 5 + i : null, CATS.breathiness[i % 3] ?? null),
    m('vibrato_rate', 5.5, null),
  ]);
}

/** Which of the five sentence shapes a caption has. */
const shapeOf = (t: string) => (/^Over /.test(t) ? 'over' : /^This /.test(t) ? 'this' : / in which /.test(t) ? 'in-which' : / carries /.test(t) ? 'carries' : / with .* sings/.test(t) ? 'with-sings' : 'other');

describe('templateCaption', () => {
  it('varies its sentence shape and wording across segments, deterministically', () => {
    const captions = sets(40).map((s, i) => templateCaption(s, i % 5 ? null : 'Folk', `${i * 10}:${i * 10 + 8}`).text);
    const shapes = new Set(captions.map(shapeOf));
    expect(shapes.has('other')).toBe(false);
    expect(shapes.size).toBeGreaterThanOrEqual(4);
    expect(new Set(captions).size).toBeGreaterThan(30);
    // The same measurements of the same segment: the same sentence.
    expect(sets(40).map((s, i) => templateCaption(s, i % 5 ? null : 'Folk', `${i * 10}:${i * 10 + 8}`).text)).toEqual(captions);
    for (const c of captions) expect(c).toMatch(/^[A-Z][^.]*\.$/);
  });

  it('never words an attribute with no category or a confidence under 0.5; genre only from the tag', () => {
    for (const [i, s] of sets(60).entries()) {
      // Every other set: drop trust in pitch and brightness.
      const weak = i % 2 ? s.map((a) => (a.name === 'pitch' || a.name === 'brightness' ? { ...a, confidence: MENTION_CONFIDENCE - 0.01 } : a)) : s;
      const { text, stated } = templateCaption(weak, null, `k${i}`);
      for (const a of weak) {
        if (!WORDS[a.name]) continue;
        const sayable = a.category !== null && a.confidence >= MENTION_CONFIDENCE;
        expect(stated.includes(a.name), `${a.name} in "${text}"`).toBe(sayable);
        // A word of a category not measured never appears (pitch "low/high" may only come from pitch).
        if (!sayable && a.name !== 'pitch') expect(text, `${a.name} unmeasured: "${text}"`).not.toMatch(WORDS[a.name]!);
        if (!sayable && a.name === 'pitch') expect(text).not.toMatch(/-pitched|mid-range/);
      }
      expect(text).not.toMatch(/folk|pop|rock|genre|energetic|calm|vibrato/);
    }
    expect(templateCaption(sets(1)[0]!, 'Folk', 'x').text).toMatch(/\bfolk\b/);
    const nothing = templateCaption([m('pitch', null, null), m('tempo', null, null)], null, 'y');
    expect(nothing.stated).toEqual([]);
    expect(nothing.text).toMatch(/singer|vocalist/);
    expect(nothing.text).not.toMatch(WORDS.tempo!);
  });

  it('scores a sentence by ln(mean confidence) of what it states', () => {
    const s = [m('tempo', 120, 'normal', 0.8), m('pitch', 220, 'normal', 0.6), m('gender', null, null), m('vibrato_rate', 5, null, 0.9)];
    const { stated } = templateCaption(s, null, 'z');
    expect(stated.sort()).toEqual(['pitch', 'tempo']);
    expect(scoreOf(s, stated)).toBeCloseTo(Math.log(0.7), 4);
    expect(scoreOf(s, [])).toBeNull();
  });
});

describe('suggestBuiltin', () => {
  it('measures a WAV file (and its vocal stem) and writes a scored sentence of what it heard', async () => {
    const tmp = tempDir();
    try {
      const song = synthSong({ sampleRate: 44100, seconds: 12, bpm: 140, notesHz: [392, 440], noteSec: 60 / 140, vibratoCents: 30, gain: 0.3 });
      const write = (file: string, ch: Float32Array[]) => {
        const w = new WavWriter(file, 44100, 2);
        w.write(ch);
        w.close();
      };
      const mix = path.join(tmp.dir, 'mix.wav');
      const vocals = path.join(tmp.dir, 'vocals.wav');
      write(mix, song.mix.channels);
      write(vocals, song.vocals.channels);
      expect(fs.existsSync(vocals)).toBe(true);
      const [a, b] = await suggestBuiltin({ file: mix, vocalsFile: vocals, genre: 'Pop', spans: [{ startSec: 0, endSec: 10 }, { startSec: 2, endSec: 12 }] });
      for (const s of [a!, b!]) {
        expect(s.text).toMatch(/\bfemale\b/);
        expect(s.text).toMatch(/\bhigh(-pitched)?\b/);
        expect(s.text).toMatch(/\bpop\b/);
        expect(s.stated).toEqual(expect.arrayContaining(['gender', 'pitch', 'loudness']));
        expect(s.score).not.toBeNull();
        expect(s.score!).toBeLessThan(0);
        expect(s.score!).toBeCloseTo(scoreOf(s.attributes, s.stated)!, 6);
        const hz = s.attributes.find((x) => x.name === 'pitch')!.value as number;
        expect(hz).toBeGreaterThan(385);
        expect(hz).toBeLessThan(445);
      }
    } finally {
      tmp.cleanup();
    }
  });
});
