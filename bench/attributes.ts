// Measured-attribute benchmark (not a test): a 4-minute 44.1 kHz stereo song (voice with vibrato
// in phrases over drums at 120 BPM and a bass line) and its vocal stem, written as WAV files, then
// decoded at their own rate and analysed on one thread: decode time, each module's time, and the
// total for analyzeSpan over the whole track (all twelve attributes) and analyzeTrack (the lanes'
// evidence). The target: all attributes of a 4-minute track in under 3 s on one core.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeSpan, analyzeTrack, type ModuleTimings } from '../src/core/analysis/analyze';
import { synthSong } from '../src/core/testing/songSynth';
import { DEFAULT_THRESHOLDS } from '../src/core/analysis/thresholds';
import { WavWriter } from '../src/core/audio/wavWriter';
import { readSpansNative } from '../src/core/inference/segmentAudio';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 240);
const SR = 44100;

function writeWav(file: string, channels: Float32Array[]): void {
  const w = new WavWriter(file, SR, channels.length, 'pcm16');
  const block = SR * 10;
  for (let at = 0; at < channels[0]!.length; at += block) w.write(channels.map((ch) => ch.subarray(at, at + block)));
  w.close();
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const row = (t: ModuleTimings) =>
  `loudness ${sec(t.loudness)}, beats ${sec(t.beats)}, pitch ${sec(t.pitch)}, vibrato ${sec(t.vibrato)}, timbre ${sec(t.timbre)}, activity ${sec(t.activity ?? 0)}`;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's2cap-bench-attributes-'));
  try {
    console.log(`# measured attributes of a ${SECONDS / 60}-minute 44.1 kHz stereo track, one thread (${os.cpus()[0]?.model})`);
    const song = synthSong({ sampleRate: SR, seconds: SECONDS, bpm: 120, notesHz: [196, 220, 246.94, 261.63, 220, 174.61], noteSec: 1, vibratoHz: 5.5, vibratoCents: 40, phraseSec: 8, restSec: 2, gain: 0.25, breath: 0.01 });
    const mixFile = path.join(dir, 'mix.wav');
    const vocalsFile = path.join(dir, 'vocals.wav');
    writeWav(mixFile, song.mix.channels);
    writeWav(vocalsFile, song.vocals.channels);

    await readSpansNative(mixFile, [{ startSec: 0, endSec: 5 }]); // warm up the decoder
    let t = performance.now();
    const [mix] = await readSpansNative(mixFile, [{ startSec: 0 }]);
    const decodeMix = performance.now() - t;
    t = performance.now();
    const [vocals] = await readSpansNative(vocalsFile, [{ startSec: 0 }]);
    const decodeVocals = performance.now() - t;
    console.log(`decode (native rate, WAV): mix ${sec(decodeMix)}, vocal stem ${sec(decodeVocals)}`);

    // Warm up (JIT), then measure.
    analyzeSpan({ mix: { sampleRate: SR, channels: mix!.channels.map((c) => c.subarray(0, SR * 20)) }, vocals: { sampleRate: SR, channels: vocals!.channels.map((c) => c.subarray(0, SR * 20)) } });
    t = performance.now();
    const span = analyzeSpan({ mix: mix!, vocals: vocals! }, DEFAULT_THRESHOLDS);
    const spanMs = performance.now() - t;
    console.log(`analyzeSpan (all attributes): ${sec(spanMs)} — ${row(span.timingsMs)}`);
    let trackTimings: ModuleTimings | null = null;
    t = performance.now();
    const track = analyzeTrack({ mix: mix!, vocals: vocals! }, (x) => (trackTimings = x));
    const trackMs = performance.now() - t;
    console.log(`analyzeTrack (lanes' evidence): ${sec(trackMs)} — ${row(trackTimings!)}`);
    console.log(`total with decoding: attributes ${sec(decodeMix + decodeVocals + spanMs)} (target < 3 s), track analysis ${sec(decodeMix + decodeVocals + trackMs)}`);
    const by = Object.fromEntries(span.attributes.map((a) => [a.name, a.value]));
    console.log(`measured: tempo ${by.tempo} BPM (truth 120), pitch ${by.pitch} Hz, loudness ${by.loudness} LUFS, vibrato ${by.vibrato_rate} Hz / ${by.vibrato_extent} cents (truth 5.5 Hz / 40), voiced ${by.voiced_ratio}; ${track.proposals.length} proposed segments`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
