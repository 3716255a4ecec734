// The audio of caption segments, one span per segment: 16 kHz mono as the captioner wants it
// (readSegments), or at the file's own rate and channels (up to two) for the measured-attribute
// analysis (readSpansNative: no resampling, the analysis decimates where it needs a lower rate).
// All spans of a file come from a single streaming pass, so N segments decode the file once rather
// than N times from the start; nothing outside the spans is kept. A span that yields no samples
// (past the end of a cut-off file, or a file that decodes to nothing) is an error naming the file:
// no caption, features or attributes are ever made from silence nobody recorded.
import { StudioError } from '../../shared/errors';
import type { Audio } from '../analysis/types';
import { toChannels } from '../audio/channels';
import { decodeFileChunks } from '../audio/decode';
import { concatPlanar, readAudio } from '../audio/read';
import { AST_SAMPLE_RATE } from './features/fbank';

export interface Span {
  startSec?: number;
  endSec?: number;
}

export async function readSegments(file: string, spans: Span[], signal?: AbortSignal): Promise<Float32Array[]> {
  async function* chunks() {
    for await (const c of readAudio(file, { sampleRate: AST_SAMPLE_RATE, channels: 1 }, { signal })) yield { sampleRate: AST_SAMPLE_RATE, channels: c };
  }
  return (await cutSpans(file, spans, chunks())).map((a) => a.channels[0]!);
}

export async function readSegment(file: string, startSec = 0, endSec = Infinity, signal?: AbortSignal): Promise<Float32Array> {
  return (await readSegments(file, [{ startSec, endSec }], signal))[0]!;
}

/** The spans of a file at its own sample rate, mono or stereo as the file is (more channels: the first two). */
export async function readSpansNative(file: string, spans: Span[], signal?: AbortSignal): Promise<Audio[]> {
  async function* chunks() {
    let channels: 1 | 2 | null = null;
    let sampleRate = 0;
    for await (const c of decodeFileChunks(file, signal)) {
      channels ??= c.channelData.length >= 2 ? 2 : 1;
      sampleRate ||= c.sampleRate; // a decoder that resyncs at another rate: positions stay in the first one's
      yield { sampleRate, channels: toChannels(c.channelData, channels) };
    }
  }
  return cutSpans(file, spans, chunks());
}

/** Cuts every span out of one pass over `chunks` (planar, one rate, known from the first chunk). */
async function cutSpans(file: string, spans: Span[], chunks: AsyncIterable<Audio>): Promise<Audio[]> {
  if (!spans.length) return [];
  let rate = 0;
  let width = 1;
  let bounds: { from: number; to: number; parts: Float32Array[][] }[] = [];
  let last = Infinity;
  let pos = 0;
  for await (const chunk of chunks) {
    if (!rate) {
      rate = chunk.sampleRate;
      width = chunk.channels.length;
      bounds = spans.map((s) => ({
        from: Math.round((s.startSec ?? 0) * rate),
        to: s.endSec === undefined || s.endSec === Infinity ? Infinity : Math.round(s.endSec * rate),
        parts: [],
      }));
      last = Math.max(...bounds.map((b) => b.to));
    }
    const n = chunk.channels[0]!.length;
    for (const b of bounds) {
      const a = Math.max(b.from, pos);
      const z = Math.min(b.to, pos + n);
      if (z > a) b.parts.push(chunk.channels.map((ch) => ch.slice(a - pos, z - pos)));
    }
    pos += n;
    if (pos >= last) break;
  }
  const empty = rate ? bounds.findIndex((b) => !b.parts.some((p) => p[0]!.length)) : 0;
  if (empty >= 0) {
    const s = spans[empty]!;
    const span = `${(s.startSec ?? 0).toFixed(2)}–${s.endSec === undefined || s.endSec === Infinity ? 'end' : `${s.endSec.toFixed(2)} s`}`;
    const have = pos ? `it decodes to ${(pos / rate).toFixed(2)} s` : 'it decodes to no samples at all';
    throw new StudioError('BAD_REQUEST', `${file}: no audio in ${span} (${have})`);
  }
  return bounds.map(({ parts }) => ({ sampleRate: rate, channels: concatPlanar(parts, width) }));
}
