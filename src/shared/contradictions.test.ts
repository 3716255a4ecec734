import { describe, expect, it } from 'vitest';
import type { AttributeThresholds } from './attributes';
import { findContradictions, formatMeasured } from './contradictions';
import type { SegmentAttribute } from './types';

const attr = (name: string, value: string, unit: string | null, category: string | null, confidence: number | null = 0.9, over: Partial<SegmentAttribute> = {}): SegmentAttribute => ({
  segmentId: 1, name, value, unit, category, confidence, detail: null, source: 'measured', startSec: 0, endSec: 10, stale: false, ...over,
});
const thresholds: AttributeThresholds = {
  pitchHz: { male: [110, 150], female: [200, 280], unknown: [140, 240] },
  tempoBpm: [90, 125],
  loudnessLufs: [-26, -14],
  source: 'default',
};

const fast = attr('tempo', '150', 'BPM', 'fast');
const slow = attr('tempo', '70', 'BPM', 'slow');
const normalTempo = (bpm: number) => attr('tempo', String(bpm), 'BPM', 'normal');
const male = [attr('gender', 'male', null, 'male', 0.8), attr('pitch', '110', 'Hz', 'low', 0.8)];
const female = [attr('gender', 'female', null, 'female', 0.8), attr('pitch', '240', 'Hz', 'normal', 0.8)];
const loud = attr('loudness', '-8.4', 'LUFS', 'high');
const quiet = attr('loudness', '-31', 'LUFS', 'low');

