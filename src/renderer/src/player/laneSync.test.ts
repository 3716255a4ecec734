import { describe, expect, it } from 'vitest';
import { alignStart, BASE_DELAY, consensus, contextTimeOf, correction, delayFor, heardTime, HISTORY, JUDGE, MAX_DELAY, median, remember, TOLERANCE } from './laneSync';

const QUANTUM = 128 / 44100;

describe('lane alignment', () => {
  it('delays lanes that started early so every output carries the same content', () => {
    // Measured in Chromium: lanes resume 0 or 3 render quanta apart.
    for (const rate of [0.5, 1, 1.5, 2]) {
      const times = [10, 10, 10 + 3 * QUANTUM, 10 + 3 * QUANTUM, 10 - QUANTUM];
      const { heard, delays } = alignStart(times, rate);
      expect(heard).toBeCloseTo(10 - BASE_DELAY * rate, 9);
      delays.forEach((d, i) => {
        expect(d).not.toBeNull();
        expect(heardTime({ time: times[i]!, delay: d! }, rate)).toBeCloseTo(heard, 9);
      });
    }
  });

  it('leaves out of reach a lane that is behind by more than the headroom or ahead by more than MAX_DELAY', () => {
    const { delays } = alignStart([20, 20, 20, 20 - 2 * BASE_DELAY, 20 + MAX_DELAY + 0.5], 1);
    expect(delays.slice(0, 3).every((d) => d !== null)).toBe(true);
    expect(delays[3]).toBeNull();
    expect(delays[4]).toBeNull();
    expect(delayFor(5, 5, 1)).toBe(0);
  });

  it('takes what most lanes output as the truth, so one stalled lane cannot move it', () => {
    const clocks = [0.06, 0.06, 0.06, 0.06].map((delay) => ({ time: 30, delay }));
    clocks.push({ time: 29.2, delay: 0.06 });
    expect(consensus(clocks, 1)).toBeCloseTo(30 - 0.06, 9);
  });

  it('ignores a clock that reads a quantum off now and then, and corrects a lasting offset', () => {
    const errs: number[] = [];
    // A lane read mostly aligned with two one-off readings a quantum late: no correction.
    for (let i = 0; i < HISTORY; i++) remember(errs, i % 7 === 3 ? -QUANTUM : 0);
    expect(errs.length).toBe(HISTORY);
    expect(correction(0.06, errs, 1)).toBeUndefined();
    // The same lane now consistently a quantum behind: its delay shrinks by exactly that.
    const behind = Array.from({ length: JUDGE }, () => -QUANTUM);
    expect(correction(0.06, behind, 1)).toBeCloseTo(0.06 - QUANTUM, 9);
    expect(correction(0.06, behind.slice(1), 1)).toBeUndefined(); // too few readings to judge
    expect(correction(0.06, Array(JUDGE).fill(TOLERANCE / 2), 1)).toBeUndefined();
    // Behind by more than its delay: only a re-seek can help.
    expect(correction(0.06, Array(JUDGE).fill(-0.2), 1)).toBeNull();
  });

  it('finds when the output reaches a point (the loop end) on the context clock', () => {
    expect(contextTimeOf(12, 10, 100, 2)).toBe(101);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
