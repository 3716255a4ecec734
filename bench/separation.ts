// Built-in separator benchmark (not a test): a 3-minute synthetic stereo song with known stems
// (src/core/testing/syntheticMix.ts) written as a 44.1 kHz 16-bit WAV and separated through
// separateFile — the same path a Separate job takes — on one thread. Prints the multiple of real
// time (wall clock, and process CPU time, which a busy shared machine disturbs less), the split of
// wall time between the separator's runSegment and the rest (separationSplit.ts), and the vocal SDR
// against the mix's; then the same file through the fixture packs (test/fixtures/packs) on one
// onnxruntime thread. BENCH_SEP_SECONDS sets the length.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAudioAll } from '../src/core/audio/read';
import { WavWriter } from '../src/core/audio/wavWriter';
import { CenterSeparator } from '../src/core/builtin/centerSeparator';
import { sdr, syntheticMix } from '../src/core/testing/syntheticMix';
import { validatePack } from '../src/core/inference/packs/validate';
import { separateFile } from '../src/core/inference/separate/separateFile';
import { Separator } from '../src/core/inference/separate/separator';
import { modelAlone, splitLine } from './separationSplit';

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
    const res = await separateFile(file, sep, { outDir: path.join(dir, 'stems') });
    const wall = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu0);
    const cpu = (used.user + used.system) / 1e6;
    console.log(`separateFile  ${wall.toFixed(2)} s wall = ${(SECONDS / wall).toFixed(1)}× real time; ${cpu.toFixed(2)} s CPU = ${(SECONDS / cpu).toFixed(1)}× real time`);
    console.log(`  ${splitLine(res.ms, res.modelMs, "the separator's runSegment (the model)")}`);

    // The fixture packs' models (identity; htdemucs layout with STFT/iSTFT around a passthrough)
    // cost next to nothing, so these runs show the floor the code around the model sets.
    for (const name of ['identity-separator', 'passthrough-htdemucs']) {
      const dirPack = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'packs', name);
      const pack = await Separator.load(dirPack, (await validatePack(dirPack)).separator!, { ep: 'cpu', threads: 1 });
      const r = await separateFile(file, pack, { outDir: path.join(dir, name) });
      console.log(`fixture pack ${name} (segment ${pack.spec.segmentSamples}): ${(r.ms / 1000).toFixed(2)} s wall = ${(SECONDS / (r.ms / 1000)).toFixed(1)}× real time`);
      const stft = pack.spec.kind === 'htdemucs' ? 'the STFT/iSTFT around the model, ' : '';
      console.log(`  ${splitLine(r.ms, await modelAlone(pack, r.frames), 'session.run (timed alone, same segments)', `${stft}decoding, overlap-add, WAV conversion`)}`);
      console.log(`  runSegment as seen in the pipeline: ${(r.modelMs / 1000).toFixed(2)} s (the JS around the runs overlaps them)`);
    }

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
