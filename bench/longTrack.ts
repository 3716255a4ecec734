// Child process of bench/audio.ts: streams one long file through the pipeline into two WAV
// files and reports speed and peak resident memory of this process alone.
import fs from 'node:fs';
import path from 'node:path';
import { readAudioMulti } from '../src/core/audio/read';
import { WavWriter } from '../src/core/audio/wavWriter';

const [file, dir] = process.argv.slice(2) as [string, string];
const mono = new WavWriter(path.join(dir, 'long-16k.wav'), 16000, 1, 'float32');
const stereo = new WavWriter(path.join(dir, 'long-44k.wav'), 44100, 2, 'pcm16');
const t0 = performance.now();
let frames = 0;
for await (const [a, b] of readAudioMulti(file, [
  { sampleRate: 16000, channels: 1 },
  { sampleRate: 44100, channels: 2 },
])) {
  mono.write(a!);
  stereo.write(b!);
  frames += b![0]!.length;
}
mono.close();
stereo.close();
const sec = (performance.now() - t0) / 1000;
const audioSec = frames / 44100;
const rssMb = process.resourceUsage().maxRSS / 1024;
console.log(`audio ${(audioSec / 60).toFixed(1)} min, wall ${sec.toFixed(1)} s → ${(audioSec / sec).toFixed(0)}× real time`);
console.log(`peak RSS ${rssMb.toFixed(0)} MB (target < 1024 MB); outputs ${(fs.statSync(path.join(dir, 'long-44k.wav')).size / 2 ** 20).toFixed(0)} MB + ${(fs.statSync(path.join(dir, 'long-16k.wav')).size / 2 ** 20).toFixed(0)} MB`);
