// Reads an audio file's metadata (music-metadata) and decides whether it is audio the studio can
// use. Every rejection is a short reason a person can act on: empty, truncated, not audio.
import fs from 'node:fs/promises';
import { parseFile, type IAudioMetadata } from 'music-metadata';
import { checkWavStructure } from './wavStructure';

export interface ProbeResult {
  title: string | null;
  artist: string | null;
  album: string | null;
  genre: string | null;
  durationSec: number | null;
  sampleRate: number | null;
  channels: number | null;
  container: string | null;
  codec: string | null;
}

/** A file that is not usable audio; `message` is the reason shown to the user. */
export class ProbeError extends Error {}

export async function probeAudio(file: string): Promise<ProbeResult> {
  const st = await fs.stat(file);
  if (!st.isFile()) throw new ProbeError('not a regular file');
  if (st.size === 0) throw new ProbeError('empty file (0 bytes)');

  let meta: IAudioMetadata;
  try {
    meta = await parseFile(file, { duration: true, skipCovers: true });
  } catch (err) {
    throw new ProbeError(describeParseError((err as Error).message));
  }
  const f = meta.format;
  if (!f.container || !f.sampleRate || !f.numberOfChannels) {
    throw new ProbeError('not an audio file (no audio stream found)');
  }
  const warnings = meta.quality.warnings.map((w) => w.message);
  if (warnings.some((w) => /end-of-stream reached before/i.test(w))) {
    throw new ProbeError('truncated: the stream ends before its last page');
  }
  if (f.container === 'WAVE') {
    const problem = await checkWavStructure(file);
    if (problem) throw new ProbeError(problem);
  }
  // An MP3's Xing/Info header states the frame count; far fewer frames present means the
  // download or copy was cut short.
  if (f.container === 'MPEG' && f.numberOfSamples && f.duration) {
    const present = f.numberOfSamples / f.sampleRate;
    if (present < f.duration * 0.9) {
      throw new ProbeError(
        `truncated: ${present.toFixed(1)} s of audio present, header says ${f.duration.toFixed(1)} s`,
      );
    }
  }
  if (!f.duration || !Number.isFinite(f.duration) || f.duration <= 0) {
    throw new ProbeError('no audio samples (duration is zero or unknown)');
  }

  const c = meta.common;
  return {
    title: clean(c.title),
    artist: clean(c.artist ?? c.albumartist),
    album: clean(c.album),
    genre: clean(c.genre?.join(', ')),
    durationSec: f.duration,
    sampleRate: f.sampleRate,
    channels: f.numberOfChannels,
    container: f.container,
    codec: f.codec ?? null,
  };
}

function clean(s: string | undefined): string | null {
  const t = s?.replace(/\0/g, '').trim();
  return t ? t : null;
}

function describeParseError(msg: string): string {
  if (/end-of-stream/i.test(msg)) return 'truncated or empty: the file ends before its headers do';
  if (/exceeds remaining bytes|unexpected end/i.test(msg)) return `truncated: ${msg}`;
  if (/mime-type|unsupported|guess/i.test(msg)) return `unsupported or unrecognised format (${msg})`;
  return `not a readable audio file (${msg})`;
}
