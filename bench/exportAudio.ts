// Audiofolder export benchmark (not a test): N segments over M tracks cut to 16 kHz mono WAV clips
// with metadata.jsonl (core/export/audiofolder.ts), against decoding alone (the same files decoded
// and resampled to 16 kHz mono with nothing written) — the export should be bounded by decoding,
// one pass per track. Material: M MP3 songs made with sox+ffmpeg. Prints numbers.
// BENCH_EXPORT_TRACKS (6), BENCH_EXPORT_SECONDS per track (120), BENCH_EXPORT_PER_TRACK (20).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeFileChunks } from '../src/core/audio/decode';
import { readAudio } from '../src/core/audio/read';
import { audiofolderWriter } from '../src/core/export/audiofolder';
import type { ExportTrackGroup } from '../src/core/export/formatWriter';
import type { ExportRow } from '../src/shared/dataset';

const TRACKS = Number(process.env.BENCH_EXPORT_TRACKS ?? 6);
const SECONDS = Number(process.env.BENCH_EXPORT_SECONDS ?? 120);
const PER_TRACK = Number(process.env.BENCH_EXPORT_PER_TRACK ?? 20);

function makeTracks(dir: string): string[] {
  return Array.from({ length: TRACKS }, (_, t) => {
    const wav = path.join(dir, `src-${t}.wav`);
    const mp3 = path.join(dir, `track-${t}.mp3`);
    execFileSync('sox', ['-R', '-n', '-r', '44100', '-b', '16', '-c', '2', wav, 'synth', String(SECONDS), 'sine', String(180 + 20 * t), 'pinknoise', 'tremolo', '3', '40', 'vol', '0.4']);
    execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', wav, '-c:a', 'libmp3lame', '-b:a', '192k', mp3]);
    fs.rmSync(wav);
    return mp3;
  });
}

function groups(files: string[]): ExportTrackGroup[] {
  const len = Math.min(30, Math.max(5, (SECONDS / PER_TRACK) * 1.2)); // S2Cap-like 5–30 s spans, overlapping a little
  return files.map((file, t) => {
    const sha = t.toString(16).padStart(64, '0');
    const rows: ExportRow[] = Array.from({ length: PER_TRACK }, (_, j) => {
      const begin = Math.min(SECONDS - len, (j * SECONDS) / PER_TRACK);
      return {
        id: `${sha.slice(0, 12)}-${j}`,
        caption: 'a bright female voice over a steady pulse',
        begin,
        end: begin + len,
        track_sha256: sha,
        source_path: file,
        suggestion: 'a female voice',
        suggestion_model: 'bench@1',
        suggestion_score: -0.5,
        annotator: 'bench',
        revision_id: t * PER_TRACK + j,
        status: 'approved',
        edited: true,
        edit_distance: 4,
        attributes: {},
        split: (['train', 'validation', 'test'] as const)[t % 3]!,
      };
    });
    return { track: { id: t, sha256: sha, path: file, durationSec: SECONDS, sampleRate: 44100, channels: 2 }, vocalsPath: null, rows };
  });
}

async function time(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's2cap-bench-export-'));
  try {
    console.log(`making ${TRACKS} MP3 tracks of ${SECONDS} s…`);
    const files = makeTracks(dir);
    const g = groups(files);
    const n = g.reduce((s, x) => s + x.rows.length, 0);
    const decodeOnly = await time(async () => {
      for (const f of files) for await (const _ of decodeFileChunks(f)) void _;
    });
    const decodeResample = await time(async () => {
      for (const f of files) for await (const _ of readAudio(f, { sampleRate: 16000, channels: 1 })) void _;
    });
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const exportSec = await time(() =>
      audiofolderWriter.write(out, g, { request: { format: 'audiofolder', out }, signal: new AbortController().signal, onProgress: () => {}, skip: (r, why) => console.warn(`skipped ${r.id}: ${why}`) }),
    );
    const audioSec = TRACKS * SECONDS;
    console.log(`audiofolder export: ${n} segments over ${TRACKS} tracks (${(audioSec / 60).toFixed(0)} min of MP3) in ${exportSec.toFixed(2)} s (${(n / exportSec).toFixed(0)} clips/s)`);
    console.log(`  decoding alone:             ${decodeOnly.toFixed(2)} s`);
    console.log(`  decoding + 16 kHz resample: ${decodeResample.toFixed(2)} s`);
    console.log(`  export / (decode + resample) = ${(exportSec / decodeResample).toFixed(2)}×; writing clips adds ${(exportSec - decodeResample).toFixed(2)} s`);
    console.log(`  10,000 segments at this rate: about ${((exportSec / n) * 10000).toFixed(0)} s when tracks have ${PER_TRACK} segments each`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
