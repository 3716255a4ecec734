// measureLoudness against ffmpeg's ebur128 filter (the libebur128-derived reference, Debian ffmpeg):
// each signal is written as a 32-bit float WAV, ffmpeg measures the file, measureLoudness the very
// same samples. Integrated within 0.5 LU, loudness range within 1 LU, over sine tones (EBU Tech
// 3341/3342 cases), white and pink noise, gating cases, K-weighting tones and several sample rates.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp';
import { measureLoudness } from './loudness';
import { rng } from '../testing/rhythmSynth';
import { whiteNoise } from '../testing/toneSynth';
import type { Audio } from './types';

const tmp = tempDir('s2cap-loudness-');
afterAll(() => tmp.cleanup());

const dbToGain = (db: number): number => Math.pow(10, db / 20);

/** A sine whose PEAK is `peakDbfs` (as in EBU Tech 3341: "1 kHz at −23 dBFS" measures −23 LUFS in stereo). */
function sine(sampleRate: number, seconds: number, hz: number, peakDbfs: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  const g = dbToGain(peakDbfs);
  for (let i = 0; i < out.length; i++) out[i] = g * Math.sin((2 * Math.PI * hz * i) / sampleRate);
  return out;
}

/** Seeded Gaussian white noise at `rmsDbfs`. */
function noise(sampleRate: number, seconds: number, rmsDbfs: number, seed: number): Float32Array {
  return whiteNoise(Math.round(seconds * sampleRate), dbToGain(rmsDbfs), seed);
}

