// Audio benchmark (not a test): decode + resample speed per format as a multiple of real time on
// one core, and the peak memory of streaming a 60-minute track to 16 kHz mono and 44.1 kHz
// stereo. Needs ffmpeg to encode the test material (apt-get install ffmpeg). Prints numbers.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAudioMulti, type AudioTarget } from '../src/core/audio/read';
import { WavWriter } from '../src/core/audio/wavWriter';

const SHORT_SEC = Number(process.env.BENCH_SECONDS ?? 120);
const LONG_MIN = Number(process.env.BENCH_LONG_MINUTES ?? 60);

const FORMATS: Record<string, string[]> = {
  wav: ['-c:a', 'pcm_s16le'],
  flac: ['-c:a', 'flac'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '192k'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '5'],
  opus: ['-c:a', 'libopus', '-b:a', '128k'],
  m4a: ['-c:a', 'aac', '-b:a', '192k'],
};

/** A music-like test signal: a few detuned partials with vibrato, a pulse and noise. */
function writeSource(file: string, seconds: number): void {
  const sr = 44100;
  const w = new WavWriter(file, sr, 2, 'pcm16');
  const block = sr * 10;
  let seed = 1;
  const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  for (let start = 0; start < seconds * sr; start += block) {
    const n = Math.min(block, seconds * sr - start);
    const l = new Float32Array(n);
    const r = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const t = (start + i) / sr;
      const f = 220 * (1 + 0.01 * Math.sin(2 * Math.PI * 5 * t));
      const v = 0.2 * Math.sin(2 * Math.PI * f * t) + 0.1 * Math.sin(4 * Math.PI * f * t) + 0.05 * Math.sin(2 * Math.PI * 3 * f * t);
      const beat = (t * 2) % 1 < 0.05 ? 0.3 * rnd() : 0.02 * rnd();
      l[i] = v + beat;
      r[i] = 0.8 * v + beat;
    }
    w.write([l, r]);
  }
  w.close();
}

async function drain(file: string, targets: AudioTarget[]): Promise<number> {
  const t0 = performance.now();
  for await (const _ of readAudioMulti(file, targets)) void _;
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  if (spawnSync('ffmpeg', ['-version']).status !== 0) {
    console.error('bench: ffmpeg is needed to encode the test material (apt-get install ffmpeg)');
    process.exit(2);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's2cap-bench-'));
  try {
    console.log(`# decode + resample, ${SHORT_SEC} s of 44.1 kHz stereo per format, one thread (${os.cpus()[0]?.model})`);
    const src = path.join(dir, 'source.wav');
    writeSource(src, SHORT_SEC);
    console.log('format  →16k mono   →16k mono + 44.1k stereo');
    for (const [ext, args] of Object.entries(FORMATS)) {
      const file = path.join(dir, `bench.${ext}`);
      execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', src, ...args, file]);
      await drain(file, [{ sampleRate: 16000, channels: 1 }]); // warm up the wasm decoders
      const a = await drain(file, [{ sampleRate: 16000, channels: 1 }]);
      const b = await drain(file, [
        { sampleRate: 16000, channels: 1 },
        { sampleRate: 44100, channels: 2 },
      ]);
      console.log(`${ext.padEnd(6)}  ${(SHORT_SEC / a).toFixed(0).padStart(5)}× RT   ${(SHORT_SEC / b).toFixed(0).padStart(5)}× RT`);
    }

    console.log(`\n# ${LONG_MIN}-minute MP3 streamed to 16 kHz mono + 44.1 kHz stereo WAV files (fresh process)`);
    const longWav = path.join(dir, 'long.wav');
    const longMp3 = path.join(dir, 'long.mp3');
    writeSource(longWav, 60);
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-stream_loop', String(LONG_MIN - 1), '-i', longWav, '-c:a', 'libmp3lame', '-b:a', '192k', longMp3]);
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'longTrack.ts'), longMp3, dir], { encoding: 'utf8' });
    process.stdout.write(child.stdout);
    if (child.status !== 0) throw new Error(child.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
