// Cut-off and junk audio at import, made in a temp folder with sox/ffmpeg and by hand-editing
// headers: refused with "truncated: X of Y s decodable" or the header field that is wrong, never
// imported as whole; with allowTruncated, imported as the part that decodes, with its true length.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFileChunks } from '../audio/decode';
import { importPaths } from './importer';
import { freshStore } from '../testing/freshLibrary';
import { tempDir } from '../testing/tmp';

const RATE = 44100;
const FRAMES = 6 * RATE + 777; // 6.0 s, not a multiple of any codec's block
const src = tempDir();
afterAll(src.cleanup);
const file: Record<string, string> = {};

beforeAll(() => {
  const wav = path.join(src.dir, 'song.wav');
  execFileSync('sox', ['-R', '-r', String(RATE), '-c', '2', '-n', '-b', '16', wav, 'synth', `${FRAMES}s`, 'pinknoise', 'vol', '0.3']);
  file.wav = wav;
  const enc: Record<string, string[]> = {
    flac: ['-c:a', 'flac'],
    mp3: ['-c:a', 'libmp3lame', '-b:a', '128k'], // with a Xing/LAME header stating the frame count
    ogg: ['-c:a', 'libvorbis'],
    opus: ['-c:a', 'libopus'],
    m4a: ['-c:a', 'aac', '-movflags', '+faststart'], // sample tables first, so a cut keeps them
  };
  for (const [ext, args] of Object.entries(enc)) {
    file[ext] = path.join(src.dir, `song.${ext}`);
    execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', wav, ...args, file[ext]!]);
  }
});

const lib = freshStore();
const db = () => lib.it;

function cut(ext: string, bytes: number, name = `cut-${bytes}.${ext}`): string {
  const dest = path.join(lib.dir, name);
  fs.writeFileSync(dest, fs.readFileSync(file[ext]!).subarray(0, bytes));
  return dest;
}

function cutFraction(ext: string, fraction: number): string {
  return cut(ext, Math.floor(fs.statSync(file[ext]!).size * fraction), `cut-${fraction}.${ext}`);
}

/** A deterministic byte stream (LCG), so junk is the same on every run. */
function junk(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) b[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
  return b;
}

async function reasons(files: string[], allowTruncated = false) {
  const report = await importPaths(db(), files, { allowTruncated });
  return { report, reasons: Object.fromEntries(report.failed.map((f) => [f.name, f.reason])) };
}

async function decodedSeconds(f: string): Promise<number> {
  let n = 0;
  let rate = 1;
  for await (const c of decodeFileChunks(f)) {
    n += c.channelData[0]!.length;
    rate = c.sampleRate;
  }
  return n / rate;
}

// An MP3's Xing header counts encoder delay and padding too, so it declares 6.05 s.
const TRUNCATED = /^truncated: (\d+\.\d) of 6\.[01] s decodable$/;