/** Pink-ish noise (Paul Kellet's economy filter over white noise), scaled to peak below 1. */
function pinkNoise(sampleRate: number, seconds: number, gain: number, seed: number): Float32Array {
  const uniform = rng(seed);
  const out = new Float32Array(Math.round(seconds * sampleRate));
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < out.length; i++) {
    const w = uniform() * 2 - 1;
    b0 = 0.99765 * b0 + w * 0.099046;
    b1 = 0.963 * b1 + w * 0.2965164;
    b2 = 0.57 * b2 + w * 1.0526913;
    out[i] = gain * (b0 + b1 + b2 + w * 0.1848);
  }
  return out;
}

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Writes planar audio as an interleaved IEEE-float WAV (format 3). */
function writeFloatWav(file: string, audio: Audio): void {
  const { sampleRate, channels } = audio;
  const n = channels[0]!.length;
  const interleaved = new Float32Array(n * channels.length);
  channels.forEach((ch, c) => {
    for (let i = 0; i < n; i++) interleaved[i * channels.length + c] = ch[i]!;
  });
  const dataBytes = interleaved.byteLength;
  const buf = Buffer.alloc(44);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(3, 20);
  buf.writeUInt16LE(channels.length, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * channels.length * 4, 28);
  buf.writeUInt16LE(channels.length * 4, 32);
  buf.writeUInt16LE(32, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  // Float32Array is little-endian on every platform Node runs this on (x64, arm64).
  fs.writeFileSync(file, Buffer.concat([buf, Buffer.from(interleaved.buffer)]));
}

interface FfmpegLoudness {
  integrated: number;
  range: number;
  /** Per-frame momentary values keyed by the window's end time in tenths of a second. */
  momentary: Map<number, number>;
}

/** ffmpeg's ebur128 filter on `audio` (written to a WAV): Summary "I:" and "LRA:", frame log "M:". */
function ffmpegLoudness(name: string, audio: Audio): FfmpegLoudness {
  const file = path.join(tmp.dir, `${name}.wav`);
  writeFloatWav(file, audio);
  const run = spawnSync(
    'ffmpeg',
    ['-nostats', '-hide_banner', '-i', file, '-filter_complex', 'ebur128=framelog=info', '-f', 'null', '-'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.error) {
    throw new Error(`ffmpeg could not run (${run.error.message}): these tests compare against ffmpeg's ebur128 filter, install ffmpeg`);
  }
  if (run.status !== 0) throw new Error(`ffmpeg failed on ${file}: ${run.stderr.slice(-500)}`);
  const summary = run.stderr.slice(run.stderr.lastIndexOf('Summary:'));
  const integrated = /\bI:\s+(-?[\d.]+) LUFS/.exec(summary);
  const range = /\bLRA:\s+(-?[\d.]+) LU/.exec(summary);
  if (!integrated || !range) throw new Error(`no ebur128 summary in ffmpeg's output for ${file}`);
  const momentary = new Map<number, number>();
  for (const m of run.stderr.matchAll(/t:\s*([\d.]+)\s+TARGET:\S+ LUFS\s+M:\s*(\S+)/g)) {
    momentary.set(Math.round(Number(m[1]) * 10), Number(m[2]));
  }
  return { integrated: Number(integrated[1]), range: Number(range[1]), momentary };
}

const stereo = (sampleRate: number, x: Float32Array): Audio => ({ sampleRate, channels: [x, x.slice()] });

interface Case {
  name: string;
  audio: () => Audio;
  /** Known truth from the EBU test cases, where there is one. */
  expectIntegrated?: number;
  expectRange?: number;
  /** Compare the loudness range to ffmpeg's (only for signals of more than a few seconds). */
  range?: boolean;
}

const cases: Case[] = [
  {
    name: 'tech3341-1k-minus23-stereo48k',
    audio: () => stereo(48000, sine(48000, 10, 1000, -23)),
    expectIntegrated: -23,
    range: true,
  },
  { name: 'white-minus20-stereo44k', audio: () => ({ sampleRate: 44100, channels: [noise(44100, 6, -20, 1), noise(44100, 6, -20, 2)] }), range: true },
  { name: 'white-minus38-stereo44k', audio: () => ({ sampleRate: 44100, channels: [noise(44100, 6, -38, 3), noise(44100, 6, -38, 4)] }), range: true },
  { name: 'pink-loud-stereo48k', audio: () => ({ sampleRate: 48000, channels: [pinkNoise(48000, 6, 0.1, 5), pinkNoise(48000, 6, 0.1, 6)] }), range: true },
  { name: 'pink-quiet-mono44k', audio: () => ({ sampleRate: 44100, channels: [pinkNoise(44100, 6, 0.004, 7)] }), range: true },
  {
    // EBU Tech 3342 case 1: 20 s at −20 dBFS then 20 s at −30 dBFS → LRA 10 LU.
    name: 'tech3342-alternating-stereo48k',
    audio: () => stereo(48000, concat(sine(48000, 20, 1000, -20), sine(48000, 20, 1000, -30))),
    expectRange: 10,
    range: true,
  },
  {
    // Relative gate: the −45 dBFS half lies > 10 LU under the mean and must not count.
    name: 'relative-gate-stereo48k',
    audio: () => stereo(48000, concat(sine(48000, 5, 1000, -20), sine(48000, 5, 1000, -45))),
  },
  {
    // Absolute gate: the −73 dBFS half is within 10 LU of the overall mean but under −70 LUFS.
    name: 'absolute-gate-stereo48k',
    audio: () => stereo(48000, concat(sine(48000, 5, 1000, -66), sine(48000, 5, 1000, -73))),
  },
  {
    // The relative gate sits 10 LU under the mean of the blocks ABOVE the absolute gate: counting the
    // silent tail in that mean would lower the gate and let the −34 dBFS part in.
    name: 'relative-gate-over-gated-blocks-mono44k',
    audio: () => ({
      sampleRate: 44100,
      channels: [concat(sine(44100, 5, 1000, -20), sine(44100, 5, 1000, -34), new Float32Array(44100 * 10))],
    }),
  },
  { name: 'tone-100hz-stereo48k', audio: () => stereo(48000, sine(48000, 5, 100, -20)) },
  { name: 'tone-30hz-stereo44k', audio: () => stereo(44100, sine(44100, 5, 30, -20)) },
  { name: 'tone-10khz-stereo48k', audio: () => stereo(48000, sine(48000, 5, 10000, -20)) },
  { name: 'tone-10khz-mono44k', audio: () => ({ sampleRate: 44100, channels: [sine(44100, 5, 10000, -20)] }) },
  { name: 'tone-1k-minus23-mono44k', audio: () => ({ sampleRate: 44100, channels: [sine(44100, 5, 1000, -23)] }), expectIntegrated: -26 },
  { name: 'tone-1k-stereo16k', audio: () => stereo(16000, sine(16000, 5, 1000, -23)), expectIntegrated: -23 },
  { name: 'tone-5k-mono16k', audio: () => ({ sampleRate: 16000, channels: [sine(16000, 5, 5000, -20)] }) },
  {
    name: 'tech3342-alternating-mono16k',
    audio: () => ({ sampleRate: 16000, channels: [concat(sine(16000, 20, 1000, -20), sine(16000, 20, 1000, -30))] }),
    range: true,
  },
  {
    // EBU Tech 3342 case 4: −50, −35, −20, −35, −50 dBFS, 20 s each → LRA 15 LU (the −50 dBFS parts
    // fall under the −20 LU relative gate).
    name: 'tech3342-case4-mono16k',
    audio: () => ({
      sampleRate: 16000,
      channels: [concat(...[-50, -35, -20, -35, -50].map((db) => sine(16000, 20, 1000, db)))],
    }),
    expectRange: 15,
    range: true,
  },
  { name: 'white-minus25-mono16k', audio: () => ({ sampleRate: 16000, channels: [noise(16000, 6, -25, 8)] }), range: true },
];

describe('measureLoudness against ffmpeg ebur128', () => {
  for (const c of cases) {
    it(c.name, () => {
      const audio = c.audio();
      const ref = ffmpegLoudness(c.name, audio);
      const ours = measureLoudness(audio);
      console.log(
        `${c.name}: I ours ${ours.integratedLufs?.toFixed(2)} ffmpeg ${ref.integrated.toFixed(1)}` +
          (c.range ? ` | LRA ours ${ours.rangeLu?.toFixed(2)} ffmpeg ${ref.range.toFixed(1)}` : ''),
      );
      expect(ours.integratedLufs).not.toBeNull();
      expect(Math.abs(ours.integratedLufs! - ref.integrated)).toBeLessThanOrEqual(0.5);
      if (c.expectIntegrated !== undefined) expect(Math.abs(ours.integratedLufs! - c.expectIntegrated)).toBeLessThanOrEqual(0.1);
      if (c.range) {
        expect(ours.rangeLu).not.toBeNull();
        expect(Math.abs(ours.rangeLu! - ref.range)).toBeLessThanOrEqual(1);
      }
      if (c.expectRange !== undefined) expect(Math.abs(ours.rangeLu! - c.expectRange)).toBeLessThanOrEqual(0.2);
    });
  }
});

describe('measureLoudness series and edge cases', () => {
  it('gives one momentary value per 100 ms, the first for the block ending at 0.4 s, aligned with ffmpeg', () => {
    const sr = 48000;
    // 1 s of silence, 1 s of a 1 kHz tone at −23 dBFS, 1 s of silence.
    const x = concat(new Float32Array(sr), sine(sr, 1, 1000, -23), new Float32Array(sr));
    const audio = stereo(sr, x);
    const { momentaryLufs, shortTermLufs } = measureLoudness(audio);
    expect(momentaryLufs.length).toBe(27); // blocks ending at 0.4, 0.5, … 3.0 s
    expect(shortTermLufs.length).toBe(27);
    const at = (endSec: number): number => momentaryLufs[Math.round(endSec * 10) - 4]!;
    expect(at(1.0)).toBe(-Infinity); // 0.6–1.0 s: silence
    expect(at(1.1)).toBeCloseTo(-23 + 10 * Math.log10(1 / 4), 1); // a quarter of the block is tone
    expect(at(1.3)).toBeCloseTo(-23 + 10 * Math.log10(3 / 4), 1);
    expect(at(1.4)).toBeCloseTo(-23, 1);
    expect(at(2.0)).toBeCloseTo(-23, 1);
    expect(at(2.2)).toBeCloseTo(-23 + 10 * Math.log10(2 / 4), 1);
    expect(at(2.4)).toBeLessThan(-60); // only the filters' decaying tail
    // Short-term on the same grid: the window ending at 3.0 s holds 1 s of tone in 3 s.
    expect(shortTermLufs[26]).toBeCloseTo(-23 + 10 * Math.log10(1 / 3), 1);
    const ref = ffmpegLoudness('step', audio);
    let compared = 0;
    momentaryLufs.forEach((m, k) => {
      const theirs = ref.momentary.get(k + 4);
      if (theirs === undefined || !(theirs > -70) || !(m > -70)) return;
      expect(Math.abs(m - theirs)).toBeLessThanOrEqual(0.15);
      compared++;
    });
    expect(compared).toBeGreaterThanOrEqual(12);
  });

  it('gives null integrated loudness and range and −Infinity momentary values for digital silence', () => {
    const r = measureLoudness({ sampleRate: 44100, channels: [new Float32Array(44100 * 5), new Float32Array(44100 * 5)] });
    expect(r.integratedLufs).toBeNull();
    expect(r.rangeLu).toBeNull();
    expect(r.momentaryLufs.length).toBe(47);
    expect(r.momentaryLufs.every((m) => m === -Infinity)).toBe(true);
    expect(r.shortTermLufs.every((m) => m === -Infinity)).toBe(true);
  });

  it('gates out a signal below −70 LUFS entirely', () => {
    const r = measureLoudness(stereo(48000, sine(48000, 5, 1000, -80)));
    expect(r.integratedLufs).toBeNull();
    expect(r.rangeLu).toBeNull();
    expect(r.momentaryLufs[10]).toBeCloseTo(-80, 1);
  });

  it('measures a 1 s signal (integrated present) but gives no loudness range', () => {
    const audio = stereo(44100, sine(44100, 1, 1000, -23));
    const r = measureLoudness(audio);
    expect(r.momentaryLufs.length).toBe(7);
    expect(r.integratedLufs).not.toBeNull();
    expect(Math.abs(r.integratedLufs! - ffmpegLoudness('short', audio).integrated)).toBeLessThanOrEqual(0.5);
    expect(r.rangeLu).toBeNull();
  });

  it('keeps quiet windows exact after minutes of loud audio (4 min stereo 44.1 kHz)', () => {
    const sr = 44100;
    const loud = noise(sr, 230, -10, 9);
    const quiet = sine(sr, 10, 1000, -140);
    const left = concat(loud, quiet);
    const audio = { sampleRate: sr, channels: [left, left.slice()] };
    const t0 = performance.now();
    const r = measureLoudness(audio);
    console.log(`measureLoudness: 4 min stereo 44.1 kHz in ${(performance.now() - t0).toFixed(0)} ms`);
    const alone = measureLoudness(stereo(sr, quiet));
    // The last 400 ms block, and the same block of the quiet part measured on its own.
    const last = r.momentaryLufs[r.momentaryLufs.length - 1]!;
    expect(last).toBeCloseTo(-140, 0);
    expect(Math.abs(last - alone.momentaryLufs[alone.momentaryLufs.length - 1]!)).toBeLessThan(0.01);
    // The quiet tail is gated out of the range; steady noise has next to none.
    expect(r.rangeLu).not.toBeNull();
    expect(r.rangeLu!).toBeLessThan(1);
  });

  it('refuses audio it cannot measure with a one-line reason', () => {
    expect(() => measureLoudness({ sampleRate: 0, channels: [new Float32Array(10)] })).toThrow(/sample rate 0/);
    expect(() => measureLoudness({ sampleRate: 48000, channels: [] })).toThrow(/0 channels/);
    expect(() => measureLoudness({ sampleRate: 48000, channels: [new Float32Array(10), new Float32Array(9)] })).toThrow(
      /differ in length/,
    );
  });
});
