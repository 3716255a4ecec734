import { describe, expect, it } from 'vitest';
import { formatDuration } from './format';

describe('formatDuration', () => {
  it.each([
    [0, '0:00'],
    [1.5, '0:02'],
    [83.4, '1:23'],
    [3725, '1:02:05'],
    [null, '–'],
    [Number.NaN, '–'],
  ])('%s → %s', (sec, want) => expect(formatDuration(sec)).toBe(want));
});