describe('import refuses cut-off files', () => {
  it('whole files import with their decodable duration', async () => {
    const { report } = await reasons(Object.values(file));
    expect(report.failed).toEqual([]);
    // Opus decodes at 48 kHz: the same length to within one of its samples.
    for (const t of report.imported) expect(Math.abs(t.durationSec! - FRAMES / RATE), t.fileName).toBeLessThanOrEqual(1 / 48000);
  });

  it('FLAC cut anywhere, even to its first 44 bytes or one byte short', async () => {
    const size = fs.statSync(file.flac!).size;
    const files = [44, 200, Math.floor(size * 0.1), Math.floor(size * 0.5), size - 2000, size - 1].map((n) => cut('flac', n));
    const { report, reasons: r } = await reasons(files);
    expect(report.imported).toEqual([]);
    for (const f of files) expect(r[path.basename(f)], path.basename(f)).toMatch(TRUNCATED);
    expect(r[path.basename(files[0]!)]).toBe('truncated: 0.0 of 6.0 s decodable');
  });

  it('MP3 cut to 1 % and to half, Ogg Vorbis, Opus, M4A and WAV cut to half', async () => {
    const files = [cutFraction('mp3', 0.01), cutFraction('mp3', 0.5), cutFraction('ogg', 0.5), cutFraction('opus', 0.5), cutFraction('m4a', 0.5), cutFraction('wav', 0.5)];
    const { report, reasons: r } = await reasons(files);
    expect(report.imported).toEqual([]);
    expect(r['cut-0.01.mp3']).toBe('truncated: 0.0 of 6.1 s decodable');
    expect(r['cut-0.5.mp3']).toMatch(TRUNCATED);
    expect(r['cut-0.5.wav']).toMatch(TRUNCATED);
    expect(r['cut-0.5.ogg']).toMatch(/^truncated: /);
    expect(r['cut-0.5.opus']).toMatch(/^truncated: /);
    expect(r['cut-0.5.m4a']).toMatch(/^truncated: /);
    expect(await db().tracks.list()).toEqual([]);
  });

  it('random bytes behind an MPEG sync word are not audio', async () => {
    const headers = ['fffb9064', 'fffb9044', 'fffbe064', 'fff3', 'fffa', 'fffb', 'fffb9000'];
    const files = headers.map((h, i) => {
      const f = path.join(lib.dir, `junk-${h}.mp3`);
      fs.writeFileSync(f, Buffer.concat([Buffer.from(h, 'hex'), junk(200_000, i + 1)]));
      return f;
    });
    // Refused even with allowTruncated: junk is not a cut-off file.
    const { report, reasons: r } = await reasons(files, true);
    expect(report.imported.map((t) => t.fileName)).toEqual([]);
    for (const n of files.map((x) => path.basename(x))) {
      expect(r[n], n).toMatch(/^(not valid audio: decodes to \d+\.\d s but its header says \d+\.\d s|no audio samples|not an audio file|not a readable audio file|unsupported or unrecognised format|unsupported (sample rate|channel count))/);
    }
    // Junk behind a real MP3's first frames: its Xing header claims 6 s, the junk decodes to less.
    const real = fs.readFileSync(file.mp3!);
    const f = path.join(lib.dir, 'junk-behind-xing.mp3');
    fs.writeFileSync(f, Buffer.concat([real.subarray(0, 2000), junk(real.length - 2000, 99)]));
    const behind = await reasons([f]);
    expect(behind.report.imported).toEqual([]);
    expect(behind.reasons['junk-behind-xing.mp3']).toMatch(/^(truncated: \d+\.\d of 6\.[01] s decodable|not valid audio)/);
  });

  it('WAV headers outside sane ranges are refused with the field', async () => {
    const wav = fs.readFileSync(file.wav!);
    expect(wav.readUInt32LE(16)).toBe(16); // plain 44-byte header: fmt fields at fixed offsets
    const edit = (name: string, at: number, write: (b: Buffer) => void): string => {
      const b = Buffer.from(wav);
      write(b.subarray(at));
      const f = path.join(lib.dir, name);
      fs.writeFileSync(f, b);
      return f;
    };
    const files = [
      edit('channels.wav', 22, (b) => b.writeUInt16LE(65535)),
      edit('rate.wav', 24, (b) => b.writeUInt32LE(4294967295)),
      edit('bits.wav', 34, (b) => b.writeUInt16LE(7)),
      edit('codec.wav', 20, (b) => b.writeUInt16LE(0x1234)),
      edit('zero-channels.wav', 22, (b) => b.writeUInt16LE(0)),
      edit('alaw.wav', 20, (b) => b.writeUInt16LE(6)),
    ];
    const { report, reasons: r } = await reasons(files, true);
    expect(report.imported).toEqual([]);
    expect(r['channels.wav']).toMatch(/channel count 65535 \(supported: 1–32\)/);
    expect(r['rate.wav']).toMatch(/sample rate 4294967295 Hz \(supported: 8–384 kHz\)/);
    expect(r['bits.wav']).toMatch(/7-bit integer/);
    expect(r['codec.wav']).toMatch(/unsupported WAV codec 0x1234/);
    expect(r['zero-channels.wav']).toMatch(/channel count|no audio stream/);
    expect(r['alaw.wav']).toMatch(/unsupported WAV codec A-law/);
  });
});

describe('allowTruncated', () => {
  it('imports the decodable part of cut files with its true duration', async () => {
    const flacSize = fs.statSync(file.flac!).size;
    const files = [cut('flac', Math.floor(flacSize / 2)), cutFraction('mp3', 0.5), cutFraction('wav', 0.5), cutFraction('ogg', 0.5), cutFraction('m4a', 0.5)];
    const { report } = await reasons(files, true);
    expect(report.failed).toEqual([]);
    expect(report.imported).toHaveLength(files.length);
    const notes = Object.fromEntries((report.truncated ?? []).map((t) => [t.name, t.reason]));
    for (const t of report.imported) {
      const seconds = await decodedSeconds(t.path);
      expect(t.durationSec, t.fileName).toBeCloseTo(seconds, 6);
      expect(t.durationSec!).toBeGreaterThan(0.5);
      expect(t.durationSec!).toBeLessThan(5);
      expect(notes[t.fileName], t.fileName).toMatch(/^truncated: /);
    }
    // PCM: exactly the whole frames present.
    const wavTrack = report.imported.find((t) => t.fileName.endsWith('.wav'))!;
    expect(wavTrack.durationSec! * RATE).toBeCloseTo(Math.floor((fs.statSync(wavTrack.path).size - 44) / 4), 6);
    expect(notes[wavTrack.fileName]).toBe(`truncated: ${wavTrack.durationSec!.toFixed(1)} of 6.0 s decodable`);
  });

  it('still refuses a file with nothing decodable', async () => {
    const { report, reasons: r } = await reasons([cut('flac', 44), cutFraction('mp3', 0.01)], true);
    expect(report.imported).toEqual([]);
    expect(r['cut-44.flac']).toBe('truncated: 0.0 of 6.0 s decodable');
    expect(r['cut-0.01.mp3']).toBe('truncated: 0.0 of 6.1 s decodable');
  });
});
