import { describe, expect, it } from 'vitest';
import { abRange, isABLoop, placeA, placeB } from './abLoop';

describe('A–B points', () => {
  it('A then B marks a range; neither alone does', () => {
    const a = placeA({ a: null, b: null }, 2);
    expect(abRange(a)).toBeNull();
    expect(abRange(placeB(a, 7))).toEqual({ start: 2, end: 7 });
    expect(abRange(placeB({ a: null, b: null }, 7))).toBeNull();
  });

  it('B may be set before A', () => {
    expect(abRange(placeA(placeB({ a: null, b: null }, 9), 3))).toEqual({ start: 3, end: 9 });
  });

  it('a point crossing the other drops it', () => {
    expect(placeA({ a: 2, b: 7 }, 8)).toEqual({ a: 8, b: null });
    expect(placeB({ a: 2, b: 7 }, 1)).toEqual({ a: null, b: 1 });
    expect(placeB({ a: 2, b: 7 }, 5)).toEqual({ a: 2, b: 5 });
  });

  it('tells the A–B loop from a segment loop', () => {
    const p = { a: 2, b: 7 };
    expect(isABLoop({ start: 2, end: 7 }, p)).toBe(true);
    expect(isABLoop({ start: 10, end: 20 }, p)).toBe(false);
    expect(isABLoop(null, p)).toBe(false);
    expect(isABLoop({ start: 2, end: 7 }, { a: 2, b: null })).toBe(false);
  });
});
