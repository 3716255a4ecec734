// The audio pipeline every consumer uses: decode (streaming) → channel layout → resample, in
// chunks. One decode pass can feed several targets (e.g. 16 kHz mono for features and 44.1 kHz
// stereo for separation) without ever holding a whole long track at any rate.
import { toChannels } from './channels';
import { decodeFileChunks } from './decode';
import { StreamResampler, type ResampleQuality } from './resampler';

export interface AudioTarget {
  sampleRate: number;
  channels: 1 | 2;
}

export interface ReadOptions {
  quality?: ResampleQuality;
  signal?: AbortSignal;
}

/** Streams a file converted to each target; yields [chunkForTarget0, chunkForTarget1, …]. */
export async function* readAudioMulti(file: string, targets: AudioTarget[], opts: ReadOptions = {}): AsyncGenerator<Float32Array[][]> {
  let resamplers: StreamResampler[] | null = null;
  for await (const chunk of decodeFileChunks(file, opts.signal)) {
    resamplers ??= await Promise.all(
      targets.map((t) => StreamResampler.create(t.channels, chunk.sampleRate, t.sampleRate, opts.quality)),
    );
    yield targets.map((t, i) => resamplers![i]!.process(toChannels(chunk.channelData, t.channels)));
  }
  if (resamplers) yield resamplers.map((r) => r.flush());
}

/** Streams a file converted to one target, in planar chunks. */
export async function* readAudio(file: string, target: AudioTarget, opts: ReadOptions = {}): AsyncGenerator<Float32Array[]> {
  for await (const [chunk] of readAudioMulti(file, [target], opts)) {
    if (chunk![0]!.length) yield chunk!;
  }
}

/** Reads a whole file into memory at the target rate and layout (short material only). */
export async function readAudioAll(file: string, target: AudioTarget, opts: ReadOptions = {}): Promise<Float32Array[]> {
  const parts: Float32Array[][] = [];
  for await (const c of readAudio(file, target, opts)) parts.push(c);
  return concatPlanar(parts, target.channels);
}

export function concatPlanar(parts: Float32Array[][], channels: number): Float32Array[] {
  const len = parts.reduce((n, p) => n + p[0]!.length, 0);
  return Array.from({ length: channels }, (_, ch) => {
    const out = new Float32Array(len);
    let o = 0;
    for (const p of parts) {
      out.set(p[ch]!, o);
      o += p[ch]!.length;
    }
    return out;
  });
}
