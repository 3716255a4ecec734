import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAudioAll } from '../audio/read';
import { suggestBuiltin } from '../builtin/suggest';
import { fixture, FIXTURE_DUET, tempDir } from '../testing/tmp';
import { readSegments } from './segmentAudio';

describe('readSegments', () => {
  it('cuts several (overlapping, unordered) spans from one pass, equal to the whole file sliced', async () => {
    const file = `${FIXTURE_DUET}/duet.mp3`;
    const [whole] = await readAudioAll(file, { sampleRate: 16000, channels: 1 });
    const spans = [{ startSec: 6, endSec: 9.5 }, { startSec: 0, endSec: 5 }, { startSec: 4, endSec: 8 }, { startSec: 9 }];
    const parts = await readSegments(file, spans);
    spans.forEach((s, i) => {
      const from = Math.round(s.startSec * 16000);
      const to = s.endSec === undefined ? whole!.length : Math.round(s.endSec * 16000);
      expect(parts[i]!.length).toBe(to - from);
      expect(Array.from(parts[i]!.subarray(0, 50))).toEqual(Array.from(whole!.subarray(from, from + 50)));
      expect(parts[i]!.at(-1)).toBe(whole![to - 1]);
    });
  });
});

describe('readSegments refuses spans with no samples', () => {
  it('a span past the end of the file names the file and its decodable length', async () => {
    const file = `${FIXTURE_DUET}/duet.mp3`;
    await expect(readSegments(file, [{ startSec: 0, endSec: 5 }, { startSec: 12, endSec: 15 }])).rejects.toThrow(
      `${file}: no audio in 12.00–15.00 s (it decodes to 10.00 s)`,
    );
  });

  it('a file that decodes to nothing, e.g. a FLAC cut after its header', async () => {
    const tmp = tempDir();
    try {
      const cut = path.join(tmp.dir, 'cut.flac');
      fs.writeFileSync(cut, fs.readFileSync(fixture('aria.flac')).subarray(0, 200));
      await expect(readSegments(cut, [{ startSec: 0, endSec: 5 }])).rejects.toThrow(`${cut}: no audio in 0.00–5.00 s (it decodes to no samples at all)`);
      await expect(suggestBuiltin({ file: cut, vocalsFile: null, genre: null, spans: [{ startSec: 0 }] })).rejects.toThrow(/no audio in 0\.00–end/);
    } finally {
      tmp.cleanup();
    }
  });
});
