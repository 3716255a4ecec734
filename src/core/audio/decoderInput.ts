// Adapts a file's read chunks to what audio-decode's chunked decoders (audio-decode 3.12,
// @audio/decode-wav 1.5.1, @audio/decode-flac 1.3.5) need, working around two upstream faults
// that lose samples or refuse whole files when they are fed Node's fs chunks directly:
//
// 1. Node Buffers. The WAV decoder builds Float32Array/Int32Array views of the sample bytes and,
//    when a chunk's offset is not a multiple of the sample size, "copies" it with `raw.slice()`.
//    On a Node Buffer, slice is a view, not a copy, so an IEEE-float WAV whose samples start at an
//    odd offset (an 18-byte `fmt ` chunk plus a `fact` chunk, as SoX, scipy and many editors write)
//    throws "start offset of Float32Array should be a multiple of 4". Plain Uint8Array views of
//    the same memory fix it: their slice copies.
// 2. FLAC frame headers split by a chunk boundary. The FLAC decoder's frame splitter only
//    recognises the next frame's header when the whole header is inside the bytes received so
//    far; a header cut by a read boundary is taken for frame data, two frames reach libFLAC as
//    one, the decoder lags one frame from there on and the stream's last frame is never returned
//    (a 10-minute 44.1 kHz FLAC read in 64 KiB chunks lost its last 864 samples). Holding back each
//    chunk's tail from its first possible frame sync (0xFF 0xF8/0xF9) within the last 16 bytes —
//    the longest FLAC frame header — means every header arrives whole in one piece.
//
// Written here because the fixes are about how our stream feeds the decoder; drop them once the
// upstream packages handle both (decodeCounts.test.ts will say so).

/** FLAC frame header: sync (2) + 2 + coded frame/sample number (≤ 7) + block size (2) + rate (2) + CRC-8 (1). */
const FLAC_MAX_HEADER = 16;

/** Yields the source's bytes as plain Uint8Array views, re-cut for the decoder of `format`. */
export async function* decoderInput(source: AsyncIterable<Buffer | Uint8Array>, format: string): AsyncGenerator<Uint8Array> {
  if (format !== 'flac') {
    for await (const chunk of source) yield plain(chunk);
    return;
  }
  let carry: Uint8Array | null = null;
  for await (const chunk of source) {
    const bytes: Uint8Array = carry ? concat(carry, plain(chunk)) : plain(chunk);
    const cut = firstSyncNearEnd(bytes);
    carry = cut < bytes.length ? bytes.slice(cut) : null;
    if (cut > 0) yield bytes.subarray(0, cut);
  }
  if (carry) yield carry;
}

/** Offset of the first byte that may begin a FLAC frame header not wholly inside `b`, else b.length. */
function firstSyncNearEnd(b: Uint8Array): number {
  for (let p = Math.max(0, b.length - FLAC_MAX_HEADER); p < b.length; p++) {
    if (b[p] === 0xff && (p + 1 === b.length || (b[p + 1]! & 0xfe) === 0xf8)) return p;
  }
  return b.length;
}

function plain(b: Uint8Array): Uint8Array {
  return Buffer.isBuffer(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
