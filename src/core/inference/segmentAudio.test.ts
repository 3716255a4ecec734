import { describe, expect, it } from 'vitest';
import { readAudioAll } from '../audio/read';
import { FIXTURE_DUET } from '../testing/tmp';
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
