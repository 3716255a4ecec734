// Every sample decodes: the streaming decoder delivers exactly ffmpeg's sample count for every
// supported format, whatever the read chunk size, for lengths that are not a multiple of any
// codec's block size. Material is made with sox/ffmpeg in a temp folder.
//
// Reference counts, all exact: ffmpeg decodes each file to raw float and the bytes are counted.
// ffmpeg trims MP3 encoder delay and padding (LAME tag) and Opus pre-skip and end trim itself.
// Two cases where ffmpeg 5 does not trim what the format says to trim:
// - Ogg Vorbis: when the last page is also the first audio page, ffmpeg ignores its end granule
//   (31,337 samples decode to 31,360), so the reference is libvorbisfile's count (sox), which
//   equals the last page's granule position.
// - AAC in M4A: ffmpeg trims the priming but not the end padding, so the reference is ffmpeg's
//   count of the WAV source, checked against the M4A's own edit list too, which ffmpeg writes in
//   a 1/1000 s movie timescale (so that check is within 1 ms).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp';
import { decodeFileChunks } from './decode';

const tmp = tempDir();
afterAll(tmp.cleanup);

const CHUNKS = [4096, 65536, 262144, 1 << 20];
/** Lengths in samples at 44.1 kHz: none a multiple of 576/1024/1152/4096/4608 or 20 ms. */
const LENGTHS = [44100 * 2 + 1237, 31337];

const ENCODE: Record<string, string[]> = {
  'int16.wav': ['-c:a', 'pcm_s16le'],
  'int24.wav': ['-c:a', 'pcm_s24le'],
  'float.wav': [], // written by sox: 18-byte fmt chunk + fact chunk
  'x.flac': ['-c:a', 'flac'],
  'x.mp3': ['-c:a', 'libmp3lame', '-b:a', '128k'],
  'x.ogg': ['-c:a', 'libvorbis'],
  'x.opus': ['-c:a', 'libopus'],
  'x.m4a': ['-c:a', 'aac'],
};

function ff(args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-nostdin', ...args], { maxBuffer: 1 << 28 });
}

/** ffmpeg's own sample count for a file (frames per channel). */
function ffmpegFrames(file: string): number {
  return ff(['-i', file, '-f', 'f32le', '-ac', '1', '-']).length / 4;
}

/** libsndfile/libvorbisfile's sample count, through sox. */
function soxFrames(file: string): number {
  return execFileSync('sox', [file, '-c', '1', '-t', 'f32', '-'], { maxBuffer: 1 << 28 }).length / 4;
}

function reference(name: string, file: string, source: number): number {
  if (name === 'x.m4a') {
    const editList = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a', '-show_entries', 'stream=duration', '-of', 'csv=p=0', file]).toString();
    expect(Math.abs(Number(editList) * 44100 - source)).toBeLessThanOrEqual(44.1);
    return source;
  }
  if (name === 'x.ogg') return soxFrames(file);
  return ffmpegFrames(file);
}

function make(n: number): Record<string, string> {
  const dir = path.join(tmp.dir, String(n));
  fs.mkdirSync(dir);
  const src = path.join(dir, 'src.wav');
  execFileSync('sox', ['-R', '-r', '44100', '-c', '2', '-n', '-b', '16', src, 'synth', `${n}s`, 'pinknoise', 'vol', '0.3']);
  const out: Record<string, string> = { src };
  for (const [name, args] of Object.entries(ENCODE)) {
    const f = path.join(dir, name);
    if (name === 'float.wav') execFileSync('sox', ['-R', src, '-e', 'floating-point', '-b', '32', f]);
    else ff(['-i', src, ...args, f]);
    out[name] = f;
  }
  return out;
}

async function decodedFrames(file: string, chunkBytes: number): Promise<{ frames: number; rate: number }> {
  let frames = 0;
  let rate = 0;
  for await (const c of decodeFileChunks(file, undefined, chunkBytes)) {
    frames += c.channelData[0]!.length;
    rate = c.sampleRate;
  }
  return { frames, rate };
}

const made: Record<number, Record<string, string>> = {};
beforeAll(() => {
  for (const n of LENGTHS) made[n] = make(n);
});

describe('decoded sample counts equal ffmpeg’s', () => {
  for (const n of LENGTHS) {
    it.each(Object.keys(ENCODE))(`%s, ${n} samples, every read chunk size`, async (name) => {
      const file = made[n]![name]!;
      const source = ffmpegFrames(made[n]!.src!);
      expect(source).toBe(n);
      const want = reference(name, file, source);
      if (name !== 'x.opus') expect(want).toBe(n);
      for (const chunk of CHUNKS) {
        const got = await decodedFrames(file, chunk);
        expect(got.frames, `${name} read in ${chunk}-byte chunks`).toBe(want);
        expect(got.rate).toBe(name === 'x.opus' ? 48000 : 44100);
      }
    });
  }
});

describe('IEEE-float WAV with an 18-byte fmt chunk and a fact chunk (SoX, scipy)', () => {
  it('decodes every sample, bit-exact with ffmpeg', async () => {
    const file = made[LENGTHS[0]!]!['float.wav']!;
    const bytes = fs.readFileSync(file);
    // The layout that used to fail: fmt is 18 bytes, then fact, so samples start at byte 58.
    expect(bytes.toString('ascii', 12, 16)).toBe('fmt ');
    expect(bytes.readUInt32LE(16)).toBe(18);
    expect(bytes.toString('ascii', 38, 42)).toBe('fact');
    expect(bytes.indexOf('data') + 8).toBe(58);
    const ref = ff(['-i', file, '-f', 'f32le', '-']);
    const interleaved = new Float32Array(ref.buffer.slice(ref.byteOffset, ref.byteOffset + ref.length));
    for (const chunk of CHUNKS) {
      const parts: Float32Array[][] = [];
      for await (const c of decodeFileChunks(file, undefined, chunk)) parts.push(c.channelData);
      const left = parts.flatMap((p) => Array.from(p[0]!));
      const right = parts.flatMap((p) => Array.from(p[1]!));
      expect(left.length).toBe(LENGTHS[0]);
      for (let i = 0; i < left.length; i += 101) {
        expect(left[i]).toBe(interleaved[2 * i]);
        expect(right[i]).toBe(interleaved[2 * i + 1]);
      }
    }
  });
});

describe('FLAC frame headers split by a read boundary', () => {
  it('the last frame still decodes when a chunk ends inside its header, or inside an earlier one', async () => {
    const file = made[LENGTHS[0]!]!['x.flac']!;
    const pos = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'packet=pos', '-of', 'csv=p=0', file])
      .toString()
      .trim()
      .split('\n')
      .map(Number);
    expect(pos.length).toBeGreaterThan(4);
    const want = ffmpegFrames(file);
    const last = pos[pos.length - 1]!;
    const middle = pos[Math.floor(pos.length / 2)]!;
    // A first chunk that ends 1, 2, 3 or 5 bytes into a frame header.
    for (const chunk of [last + 1, last + 2, last + 3, last + 5, middle + 2, middle + 4]) {
      expect((await decodedFrames(file, chunk)).frames, `first chunk of ${chunk} bytes`).toBe(want);
    }
  });
});
