import { describe, expect, it } from 'vitest';
import { rulerTicks } from './rulerTicks';

describe('rulerTicks', () => {
  it('labels a whole 20-minute track every few minutes', () => {
    const ticks = rulerTicks(0, 1000 / 1200, 1000, 1200);
    const labels = ticks.filter((t) => t.label).map((t) => t.label);
    expect(labels).toEqual(['0:00', '2:00', '4:00', '6:00', '8:00', '10:00', '12:00', '14:00', '16:00', '18:00', '20:00']);
    expect(ticks.every((t, i) => i === 0 || t.x - ticks[i - 1]!.x >= 12)).toBe(true);
  });

  it('zoomed in, gives only the ticks in view, in tenths when labels are closer than a second', () => {
    const ticks = rulerTicks(600.05, 400, 1000, 1200);
    expect(ticks[0]!.sec).toBeCloseTo(600.1, 6);
    expect(ticks.at(-1)!.sec).toBeLessThanOrEqual(602.55);
    expect(ticks.length).toBeLessThan(40);
    expect(ticks.find((t) => t.label)!.label).toBe('10:00.2');
    expect(ticks[0]!.x).toBeCloseTo(20, 6);
  });

  it('stops at the end of the track and draws nothing without a size', () => {
    expect(rulerTicks(55, 20, 1000, 60).at(-1)!.sec).toBe(60);
    expect(rulerTicks(0, 0, 1000, 60)).toEqual([]);
  });
});
