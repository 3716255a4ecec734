import { describe, expect, it } from 'vitest';
import { openProposals } from './proposals';

const p = (startSec: number, endSec: number, vocalDensity: number) => ({ startSec, endSec, vocalDensity });

describe('openProposals', () => {
  it('most vocal-dense first, earlier first on a tie', () => {
    expect(openProposals([p(0, 10, 0.5), p(10, 20, 0.9), p(30, 40, 0.5), p(20, 30, 0.7)], [])).toEqual([p(10, 20, 0.9), p(20, 30, 0.7), p(0, 10, 0.5), p(30, 40, 0.5)]);
  });
  it('skips proposals that overlap a segment, not ones that only touch it', () => {
    const proposals = [p(0, 10, 0.9), p(10, 20, 0.8), p(25, 35, 0.7)];
    expect(openProposals(proposals, [{ startSec: 5, endSec: 8 }])).toEqual([p(10, 20, 0.8), p(25, 35, 0.7)]);
    expect(openProposals(proposals, [{ startSec: 20, endSec: 25 }])).toEqual(proposals);
    expect(openProposals(proposals, [{ startSec: 9, endSec: 30 }])).toEqual([]);
  });
});
