import { describe, expect, it } from 'vitest';
import { normalizedWordEdit, tokenEditDistance, wordEditDistance, wordTokens } from './wordEdit';

/** Levenshtein straight from its recursive definition (memoised so long sequences finish). */
function oracle(a: readonly string[], b: readonly string[]): number {
  const memo = new Map<string, number>();
  const d = (i: number, j: number): number => {
    if (i === 0) return j;
    if (j === 0) return i;
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const v = Math.min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
    memo.set(key, v);
    return v;
  };
  return d(a.length, b.length);
}

/** A small seeded generator, so a failure names a case that can be run again. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('word edit distance', () => {
  it('splits on spaces and punctuation, lowercases, keeps inner apostrophes', () => {
    expect(wordTokens('A breathy, LOW voice -- don’t rush; 120 bpm!')).toEqual(['a', 'breathy', 'low', 'voice', 'don’t', 'rush', '120', 'bpm']);
    expect(wordTokens('  ...  ')).toEqual([]);
    expect(wordTokens('Élan vital')).toEqual(['élan', 'vital']);
  });

  it('counts words inserted, deleted and replaced, not characters, case or punctuation', () => {
    expect(wordEditDistance('A warm male voice.', 'a warm male voice')).toBe(0);
    expect(wordEditDistance('a warm male voice', 'a warm female voice')).toBe(1);
    expect(wordEditDistance('a warm male voice', 'a bright warm male voice with reverb')).toBe(3);
    expect(wordEditDistance('', 'three words here')).toBe(3);
    expect(normalizedWordEdit('a b c d', 'a x c')).toEqual({ edits: 2, normalized: 0.5 });
    expect(normalizedWordEdit('', '')).toEqual({ edits: 0, normalized: 0 });
  });

  it('agrees with the definition on random word sequences, short and long (> 32 words)', () => {
    const vocab = ['a', 'warm', 'voice', 'low', 'high', 'male', 'female', 'piano', 'slow', 'fast', 'sad'];
    const next = rng(42);
    const seq = (max: number) => Array.from({ length: Math.floor(next() * (max + 1)) }, () => vocab[Math.floor(next() * vocab.length)]!);
    for (let n = 0; n < 400; n++) {
      const max = n < 300 ? 8 : 70;
      const a = seq(max);
      const b = next() < 0.3 ? a.map((w) => (next() < 0.2 ? vocab[Math.floor(next() * vocab.length)]! : w)) : seq(max);
      expect(tokenEditDistance(a, b), `${a.join(' ')} | ${b.join(' ')}`).toBe(oracle(a, b));
    }
  });

  it('treats many distinct words (past the surrogate range of code units) as distinct', () => {
    const a = Array.from({ length: 56_000 }, (_, i) => `w${i}`);
    const changedLast = [...a.slice(0, -1), 'changed'];
    expect(tokenEditDistance(a, changedLast)).toBe(1);
    expect(tokenEditDistance(a, a.slice(1))).toBe(1);
    expect(tokenEditDistance(a, a)).toBe(0);
  });
});
