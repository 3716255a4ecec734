import { describe, expect, it } from 'vitest';
import { MAX_PX_PER_SEC, useTimeline } from './useTimeline';

function twentyMinutes() {
  const t = useTimeline();
  t.duration.value = 1200;
  t.viewWidth.value = 1200; // fits at 1 px/s
  return t;
}

describe('useTimeline', () => {
  it('zooms around the playhead and keeps it where it was on screen', () => {
    const t = twentyMinutes();
    t.follow(600);
    expect(t.scrollable.value).toBe(false);
    t.setZoom(40);
    expect(t.effectivePxPerSec.value).toBe(40);
    expect(t.visibleSec.value).toBe(30);
    // 600 s was at pixel 600 of 1200; it still is.
    expect((600 - t.scrollSec.value) * 40).toBeCloseTo(600, 6);
    t.zoomIn();
    expect(t.pxPerSec.value).toBe(80);
    expect((600 - t.scrollSec.value) * 80).toBeCloseTo(600, 6);
    t.setZoom(10_000);
    expect(t.pxPerSec.value).toBe(MAX_PX_PER_SEC);
    // Zooming out past fitting the lane is "fit", scrolled home.
    t.setZoom(0.5);
    expect(t.pxPerSec.value).toBe(0);
    expect(t.scrollSec.value).toBe(0);
  });

  it('keeps the scroll inside the track', () => {
    const t = twentyMinutes();
    t.setZoom(10, 0);
    t.scrollTo(5000);
    expect(t.scrollSec.value).toBe(1200 - 120);
    t.scrollByPixels(-1e9);
    expect(t.scrollSec.value).toBe(0);
  });

  it('follows a seek out of view, and playback walking off the edge, but not a listener who scrolled away', () => {
    const t = twentyMinutes();
    t.setZoom(10, 0); // 120 s in view
    t.follow(0);
    t.follow(900); // seek
    expect(t.scrollSec.value).toBeCloseTo(900 - 12, 6);
    for (let s = 900; s <= 1050; s += 0.1) t.follow(s); // plays past the right edge (1008 s)
    expect(t.scrollSec.value).toBeGreaterThan(990); // paged when it reached 1008 s
    expect(t.scrollSec.value).toBeLessThanOrEqual(1050);
    expect(1050).toBeLessThanOrEqual(t.scrollSec.value + t.visibleSec.value);
    t.scrollTo(100); // the listener looks elsewhere while it plays
    for (let s = 1050; s <= 1060; s += 0.1) t.follow(s);
    expect(t.scrollSec.value).toBe(100);
  });
});
