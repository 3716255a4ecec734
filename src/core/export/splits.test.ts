// Splits by track content hash: the same hash always lands in the same split, the ratios are
// honoured over many tracks, and zero ratios leave their split empty.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashFraction, normaliseSplits, splitOf } from './splits';

const hashes = (n: number, seed = 'h') => Array.from({ length: n }, (_, i) => crypto.createHash('sha256').update(`${seed}${i}`).digest('hex'));

describe('export splits', () => {
  it('reads the first 8 hex digits as a fraction', () => {
    expect(hashFraction('00000000' + 'f'.repeat(56))).toBe(0);
    expect(hashFraction('80000000' + '0'.repeat(56))).toBe(0.5);
    expect(hashFraction('ffffffff')).toBeLessThan(1);
    expect(splitOf('cccccccc' + '0'.repeat(56), normaliseSplits())).toBe('train'); // 0.79999…
    expect(splitOf('cccccccd' + '0'.repeat(56), normaliseSplits())).toBe('validation'); // 0.80000…
    expect(splitOf('e6666667' + '0'.repeat(56), normaliseSplits())).toBe('test');
  });

  it('is deterministic: the same hash gets the same split every time, whatever else is exported', () => {
    const hs = hashes(500);
    const ratios = normaliseSplits([0.7, 0.2, 0.1]);
    const first = hs.map((h) => splitOf(h, ratios));
    const again = [...hs].reverse().map((h) => splitOf(h, ratios)).reverse();
    expect(again).toEqual(first);
  });

  it('honours the ratios over many random hashes', () => {
    const hs = hashes(20_000, 'r');
    for (const ratios of [[0.8, 0.1, 0.1], [8, 1, 1], [0.5, 0.25, 0.25], [1, 0, 0], [0, 0, 1]] as const) {
      const norm = normaliseSplits(ratios);
      const counts = { train: 0, validation: 0, test: 0 };
      for (const h of hs) counts[splitOf(h, norm)]++;
      const share = [counts.train, counts.validation, counts.test].map((c) => c / hs.length);
      share.forEach((s, i) => expect(Math.abs(s - norm[i]!)).toBeLessThan(0.015));
      norm.forEach((r, i) => r === 0 && expect(share[i]).toBe(0));
    }
  });

  it('refuses ratios that cannot split anything', () => {
    expect(() => normaliseSplits([0, 0, 0])).toThrow(/cannot all be 0/);
    expect(() => normaliseSplits([-1, 1, 1])).toThrow(/at least 0/);
    expect(() => normaliseSplits([1, 1])).toThrow(/three numbers/);
  });

  it('splits a hash that is not hex by hashing it first', () => {
    const f = hashFraction('seed-0000-not-hex');
    expect(f).toBeGreaterThanOrEqual(0);
    expect(f).toBeLessThan(1);
    expect(hashFraction('seed-0000-not-hex')).toBe(f);
  });
});
