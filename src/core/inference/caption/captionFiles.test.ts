// Several files' segments captioned in one pass of the real tiny captioner: model batches are filled
// across file boundaries, each file is handed over as soon as its last segment is captioned, the
// captions are those of each file captioned on its own, and an unreadable file fails alone.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../packs/manifest';
import { fixture, tempDir } from '../../testing/tmp';
import { Captioner } from './captioner';
import { captionFiles, type BatchCaptioner, type FileOutcome } from './captionFiles';

const DIR = path.resolve(__dirname, '../../../../test/fixtures/packs/tiny-captioner');
const spec = parseManifest(JSON.parse(fs.readFileSync(path.join(DIR, 'model.json'), 'utf8'))).captioner!;

/** The captioner, with the size of every model batch it ran. */
async function counted(): Promise<{ cap: BatchCaptioner; batches: number[] }> {
  const real = await Captioner.load(DIR, spec, { encoderEp: 'cpu', decoderEp: 'cpu', threads: 1 });
  const batches: number[] = [];
  return { cap: { caption: (f, o) => (batches.push(f.length), real.caption(f, o)) }, batches };
}

const files = [
  { file: fixture('aria.wav'), segments: [{ startSec: 0, endSec: 1 }] },
  { file: fixture('lullaby.wav'), segments: [{ startSec: 0, endSec: 0.7 }, { startSec: 0.7, endSec: 1.5 }] },
  { file: fixture('aria.flac'), segments: [{ startSec: 0.5, endSec: 2 }, { startSec: 1, endSec: 1.5 }, { startSec: 0, endSec: 0.5 }] },
];

describe('captionFiles', () => {
  it('fills batches across files and gives each file the captions it gets alone', async () => {
    const { cap, batches } = await counted();
    const order: number[] = [];
    const together = await captionFiles(cap, files, { batchSize: 4, numBeams: 2, fileDone: (o) => order.push(o.index) });
    // 6 segments of 3 files: two model runs (4 + 2), the first mixing all three files.
    expect(batches).toEqual([4, 2]);
    expect(order).toEqual([0, 1, 2]);
    for (const [i, f] of files.entries()) {
      const [alone] = await captionFiles(cap, [f], { batchSize: 4, numBeams: 2 });
      const got = together[i] as Extract<FileOutcome, { captions: unknown }>;
      expect(got.captions.map((c) => c.text)).toEqual((alone as typeof got).captions.map((c) => c.text));
      got.captions.forEach((c, k) => expect(c.score).toBeCloseTo((alone as typeof got).captions[k]!.score, 4));
    }
  });

  it('a file that cannot be read fails alone, with its name; the others are captioned', async () => {
    const tmp = tempDir();
    try {
      const bad = path.join(tmp.dir, 'broken.wav');
      fs.writeFileSync(bad, 'not audio');
      const { cap, batches } = await counted();
      const out = await captionFiles(cap, [files[0]!, { file: bad, segments: [{ startSec: 0, endSec: 1 }] }, files[1]!], { batchSize: 4, numBeams: 1 });
      expect(out[1]).toMatchObject({ index: 1, error: expect.stringContaining(bad), code: expect.any(String) });
      expect(out.map((o) => ('captions' in o ? o.captions.length : -1))).toEqual([1, -1, 2]);
      expect(batches).toEqual([3]);
    } finally {
      tmp.cleanup();
    }
  });
});
