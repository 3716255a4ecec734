// RIFF/WAVE header reading and sanity checks. music-metadata reads WAV headers but accepts fields
// no real file has (65,535 channels, a 4,294,967,295 Hz rate, 7-bit samples, unknown codecs) and
// a data chunk that claims more bytes than the file holds (a cut-off copy); the studio wants to
// name those files instead. PCM needs no decode to know its length: the decodable frames are the
// whole sample frames actually present, which is what the decoder delivers.
import fs from 'node:fs/promises';
import { headerRangeProblem } from './limits';

export interface WavLayout {
  /** 'int' (PCM) or 'float' (IEEE). */
  encoding: 'int' | 'float';
  bitsPerSample: number;
  channels: number;
  sampleRate: number;
  /** Frames the data chunk declares. */
  declaredFrames: number;
  /** Whole frames present in the file (fewer than declared when it was cut off). */
  presentFrames: number;
}

/** A WAV the studio cannot use; the message is the reason shown to the user. */
export class WavError extends Error {}

const FORMAT_TAGS: Record<number, string> = { 1: 'int', 3: 'float' };
const TAG_NAMES: Record<number, string> = { 2: 'MS ADPCM', 6: 'A-law', 7: 'µ-law', 0x11: 'IMA ADPCM', 0x55: 'MP3' };
const INT_BITS = [8, 16, 24, 32];
const FLOAT_BITS = [32, 64];

/** Reads and checks a WAV's header; throws WavError with the reason when it is unusable. */
export async function readWavLayout(file: string): Promise<WavLayout> {
  const fh = await fs.open(file, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(12);
    await fh.read(head, 0, 12, 0);
    const riff = head.toString('ascii', 0, 4);
    if ((riff !== 'RIFF' && riff !== 'RF64') || head.toString('ascii', 8, 12) !== 'WAVE') {
      throw new WavError('not a WAV file (no RIFF/WAVE header)');
    }
    let fmt: Omit<WavLayout, 'declaredFrames' | 'presentFrames'> & { blockAlign: number } | null = null;
    let pos = 12;
    const hdr = Buffer.alloc(8);
    while (pos + 8 <= size) {
      await fh.read(hdr, 0, 8, pos);
      const id = hdr.toString('ascii', 0, 4);
      const len = hdr.readUInt32LE(4);
      if (id === 'fmt ') {
        const body = Buffer.alloc(Math.min(len, 40));
        const { bytesRead } = await fh.read(body, 0, body.length, pos + 8);
        fmt = parseFmt(body.subarray(0, bytesRead), len);
      } else if (id === 'data') {
        if (!fmt) throw new WavError('broken WAV header: audio data comes before its fmt chunk');
        const present = size - pos - 8;
        // 0 and 0xFFFFFFFF are streaming placeholders, and RF64 keeps the real size in ds64:
        // the data then runs to the end of the file.
        const declared = riff === 'RIFF' && len !== 0 && len !== 0xffffffff ? len : present;
        const { blockAlign, ...rest } = fmt;
        return {
          ...rest,
          declaredFrames: Math.floor(declared / blockAlign),
          presentFrames: Math.floor(Math.min(declared, present) / blockAlign),
        };
      }
      pos += 8 + len + (len & 1);
    }
    throw new WavError(fmt ? 'truncated: no audio data chunk' : 'truncated: no fmt chunk');
  } finally {
    await fh.close();
  }
}

function parseFmt(b: Buffer, len: number): Omit<WavLayout, 'declaredFrames' | 'presentFrames'> & { blockAlign: number } {
  if (len < 16 || b.length < 16) throw new WavError(`broken WAV header: fmt chunk of ${len} bytes`);
  let tag = b.readUInt16LE(0);
  // WAVE_FORMAT_EXTENSIBLE: the codec is the first two bytes of the SubFormat GUID.
  if (tag === 0xfffe) {
    if (b.length < 26) throw new WavError('broken WAV header: extensible fmt chunk too short');
    tag = b.readUInt16LE(24);
  }
  const encoding = FORMAT_TAGS[tag] as WavLayout['encoding'] | undefined;
  if (!encoding) {
    const hex = `0x${tag.toString(16).padStart(4, '0')}`;
    throw new WavError(`unsupported WAV codec ${TAG_NAMES[tag] ? `${TAG_NAMES[tag]} (${hex})` : hex}; supported: integer PCM, IEEE float`);
  }
  const channels = b.readUInt16LE(2);
  const sampleRate = b.readUInt32LE(4);
  const blockAlign = b.readUInt16LE(12);
  const bitsPerSample = b.readUInt16LE(14);
  const range = headerRangeProblem(channels, sampleRate);
  if (range) throw new WavError(range);
  const allowed = encoding === 'int' ? INT_BITS : FLOAT_BITS;
  if (!allowed.includes(bitsPerSample)) {
    throw new WavError(`unsupported WAV sample format: ${bitsPerSample}-bit ${encoding === 'int' ? 'integer' : 'float'} (supported: ${INT_BITS.join('/')}-bit integer, ${FLOAT_BITS.join('/')}-bit float)`);
  }
  if (blockAlign !== (channels * bitsPerSample) / 8) {
    throw new WavError(`broken WAV header: block size ${blockAlign} bytes, but ${channels} × ${bitsPerSample}-bit samples need ${(channels * bitsPerSample) / 8}`);
  }
  return { encoding, bitsPerSample, channels, sampleRate, blockAlign };
}

/** Integer PCM bit depth, or null for float (used to rescale decoded integer samples). */
export async function wavIntegerBits(file: string): Promise<number | null> {
  try {
    const layout = await readWavLayout(file);
    return layout.encoding === 'int' ? layout.bitsPerSample : null;
  } catch (err) {
    if (err instanceof WavError) return null;
    throw err;
  }
}
