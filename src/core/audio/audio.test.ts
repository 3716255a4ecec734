// Decoding and resampling on the committed fixtures: exact sample counts per format (gapless
// MP3/AAC), channel conversion, and the quality of 44.1 → 16 kHz conversion.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, tempDir } from '../testing/tmp';
import { average, toChannels } from './channels';
import { decodeFile, decodeFileChunks, sniffFormat } from './decode';
import { concatPlanar, readAudio, readAudioAll, readAudioMulti } from './read';
import { StreamResampler } from './resampler';
import { db, rms, sine, toneAmplitude } from '../testing/tones';
import { WavWriter } from './wavWriter';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('decode', () => {
  it.each([
    ['aria.wav', 'wav', 44100, 88200],
    ['aria.flac', 'flac', 44100, 88200],
    ['aria.mp3', 'mp3', 44100, 88200],
    ['aria.ogg', 'oga', 44100, 88200],
    ['aria.opus', 'opus', 48000, 96000],
    ['aria.m4a', 'm4a', 44100, 88200],
    ['lullaby.wav', 'wav', 22050, 33075],
  ])('%s decodes as %s to exactly %i Hz × %i frames, streamed or whole', async (name, format, rate, frames) => {
    expect(await sniffFormat(fixture(name))).toBe(format);
    let n = 0;
    let chunks = 0;
    for await (const c of decodeFileChunks(fixture(name))) {
      expect(c.sampleRate).toBe(rate);
      n += c.channelData[0]!.length;
      chunks++;
    }
    expect(n).toBe(frames);
    expect(chunks).toBeGreaterThan(0);
    const whole = await decodeFile(fixture(name));
    expect(whole.channelData[0]!.length).toBe(frames);
  });

  it('gapless MP3: same length as its WAV source and aligned with it', async () => {
    const wav = await decodeFile(fixture('aria.wav'));
    const mp3 = await decodeFile(fixture('aria.mp3'));
    expect(mp3.channelData[0]!.length).toBe(wav.channelData[0]!.length);
    // Encoder delay trimmed: the best alignment lag between the two is (near) zero.
    const a = wav.channelData[0]!.subarray(10000, 30000);
    const b = mp3.channelData[0]!;
    let best = { lag: 0, score: -Infinity };
    for (let lag = -1200; lag <= 1200; lag++) {
      let s = 0;
      for (let i = 0; i < a.length; i += 4) s += a[i]! * b[10000 + i + lag]!;
      if (s > best.score) best = { lag, score: s };
    }
    expect(Math.abs(best.lag)).toBeLessThanOrEqual(2);
  });

  it('refuses non-audio with a one-line reason', async () => {
    const bad = path.join(tmp.dir, 'lyrics.mp3');
    fs.writeFileSync(bad, 'not audio at all '.repeat(50));
    await expect(sniffFormat(bad)).rejects.toThrow(/not a recognised audio format/);
    const gen = decodeFileChunks(bad);
    await expect(gen.next()).rejects.toThrow(/cannot decode/);
  });

  it('scales integer PCM symmetrically (x / 2^(bits-1)), as libsndfile and torchaudio do', async () => {
    const file = path.join(tmp.dir, 'scale.wav');
    const w = new WavWriter(file, 8000, 1, 'pcm16');
    w.write([Float32Array.from([0.5, -0.5, 1, -1, 16384 / 32768])]);
    w.close();
    const bytes = fs.readFileSync(file);
    const raw = new Int16Array(bytes.buffer.slice(bytes.byteOffset + 44, bytes.byteOffset + bytes.length));
    const { channelData } = await decodeFile(file);
    let chunked: number[] = [];
    for await (const c of decodeFileChunks(file)) chunked = chunked.concat(Array.from(c.channelData[0]!));
    for (let i = 0; i < raw.length; i++) {
      expect(channelData[0]![i]).toBeCloseTo(raw[i]! / 32768, 7);
      expect(chunked[i]).toBeCloseTo(raw[i]! / 32768, 7);
    }
  });
});

