// Test helper for dataset import: long songs made from the committed fixtures with sox (a 2 s and
// a 1.5 s recording repeated to about 40 s), so S2Cap-style spans (0–10 s, 20–40 s) fit in them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fixture } from './tmp';

/** Two different ~40 s songs in `dir`: `a` (40.0 s, WAV) and `b` (40.5 s, FLAC), named as given. */
export function makeDatasetAudio(dir: string, names: { a: string; b: string }): { a: string; b: string } {
  fs.mkdirSync(dir, { recursive: true });
  const a = path.join(dir, `${names.a}.wav`);
  const b = path.join(dir, `${names.b}.flac`);
  execFileSync('sox', [fixture('aria.wav'), a, 'repeat', '19']);
  execFileSync('sox', [fixture('lullaby.wav'), b, 'repeat', '26', 'vol', '0.8']);
  return { a, b };
}
