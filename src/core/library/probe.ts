// Reads an audio file's metadata (music-metadata) and decides whether it is audio the studio can
// use. Every rejection is a short reason a person can act on: empty, truncated, junk, not audio.
// Headers are not trusted for the length: a WAV's is checked against the bytes present
// (wavStructure.ts), any other format is decoded in full and its decodable length compared with
// the declared one (decodable.ts). The recorded duration is the decodable one.
import fs from 'node:fs/promises';
import { parseFile, type IAudioMetadata } from 'music-metadata';
import { checkDecodable, DecodableError, truncatedReason, type DecodableResult } from './decodable';
import { headerRangeProblem } from './limits';
import { readWavLayout, WavError } from './wavStructure';

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
  /** Set when the file is cut off and `allowTruncated` accepted its decodable part: the reason. */
  truncated?: string;
}

export interface ProbeOptions {
  /** Accept a cut-off file as its decodable part (with its true, shorter duration). */
  allowTruncated?: boolean;
}

/** A file that is not usable audio; `message` is the reason shown to the user. */
export class ProbeError extends Error {}

export async function probeAudio(file: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const st = await fs.stat(file);
  if (!st.isFile()) throw new ProbeError('not a regular file');
  if (st.size === 0) throw new ProbeError('empty file (0 bytes)');

  let meta: IAudioMetadata;
  try {
    meta = await parseFile(file, { duration: true, skipCovers: true });
  } catch (err) {
    const reason = describeParseError((err as Error).message);
    // A cut-off M4A (its sample tables promise more than is there) may still decode in part.
    if (opts.allowTruncated && reason.startsWith('truncated')) return probeByDecoding(file, reason);
    throw new ProbeError(reason);
  }
  const f = meta.format;
  if (!f.container || !f.sampleRate || !f.numberOfChannels) {
    throw new ProbeError('not an audio file (no audio stream found)');
  }
  const range = headerRangeProblem(f.numberOfChannels, f.sampleRate);
  if (range) throw new ProbeError(range);

  const length = f.container === 'WAVE' ? await wavLength(file, opts) : await decodedLength(file, meta, opts);
  const c = meta.common;
  return {
    title: clean(c.title),
    artist: clean(c.artist ?? c.albumartist),
    album: clean(c.album),
    genre: clean(c.genre?.join(', ')),
    durationSec: length.durationSec,
    sampleRate: f.sampleRate,
    channels: f.numberOfChannels,
    container: f.container,
    codec: f.codec ?? null,
    ...(length.truncated ? { truncated: length.truncated } : {}),
  };
}

type Length = { durationSec: number; truncated?: string };

/** PCM: the whole sample frames present are exactly what decodes. */
async function wavLength(file: string, opts: ProbeOptions): Promise<Length> {
  let w;
  try {
    w = await readWavLayout(file);
  } catch (err) {
    if (err instanceof WavError) throw new ProbeError(err.message);
    throw err;
  }
  const declared = w.declaredFrames / w.sampleRate;
  const present = w.presentFrames / w.sampleRate;
  if (w.declaredFrames === 0) throw new ProbeError('no audio samples (the data chunk is empty)');
  if (w.presentFrames === 0) throw new ProbeError(truncatedReason(0, declared));
  if (w.presentFrames < w.declaredFrames) {
    const reason = truncatedReason(present, declared);
    if (!opts.allowTruncated) throw new ProbeError(reason);
    return { durationSec: present, truncated: reason };
  }
  return { durationSec: present };
}

/** Compressed formats: decode in full and compare with what the header declares. */
async function decodedLength(file: string, meta: IAudioMetadata, opts: ProbeOptions): Promise<Length> {
  const f = meta.format;
  const endsEarly = meta.quality.warnings.some((w) => /end-of-stream reached before/i.test(w.message))
    ? 'the stream ends before its last page'
    : undefined;
  const declared = f.duration && Number.isFinite(f.duration) && f.duration > 0 ? f.duration : null;
  // Only FLAC may honestly leave its length out (STREAMINFO total 0 when written by a stream).
  if (declared === null && !endsEarly && f.container !== 'FLAC') {
    throw new ProbeError('no audio samples (duration is zero or unknown)');
  }
  try {
    return await checkDecodable(file, { seconds: declared, codec: f.codec ?? null, endsEarly }, opts);
  } catch (err) {
    if (err instanceof DecodableError) throw new ProbeError(err.message);
    throw err;
  }
}

/** Metadata unreadable because the file is cut off: what decodes is all there is to know. */
async function probeByDecoding(file: string, parseReason: string): Promise<ProbeResult> {
  let r: DecodableResult;
  try {
    r = await checkDecodable(file, { seconds: null, codec: null, endsEarly: parseReason.replace(/^truncated:\s*/, '') }, { allowTruncated: true });
  } catch (err) {
    if (err instanceof DecodableError) throw new ProbeError(err.message);
    throw err;
  }
  const range = headerRangeProblem(r.channels, r.sampleRate);
  if (range) throw new ProbeError(range);
  return {
    title: null,
    artist: null,
    album: null,
    genre: null,
    durationSec: r.durationSec,
    sampleRate: r.sampleRate,
    channels: r.channels,
    container: null,
    codec: null,
    truncated: r.truncated,
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
