// Cuts many spans of one audio file into WAV clips in a single streaming decode pass: the file is
// decoded once (core/audio/decode), converted to the target layout and rate as the chunks arrive
// (16 kHz mono through the studio's resampler (core/audio/resampler), exactly as the AST features read
// audio, or the file's own rate and channels), and every span's samples are written to its clip
// while the stream passes over it. Exporting N segments of a track therefore costs one decode,
// not N, and memory stays bounded whatever the track's length (nothing outside the open clips is
// kept). Decoding stops once the last span is complete.
//
// Clips are PCM 16-bit WAV (what Hugging Face `datasets` and every audio tool read; the studio's
// stems are 24-bit, but clips are training material at 16 kHz where 16 bits is the norm), each
// written through WavWriter, so under a temporary name, fsynced and renamed: a clip that exists
// under its name is complete. A span the file has no audio for (a file shorter than the segment
// says) gets no clip, and the caller is told how long the file decoded; a cancelled cut removes
// the clips it had open and leaves the completed ones (the export's temporary folder owns them).
import { toChannels } from '../audio/channels';
import { decodeFileChunks } from '../audio/decode';
import { StreamResampler } from '../audio/resampler';
import { WavWriter } from '../audio/wavWriter';

/** 16 kHz mono (the captioner's input, the default) or the file's own rate and channels. */
export type ClipRate = 16000 | 'original';

export interface ClipSpan {
  /** Seconds into the file. */
  begin: number;
  end: number;
  /** Where the clip goes (absolute path; its folder must exist). */
  out: string;
}

export interface ClipResult {
  /** Frames written at `sampleRate`; 0: the file has no audio in this span and no clip was written. */
  frames: number;
  sampleRate: number;
  channels: number;
}

export interface CutResult {
  clips: ClipResult[];
  /** How far the stream was decoded, in seconds (the file's length when a span reached its end). */
  decodedSec: number;
}

export interface CutOptions {
  sampleRate?: ClipRate;
  signal?: AbortSignal;
  /** Called as each span is finished (its clip written, or found empty), in the order they finish. */
  onClip?(index: number, clip: ClipResult): void;
}

interface OpenSpan {
  index: number;
  from: number;
  to: number;
  writer: WavWriter | null;
  frames: number;
}

/** Cuts every span of `file` into its clip in one decode pass. */
export async function cutClips(file: string, spans: ClipSpan[], opts: CutOptions = {}): Promise<CutResult> {
  const target = opts.sampleRate ?? 16000;
  const results: (ClipResult | null)[] = spans.map(() => null);
  if (!spans.length) return { clips: [], decodedSec: 0 };
  let rate = 0;
  let channels = 0;
  let resampler: StreamResampler | null = null;
  let pending: OpenSpan[] = [];
  let pos = 0;

  const finish = (s: OpenSpan): void => {
    if (s.writer) s.writer.close();
    const clip = { frames: s.frames, sampleRate: rate, channels };
    results[s.index] = clip;
    opts.onClip?.(s.index, clip);
  };
  const feed = (planar: Float32Array[]): void => {
    const n = planar[0]!.length;
    if (!n) return;
    for (const s of pending) {
      const a = Math.max(s.from, pos);
      const z = Math.min(s.to, pos + n);
      if (z <= a) continue;
      s.writer ??= new WavWriter(spans[s.index]!.out, rate, channels, 'pcm16');
      s.writer.write(planar.map((ch) => ch.subarray(a - pos, z - pos)));
      s.frames += z - a;
    }
    pos += n;
    const done = pending.filter((s) => s.to <= pos);
    pending = pending.filter((s) => s.to > pos);
    for (const s of done) {
      finish(s);
      opts.signal?.throwIfAborted(); // between clips
    }
  };

  try {
    for await (const chunk of decodeFileChunks(file, opts.signal)) {
      if (!resampler) {
        rate = target === 'original' ? chunk.sampleRate : target;
        channels = target === 'original' ? chunk.channelData.length : 1;
        resampler = await StreamResampler.create(channels, chunk.sampleRate, rate);
        pending = spans.map((s, index) => ({
          index,
          from: Math.max(0, Math.round(s.begin * rate)),
          to: Math.max(0, Math.round(s.end * rate)),
          writer: null,
          frames: 0,
        }));
        // Empty or inverted spans finish at once, with no clip.
        for (const s of pending.filter((p) => p.to <= p.from)) finish(s);
        pending = pending.filter((p) => p.to > p.from);
      }
      feed(resampler.process(layout(chunk.channelData, channels, target, file)));
      if (!pending.length) break;
    }
    if (resampler) feed(resampler.flush());
    // What the stream never reached: spans past the end of the file (partly or wholly).
    for (const s of pending) finish(s);
    pending = [];
  } catch (err) {
    for (const s of pending) void s.writer?.abort(); // none has queued writes: removed at once
    throw err;
  }
  return { clips: results.map((r) => r ?? { frames: 0, sampleRate: rate, channels }), decodedSec: rate ? pos / rate : 0 };
}

function layout(channelData: Float32Array[], channels: number, target: ClipRate, file: string): Float32Array[] {
  if (target !== 'original') return toChannels(channelData, 1);
  if (channelData.length !== channels) {
    throw new Error(`cannot cut ${file}: its channel count changes mid-stream (${channels} → ${channelData.length})`);
  }
  return channelData;
}
