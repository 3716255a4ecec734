// RIFF/WAVE sanity check. music-metadata reads WAV headers but tolerates a data chunk that claims
// more bytes than the file holds (a cut-off copy); the studio wants to name that file instead.
import fs from 'node:fs/promises';

/** Returns a reason when the WAV is structurally broken, or null when it looks whole. */
export async function checkWavStructure(file: string): Promise<string | null> {
  const fh = await fs.open(file, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(12);
    await fh.read(head, 0, 12, 0);
    const riff = head.toString('ascii', 0, 4);
    if ((riff !== 'RIFF' && riff !== 'RF64') || head.toString('ascii', 8, 12) !== 'WAVE') {
      return 'not a WAV file (no RIFF/WAVE header)';
    }
    let pos = 12;
    const hdr = Buffer.alloc(8);
    while (pos + 8 <= size) {
      await fh.read(hdr, 0, 8, pos);
      const id = hdr.toString('ascii', 0, 4);
      const len = hdr.readUInt32LE(4);
      if (id === 'data') {
        // RF64 stores 0xFFFFFFFF here and the real size in ds64; trust the file length then.
        if (riff === 'RIFF' && len !== 0xffffffff && pos + 8 + len > size) {
          const have = size - pos - 8;
          return `truncated: audio data is ${have} of ${len} bytes (${Math.round((100 * have) / len)}%)`;
        }
        return null;
      }
      pos += 8 + len + (len & 1);
    }
    return 'truncated: no audio data chunk';
  } finally {
    await fh.close();
  }
}

/** Sample encoding from the fmt chunk: integer PCM bit depth, or null for float/other codecs. */
export async function wavIntegerBits(file: string): Promise<number | null> {
  const fh = await fs.open(file, 'r');
  try {
    const { size } = await fh.stat();
    const hdr = Buffer.alloc(8);
    let pos = 12;
    while (pos + 8 <= size) {
      await fh.read(hdr, 0, 8, pos);
      const id = hdr.toString('ascii', 0, 4);
      const len = hdr.readUInt32LE(4);
      if (id === 'fmt ') {
        const fmt = Buffer.alloc(Math.min(len, 40));
        await fh.read(fmt, 0, fmt.length, pos + 8);
        let tag = fmt.readUInt16LE(0);
        if (tag === 0xfffe && fmt.length >= 26) tag = fmt.readUInt16LE(24); // WAVE_FORMAT_EXTENSIBLE sub-format
        return tag === 1 ? fmt.readUInt16LE(14) : null;
      }
      pos += 8 + len + (len & 1);
    }
    return null;
  } finally {
    await fh.close();
  }
}
