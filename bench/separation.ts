// Built-in separator benchmark (not a test): a 3-minute synthetic stereo song with known stems
// (src/core/builtin/syntheticMix.ts) written as a 44.1 kHz 16-bit WAV and separated through
// separateFile — the same path a Separate job takes — on one thread. Prints the multiple of real
// time (wall clock, and process CPU time, which a busy shared machine disturbs less), the
// separator's own share, and the vocal SDR against the mix's. BENCH_SEP_SECONDS sets the length.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAudioAll } from '../src/core/audio/read';
import { WavWriter } from '../src/core/audio/wavWriter';
import { CenterSeparator } from '../src/core/builtin/centerSeparator';
import { sdr, syntheticMix } from '../src/core/builtin/syntheticMix';
import { separateFile } from '../src/core/inference/separate/separateFile';

const SECONDS = Number(process.env.BENCH_SEP_SECONDS ?? 180);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's2cap-bench-sep-'));
  try {
    console.log(`# built-in separator, ${SECONDS} s of 44.1 kHz stereo through separateFile, one thread (${os.cpus()[0]?.model}, load ${os.loadavg()[0]!.toFixed(1)})`);
    const song = syntheticMix(SECONDS);
    const file = path.join(dir, 'song.wav');
    const w = new WavWriter(file, song.sampleRate, 2, 'pcm16');
    w.write(song.mix);
    w.close();

    const sep = new CenterSeparator();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await separateFile(file, sep, { outDir: path.join(dir, 'stems') });
    const wall = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu0);
    const cpu = (used.user + used.system) / 1e6;
    console.log(`separateFile  ${wall.toFixed(2)} s wall = ${(SECONDS / wall).toFixed(1)}× real time; ${cpu.toFixed(2)} s CPU = ${(SECONDS / cpu).toFixed(1)}× real time`);
    console.log(`  of which the separator's runSegment: ${(sep.runMs / 1000).toFixed(2)} s wall (the rest: decoding twice, overlap-add, writing two 24-bit stems)`);

    const vocals = await readAudioAll(path.join(dir, 'stems', 'vocals.wav'), { sampleRate: 44100, channels: 2 });
    const mixSdr = sdr(song.vocals, song.mix);
    const vocalSdr = sdr(song.vocals, vocals);
    const left = sdr([song.vocals[0]], [vocals[0]!]) - sdr([song.vocals[0]], [song.mix[0]]);
    console.log(`vocal SDR ${vocalSdr.toFixed(2)} dB against the mix's ${mixSdr.toFixed(2)} dB: +${(vocalSdr - mixSdr).toFixed(2)} dB (left channel +${left.toFixed(2)} dB)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
