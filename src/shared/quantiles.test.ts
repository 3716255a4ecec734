// Median and quantiles against numpy's defaults (numpy.median, numpy.quantile, linear method).
import { describe, expect, it } from 'vitest';
import { median, quantile, quantileOfSorted } from './quantiles';

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones, of unsorted input', () => {
    expect(median([3])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median(Float32Array.of(2, -1))).toBe(0.5);
    expect(median([])).toBeNaN();
  });

  it('leaves its input as it was', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('quantile', () => {
  it('interpolates linearly between order statistics', () => {
    // numpy.quantile([100, 103, …, 187], [1/3, 2/3]) = [129, 158]
    const xs = Array.from({ length: 30 }, (_, i) => 187 - i * 3);
    expect(quantile(xs, 1 / 3)).toBeCloseTo(129, 10);
    expect(quantile(xs, 2 / 3)).toBeCloseTo(158, 10);
    expect(quantile([1, 2, 3, 4], 1 / 3)).toBeCloseTo(2, 10);
    expect(quantile([10, 20, 30, 40, 50], 0.66)).toBeCloseTo(36.4, 10);
    expect(quantile([5], 0.5)).toBe(5);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('gives the ends at 0 and 1 and the median at one half', () => {
    const xs = [7, 1, 9, 4];
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 1)).toBe(9);
    expect(quantile(xs, 0.5)).toBe(median(xs));
    expect(quantileOfSorted([1, 4, 7, 9], 0.95)).toBeCloseTo(8.7, 10);
  });
});
