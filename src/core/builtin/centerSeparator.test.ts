import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAudioAll } from '../audio/read';
import { WavWriter } from '../audio/wavWriter';
import { separateFile } from '../inference/separate/separateFile';
import { tempDir } from '../testing/tmp';
import { CenterSeparator } from './centerSeparator';
import { sdr, syntheticMix, type SyntheticMix } from '../testing/syntheticMix';

const SR = 44100;
const sine = (f: number, n: number, amp: number) => Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / SR));
const rms = (x: Float32Array, a = 4096, b = x.length - 4096) => {
  let s = 0;
  for (let i = a; i < b; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (b - a));
};
const tmp = tempDir();
afterAll(tmp.cleanup);

/** Writes `mix` as a 16-bit WAV and separates it the way a Separate job does. */
async function separate(name: string, mix: Float32Array[]): Promise<{ vocals: Float32Array[]; accompaniment: Float32Array[] }> {
  const file = path.join(tmp.dir, `${name}.wav`);
  const w = new WavWriter(file, SR, 2, 'pcm16');
  w.write(mix);
  w.close();
  const out = path.join(tmp.dir, name);
  await separateFile(file, new CenterSeparator(), { outDir: out });
  const read = (stem: string) => readAudioAll(path.join(out, `${stem}.wav`), { sampleRate: SR, channels: 2 });
  return { vocals: await read('vocals'), accompaniment: await read('accompaniment') };
}

describe('built-in separator', () => {
  it('takes the centred voice as vocals and leaves a hard-panned guitar in the accompaniment', async () => {
    const n = SR * 2;
    const voice = sine(440, n, 0.3);
    const guitar = sine(660, n, 0.3);
    const left = Float32Array.from(voice, (v, i) => v + guitar[i]!);
    const right = Float32Array.from(voice);
    const sep = new CenterSeparator();
    const out = await sep.runSegment([left, right]);
    const [vl, al, ar] = [out[0]![0]!, out[1]![0]!, out[1]![1]!];
    // vocals ≈ voice, accompaniment left ≈ guitar, accompaniment right ≈ 0
    const err = Float32Array.from(vl, (x: number, i: number) => x - voice[i]!);
    expect(rms(err)).toBeLessThan(0.15 * rms(voice));
    expect(rms(ar!)).toBeLessThan(0.15 * rms(voice));
    expect(rms(al!)).toBeGreaterThan(0.8 * rms(guitar));
  });

  it('vocals + accompaniment add back to the mix', async () => {
    const n = SR;
    const left = sine(300, n, 0.4);
    const right = sine(500, n, 0.2);
    const out = await new CenterSeparator().runSegment([left, right]);
    const [vl, vr, al, ar] = [out[0]![0], out[0]![1], out[1]![0], out[1]![1]];
    for (let i = 0; i < n; i += 997) {
      expect(vl![i]! + al![i]!).toBeCloseTo(left[i]!, 5);
      expect(vr![i]! + ar![i]!).toBeCloseTo(right[i]!, 5);
    }
  });

  // A song whose kick, snare and bass sit in the centre with the voice, as in most mixes: the
  // centre channel alone (the previous built-in separator) improves on the mix by only 6.0–6.2 dB
  // here, so the bar is the 6 dB plus a 3 dB margin that it cannot reach.
  it.each([
    ['an alto melody', {}],
    ['a tenor melody, over the bass', { transpose: -12 }],
    ['held notes, four bars each', { held: true }],
  ])('on a synthetic song (%s) the vocals improve on the mix by ≥ 9 dB SDR, through separateFile', async (_, opts) => {
    const song: SyntheticMix = syntheticMix(40, opts);
    const { vocals, accompaniment } = await separate(`song-${Object.keys(opts).join('') || 'alto'}`, song.mix);
    const gain = sdr(song.vocals, vocals) - sdr(song.vocals, song.mix);
    const gainLeft = sdr([song.vocals[0]], [vocals[0]!]) - sdr([song.vocals[0]], [song.mix[0]]);
    console.log(`built-in separator, ${_}: vocal SDR ${sdr(song.vocals, vocals).toFixed(2)} dB, mix ${sdr(song.vocals, song.mix).toFixed(2)} dB`);
    expect(gain).toBeGreaterThanOrEqual(9);
    expect(gainLeft).toBeGreaterThanOrEqual(9);
    // the stems still add back to the mix (16-bit mix, 24-bit stems), but for the mix's mean,
    // which separateFile adds back to every stem as demucs.apply does
    const mean = (song.mix[0].reduce((a, x) => a + x, 0) + song.mix[1].reduce((a, x) => a + x, 0)) / (2 * song.mix[0].length);
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < song.mix[c]!.length; i += 4099) expect(vocals[c]![i]! + accompaniment[c]![i]! - mean).toBeCloseTo(song.mix[c]![i]!, 4);
  });

  it('keeps a held note that REPET would take for repeating accompaniment', async () => {
    // 8 s notes at one pitch (5.5 Hz vibrato) over a 150 BPM click panned left: a stationary
    // voice repeats at every period, so plain REPET removed a quarter of it; the voice must stay.
    const n = SR * 40;
    const voice = new Float32Array(n);
    const click = new Float32Array(n);
    const notes = [220, 262, 330, 196];
    for (let i = 0; i < n; i++) {
      const t = i / SR;
      const note = Math.floor((t - 1) / 9);
      const f = notes[note] ?? 0;
      const phase = 2 * Math.PI * f * t - ((f * 0.0204) / 5.5) * Math.cos(2 * Math.PI * 5.5 * t);
      if (t >= 1 && t - 1 - note * 9 < 8 && f) for (let h = 1; h <= 5; h++) voice[i]! += (0.25 / h) * Math.sin(h * phase);
      const tb = t % 0.4;
      click[i] = 0.5 * Math.exp(-90 * tb) * Math.sin(2 * Math.PI * 1800 * t) + 0.45 * Math.exp(-25 * tb) * Math.sin(2 * Math.PI * 70 * t);
    }
    const mix = [Float32Array.from(voice, (v, i) => v + 0.9 * click[i]!), Float32Array.from(voice, (v, i) => v + 0.25 * click[i]!)];
    const { vocals } = await separate('held-note', mix);
    const energy = (x: Float32Array) => x.reduce((a, v) => a + v * v, 0);
    expect(energy(vocals[0]!) / energy(voice)).toBeGreaterThan(0.9);
    expect(sdr([voice, voice], vocals)).toBeGreaterThan(sdr([voice, voice], mix) + 3);
  });
});
