// Decoding with maintained decoders (audio-decode: wasm builds of mpg123, libFLAC, libvorbis,
// libopus, an AAC decoder) — never a hand-written codec. The format is sniffed from the bytes,
// not the file name, and decoding streams chunk by chunk so long files stay in bounded memory.
// MP3 and AAC come out gapless (encoder delay and padding trimmed by the decoders). Read chunks
// pass through decoderInput, which works around two upstream faults (float WAVs with odd sample
// offsets refused, FLAC's last frame dropped when a frame header straddles a read boundary).
import audioType from 'audio-type';
import decode, { decodeChunked } from 'audio-decode';
import fs from 'node:fs';
import { StudioError } from '../../shared/errors';
import { wavIntegerBits } from '../library/wavStructure';
import { decoderInput } from './decoderInput';
import { quietDecoderLogs } from './decoderNoise';
import { requireRegularFile } from '../regularFile';

export interface PcmChunk {
  /** One Float32Array per channel, equal lengths. */
  channelData: Float32Array[];
  sampleRate: number;
}

type DecoderFormat = Parameters<typeof decodeChunked>[1];

quietDecoderLogs();
const STREAMABLE: readonly string[] = ['wav', 'flac', 'mp3', 'oga', 'opus', 'm4a', 'aac'];

/** The decoder format of a file, from its first bytes. */
export async function sniffFormat(file: string): Promise<DecoderFormat> {
  await requireRegularFile(file); // a FIFO would block the open below for ever
  const fh = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const type = audioType(head.subarray(0, bytesRead));
    if (!type || !STREAMABLE.includes(type)) {
      throw new StudioError('UNSUPPORTED', `cannot decode ${file}: ${type ? `${type} is not supported` : 'not a recognised audio format'}`);
    }
    return type as DecoderFormat;
  } finally {
    await fh.close();
  }
}

/** Bytes read per step; the decoders' output does not depend on it (decodeCounts.test.ts checks 4 KiB–1 MiB). */
const READ_CHUNK_BYTES = 1 << 18;

/** Decodes a file as a stream of PCM chunks at its own sample rate and channel count. */
export async function* decodeFileChunks(file: string, signal?: AbortSignal, chunkBytes = READ_CHUNK_BYTES): AsyncGenerator<PcmChunk> {
  const format = await sniffFormat(file);
  const fix = format === 'wav' ? symmetricScale(await wavIntegerBits(file)) : null;
  const stream = fs.createReadStream(file, { highWaterMark: chunkBytes });
  try {
    for await (const chunk of decodeChunked(decoderInput(stream, format), format)) {
      signal?.throwIfAborted();
      if (!chunk.channelData.length || !chunk.channelData[0]!.length) continue;
      if (fix) chunk.channelData.forEach(fix);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof StudioError || (err as Error).name === 'AbortError') throw err;
    throw new StudioError('UNSUPPORTED', `cannot decode ${file}: ${(err as Error).message}`);
  } finally {
    stream.destroy();
  }
}

export interface DecodedLength {
  /** Frames (samples per channel) the decoder delivers, at `sampleRate`. */
  frames: number;
  sampleRate: number;
  /** The most channels any chunk had. */
  channels: number;
  /** Every rate the stream decoded at; more than one means the decoder resynced on junk. */
  sampleRates: number[];
}

/** Decodes the whole file, streaming, and counts what comes out; nothing is kept. */
export async function countDecodedFrames(file: string, signal?: AbortSignal): Promise<DecodedLength> {
  let frames = 0;
  let channels = 0;
  const rates = new Set<number>();
  for await (const c of decodeFileChunks(file, signal)) {
    rates.add(c.sampleRate);
    frames += c.channelData[0]!.length;
    channels = Math.max(channels, c.channelData.length);
  }
  const sampleRates = [...rates];
  return { frames, sampleRate: sampleRates[0] ?? 0, channels, sampleRates };
}

/**
 * audio-decode scales integer PCM asymmetrically (negatives by 2^-(b-1), positives by
 * 1/(2^(b-1) − 1)); libsndfile, torchaudio and so Hugging Face's feature extractors divide both by
 * 2^(b-1). The studio uses the common convention, so features of a WAV match theirs exactly.
 */
function symmetricScale(bits: number | null): ((ch: Float32Array) => void) | null {
  if (!bits || bits < 8 || bits > 32) return null;
  const k = (2 ** (bits - 1) - 1) / 2 ** (bits - 1);
  return (ch) => {
    for (let i = 0; i < ch.length; i++) if (ch[i]! > 0) ch[i] = ch[i]! * k;
  };
}

/** Whole-file decode, for short material (segments, tests). */
export async function decodeFile(file: string): Promise<PcmChunk> {
  const format = await sniffFormat(file); // refuses a FIFO or folder before reading it whole
  try {
    const res = await decode(await fs.promises.readFile(file));
    const fix = format === 'wav' ? symmetricScale(await wavIntegerBits(file)) : null;
    if (fix) res.channelData.forEach(fix);
    return { channelData: res.channelData, sampleRate: res.sampleRate };
  } catch (err) {
    throw new StudioError('UNSUPPORTED', `cannot decode ${file}: ${(err as Error).message}`);
  }
}