describe('findContradictions', () => {
  // [caption, measurements, thresholds?, the words expected to be flagged]
  it.each<[string, SegmentAttribute[], AttributeThresholds | undefined, string[]]>([
    // Opposite categories always contradict.
    ['A slow song.', [fast], undefined, ['slow']],
    ['An upbeat, fast pop song with a driving beat.', [slow], undefined, ['fast']],
    ['A fast-paced track.', [slow], undefined, ['fast-paced']],
    ['A female singer sings over a guitar.', male, undefined, ['female']],
    ['A man sings his heart out.', female, undefined, ['man', 'his']],
    ['A high-pitched voice over strings.', [attr('pitch', '105', 'Hz', 'low')], undefined, ['high-pitched']],
    ['She sings in a deep voice.', [attr('pitch', '330', 'Hz', 'high')], undefined, ['deep']],
    ['The singer whispers softly.', [loud], undefined, ['whispers', 'softly']],
    ['A loud rock anthem.', [quiet], undefined, ['loud']],
    // Several at once, in text order.
    ['A woman sings softly over a slow ballad.', [...male, loud, fast], undefined, ['woman', 'softly', 'slow']],
    // Agreeing captions: nothing.
    ['A slow, quiet ballad sung by a man with a deep voice.', [...male, quiet, slow], thresholds, []],
    ['A female singer with a high-pitched voice sings loudly over a fast track.', [attr('gender', 'female', null, 'female'), attr('pitch', '330', 'Hz', 'high'), loud, fast], thresholds, []],
    ['An upbeat track at a moderate volume.', [fast, attr('loudness', '-20', 'LUFS', 'normal')], thresholds, []],
    // Neighbouring categories: only when the value is well outside the claim, and only with thresholds.
    ['A slow song.', [normalTempo(95)], thresholds, []],
    ['A slow song.', [normalTempo(120)], undefined, []],
    ['A slow song.', [normalTempo(120)], thresholds, ['slow']],
    ['A mid-tempo song.', [attr('tempo', '170', 'BPM', 'fast')], thresholds, ['mid-tempo']],
    ['A mid-tempo song.', [attr('tempo', '130', 'BPM', 'fast')], thresholds, []],
    ['A soft voice.', [attr('loudness', '-16', 'LUFS', 'normal')], thresholds, []],
    ['A soft voice sings softly.', [loud], undefined, ['softly']],
    ['A soft voice.', [attr('loudness', '-22', 'LUFS', 'normal')], thresholds, []],
    // Per-gender pitch bands: 180 Hz is high for a man, low for a woman.
    ['A man with a low-pitched voice.', [attr('gender', 'male', null, 'male'), attr('pitch', '180', 'Hz', 'high')], thresholds, ['low-pitched']],
    ['A woman with a high-pitched voice.', [attr('gender', 'female', null, 'female'), attr('pitch', '180', 'Hz', 'low')], thresholds, ['high-pitched']],
    // Unsure, stale, or old measurements never contradict.
    ['A slow song.', [attr('tempo', '150', 'BPM', 'fast', 0.4)], undefined, []],
    ['A slow song.', [attr('tempo', '150', 'BPM', 'fast', 0.9, { stale: true })], undefined, []],
    ['A slow song.', [attr('tempo', 'fast', null, null, null)], undefined, []],
    ['A slow song.', [attr('tempo', '150', 'BPM', 'fast', 0.9, { source: 'model' })], undefined, []],
    ['A female singer.', [attr('gender', '', null, null, 0)], undefined, []],
    // An octave-ambiguous tempo contradicts only when every reading does.
    ['A slow song.', [attr('tempo', '150', 'BPM', 'fast', 0.7, { detail: 'octave-ambiguous: 75 or 150 BPM' })], thresholds, []],
    ['A slow song.', [attr('tempo', '150', 'BPM', 'fast', 0.7, { detail: 'octave-ambiguous: 75 or 150 BPM' })], undefined, []],
    ['A slow song.', [attr('tempo', '170', 'BPM', 'fast', 0.7, { detail: 'octave-ambiguous: 170 or 340 BPM' })], thresholds, ['slow']],
    // No gender measured: a median f0 far outside the named gender's range still contradicts it.
    ['A female singer.', [attr('pitch', '110', 'Hz', 'low')], undefined, ['female']],
    ['A female singer.', [attr('pitch', '160', 'Hz', 'normal')], undefined, []],
    // Words that are not claims about this voice.
    ['A man and a woman sing a duet.', male, undefined, []],
    ['A soft rock song with a deep bass groove.', [loud, attr('pitch', '330', 'Hz', 'high')], undefined, []],
    ['The song is not slow at all.', [fast], undefined, []],
    ['There is nothing slow here, the drummer is brisk.', [fast], undefined, []],
    ['Theme of the human heart, together.', female, undefined, []],
  ])('%s', (text, attributes, t, flagged) => {
    expect(findContradictions(text, attributes, t).map((c) => c.said)).toEqual(flagged);
  });

  it('says where the words are and what was measured', () => {
    const text = 'A female singer performs a slow song.';
    const [g, t] = findContradictions(text, [...male, fast]);
    expect(t).toEqual({
      attribute: 'tempo', said: 'slow', index: text.indexOf('slow'), length: 4, measured: '150 BPM (fast)', message: '“slow” — tempo measures 150 BPM (fast)',
    });
    expect(g).toMatchObject({ attribute: 'gender', index: 2, length: 6, measured: 'male (median pitch 110 Hz)' });
    expect(g!.message).toBe('“female” — the voice measures male (median pitch 110 Hz)');
  });
});

describe('formatMeasured', () => {
  it.each<[Parameters<typeof formatMeasured>[0], string]>([
    [{ name: 'tempo', value: '149.6', unit: 'BPM', category: 'fast' }, '150 BPM (fast)'],
    [{ name: 'loudness', value: '-14.25', unit: 'LUFS', category: 'normal' }, '−14.3 LUFS (normal)'],
    [{ name: 'voiced_ratio', value: '0.625', unit: 'ratio', category: null }, '63 %'],
    [{ name: 'gender', value: 'male', unit: null, category: 'male' }, 'male'],
    [{ name: 'pitch', value: '', unit: 'Hz', category: null }, '—'],
    [{ name: 'tempoBpm', value: '118.2', unit: null, category: null }, '118.2'],
    // A vibrato rate is a few Hz: whole hertz would show 5.5 Hz as "6 Hz" (the tests hold it to ±0.5 Hz).
    [{ name: 'vibrato_rate', value: '5.52', unit: 'Hz', category: null }, '5.5 Hz'],
  ])('%o → %s', (a, text) => {
    expect(formatMeasured(a)).toBe(text);
  });
});
