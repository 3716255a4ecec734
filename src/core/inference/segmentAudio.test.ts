import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFile } from '../audio/decode';
import { readAudioAll } from '../audio/read';
import { suggestBuiltin } from '../builtin/suggest';
import { fixture, FIXTURE_DUET, tempDir } from '../testing/tmp';
import { readSegments, readSpansNative } from './segmentAudio';

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

describe('readSpansNative', () => {
  it('cuts spans at the file\'s own rate and channels, equal to the whole decoded file sliced', async () => {
    for (const [name, rate, channels] of [['aria.wav', 44100, 2], ['lullaby.wav', 22050, 1]] as const) {
      const whole = await decodeFile(fixture(name));
      const spans = [{ startSec: 1, endSec: 1.4 }, { startSec: 0, endSec: 0.5 }, { startSec: 0.25 }];
      const parts = await readSpansNative(fixture(name), spans);
      expect(parts.map((p) => [p.sampleRate, p.channels.length])).toEqual(spans.map(() => [rate, channels]));
      spans.forEach((s, i) => {
        const from = Math.round(s.startSec * rate);
        const to = s.endSec === undefined ? whole.channelData[0]!.length : Math.round(s.endSec * rate);
        for (let ch = 0; ch < channels; ch++) expect(parts[i]!.channels[ch]).toEqual(whole.channelData[ch]!.subarray(from, to));
      });
    }
  });

  it('refuses a span past the end, naming the file', async () => {
    await expect(readSpansNative(fixture('aria.wav'), [{ startSec: 3, endSec: 5 }])).rejects.toThrow(`${fixture('aria.wav')}: no audio in 3.00–5.00 s (it decodes to 2.00 s)`);
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