describe('channels', () => {
  it('downmixes by averaging and upmixes mono by duplication', () => {
    const l = Float32Array.from([1, 0.5, -1]);
    const r = Float32Array.from([0, 0.5, 1]);
    expect([...average([l, r])]).toEqual([0.5, 0.5, 0]);
    expect([...toChannels([l, r], 1)[0]!]).toEqual([0.5, 0.5, 0]);
    const up = toChannels([l], 2);
    expect(up).toHaveLength(2);
    expect([...up[1]!]).toEqual([...l]);
  });
});

describe('resampling (polyphase, resampler.ts)', () => {
  it('a 1 kHz sine stays at 1 kHz after 44.1 → 16 kHz, with the exact output length', async () => {
    const x = sine(1000, 44100, 3);
    const r = await StreamResampler.create(1, 44100, 16000);
    const parts: Float32Array[][] = [];
    for (let i = 0; i < x.length; i += 4410) parts.push(r.process([x.subarray(i, i + 4410)]));
    parts.push(r.flush());
    const [y] = concatPlanar(parts, 1);
    expect(y!.length).toBe(Math.round((x.length * 16000) / 44100));
    const mid = y!.subarray(1600, y!.length - 1600);
    expect(toneAmplitude(mid, 1000, 16000)).toBeCloseTo(0.5, 2);
    for (const f of [900, 950, 1050, 1100, 2000]) expect(toneAmplitude(mid, f, 16000)).toBeLessThan(0.01);
  });

  it('attenuates content above the new Nyquist by at least 60 dB', async () => {
    for (const f of [8500, 10000, 12000, 15000, 20000]) {
      const x = sine(f, 44100, 2);
      const r = await StreamResampler.create(1, 44100, 16000);
      const [y] = concatPlanar([r.process([x]), r.flush()], 1);
      const level = db(rms(y!.subarray(800, y!.length - 800)) / rms(x));
      expect(level, `${f} Hz`).toBeLessThan(-60);
    }
  });

  it('streams a file to 16 kHz mono and 44.1 kHz stereo in one pass', async () => {
    const outs: Float32Array[][][] = [[], []];
    for await (const [a, b] of readAudioMulti(fixture('aria.opus'), [
      { sampleRate: 16000, channels: 1 },
      { sampleRate: 44100, channels: 2 },
    ])) {
      outs[0]!.push(a!);
      outs[1]!.push(b!);
    }
    expect(concatPlanar(outs[0]!, 1)[0]!.length).toBe(32000);
    const stereo = concatPlanar(outs[1]!, 2);
    expect(stereo).toHaveLength(2);
    expect(stereo[0]!.length).toBe(88200);
  });

  it('upmixes a mono 22.05 kHz file to 44.1 kHz stereo', async () => {
    const st = await readAudioAll(fixture('lullaby.wav'), { sampleRate: 44100, channels: 2 });
    expect(st[0]!.length).toBe(66150);
    expect(Array.from(st[0]!.subarray(1000, 1010))).toEqual(Array.from(st[1]!.subarray(1000, 1010)));
  });

  it('can be cancelled mid-stream', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(readAudio(fixture('aria.wav'), { sampleRate: 16000, channels: 1 }, { signal: ac.signal }).next()).rejects.toThrow();
  });
});

describe('WavWriter', () => {
  it.each(['pcm16', 'pcm24', 'float32'] as const)('round-trips %s through a real decoder', async (format) => {
    const file = path.join(tmp.dir, `out-${format}.wav`);
    const w = new WavWriter(file, 44100, 2, format);
    const l = sine(440, 44100, 0.5, 0.8);
    const r = sine(660, 44100, 0.5, 0.3);
    w.write([l.subarray(0, 10000), r.subarray(0, 10000)]);
    w.write([l.subarray(10000), r.subarray(10000)]);
    w.close();
    const back = await decodeFile(file);
    expect(back.sampleRate).toBe(44100);
    expect(back.channelData).toHaveLength(2);
    expect(back.channelData[0]!.length).toBe(l.length);
    const tol = format === 'pcm16' ? 1e-4 : 1e-6;
    for (let i = 0; i < l.length; i += 997) {
      expect(Math.abs(back.channelData[0]![i]! - l[i]!)).toBeLessThan(tol);
      expect(Math.abs(back.channelData[1]![i]! - r[i]!)).toBeLessThan(tol);
    }
  });
});
