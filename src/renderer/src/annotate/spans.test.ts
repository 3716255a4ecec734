import { describe, expect, it } from 'vitest';
import { clampSpan } from './spans';

describe('clampSpan', () => {
  it('cuts a drag longer than 30 s to 30 s and says so', () => {
    expect(clampSpan(10, 55, 120)).toEqual({ startSec: 10, endSec: 40, shortened: true });
  });
  it('leaves a span within limits alone, lengthens a short one to 5 s, keeps it inside the track', () => {
    expect(clampSpan(10, 20, 120)).toEqual({ startSec: 10, endSec: 20, shortened: false });
    expect(clampSpan(10, 11, 120)).toEqual({ startSec: 10, endSec: 15, shortened: false });
    expect(clampSpan(118, 125, 120)).toEqual({ startSec: 113, endSec: 120, shortened: false });
  });
});
