// One zoom and scroll state for all the lanes of a track (the mix and every stem), so they stay
// aligned in time: the lanes apply it to their waveforms and report the user's scrolling back
// here. It also decides when the view follows the playhead (after a seek, or when playback walks
// off the edge) — and leaves it alone when the listener scrolled away on purpose.
import { computed, ref, type ComputedRef, type Ref } from 'vue';

/** The closest zoom: 400 px per second (a 5 s segment is 2000 px wide). */
export const MAX_PX_PER_SEC = 400;
/** Zoom buttons and ctrl+wheel multiply or divide the zoom by this. */
export const ZOOM_STEP = 2;
/** Where a followed playhead lands, as a fraction of the view from its left edge. */
const FOLLOW_AT = 0.1;
/** A playhead move larger than this between two updates is a seek (or a loop wrapping). */
const JUMP_SEC = 0.5;

export interface Timeline {
  /** Pixels per second asked for; 0 fits the whole track in the lane. */
  pxPerSec: Ref<number>;
  /** Time at the left edge of the view, in seconds. */
  scrollSec: Ref<number>;
  /** Track length in seconds, and the lanes' visible width in pixels (set by the waveforms). */
  duration: Ref<number>;
  viewWidth: Ref<number>;
  /** Pixels per second when the whole track fits the lane. */
  fitPxPerSec: ComputedRef<number>;
  /** Pixels per second actually drawn (never less than fitting the lane). */
  effectivePxPerSec: ComputedRef<number>;
  /** Seconds the view shows. */
  visibleSec: ComputedRef<number>;
  /** True when the track is wider than the lane. */
  scrollable: ComputedRef<boolean>;
  /** Zoom to `pxPerSec` keeping `anchorSec` (default: the playhead if in view, else the middle) in place. */
  setZoom(pxPerSec: number, anchorSec?: number): void;
  zoomIn(anchorSec?: number): void;
  zoomOut(anchorSec?: number): void;
  /** Scroll so the view starts at `sec` (clamped to the track). */
  scrollTo(sec: number): void;
  scrollByPixels(px: number): void;
  /** Called with every playhead update: scrolls to keep the playhead in view when it should. */
  follow(positionSec: number): void;
}

export function useTimeline(): Timeline {
  const pxPerSec = ref(0);
  const scrollSec = ref(0);
  const duration = ref(0);
  const viewWidth = ref(0);
  let playhead = 0;

  const fitPxPerSec = computed(() => (duration.value > 0 && viewWidth.value > 0 ? viewWidth.value / duration.value : 0));
  const effectivePxPerSec = computed(() => Math.max(pxPerSec.value, fitPxPerSec.value));
  const visibleSec = computed(() => (effectivePxPerSec.value > 0 ? viewWidth.value / effectivePxPerSec.value : duration.value));
  const scrollable = computed(() => duration.value > 0 && visibleSec.value < duration.value - 1e-6);

  const clampScroll = (sec: number) => Math.max(0, Math.min(sec, duration.value - visibleSec.value));
  const inView = (t: number) => t >= scrollSec.value && t <= scrollSec.value + visibleSec.value;

  function scrollTo(sec: number): void {
    const next = scrollable.value ? clampScroll(sec) : 0;
    // Sub-pixel differences are rounding between lanes, not a scroll.
    if (Math.abs(next - scrollSec.value) * effectivePxPerSec.value >= 0.5 || next === 0) scrollSec.value = next;
  }

  function setZoom(px: number, anchorSec?: number): void {
    const fit = fitPxPerSec.value;
    const next = Math.min(MAX_PX_PER_SEC, Math.max(0, px));
    const anchor = anchorSec ?? (inView(playhead) ? playhead : scrollSec.value + visibleSec.value / 2);
    const offsetPx = (anchor - scrollSec.value) * effectivePxPerSec.value;
    pxPerSec.value = fit > 0 && next <= fit * 1.001 ? 0 : next;
    scrollTo(anchor - offsetPx / effectivePxPerSec.value);
  }

  function follow(t: number): void {
    const previous = playhead;
    playhead = t;
    if (!scrollable.value || inView(t)) return;
    if (Math.abs(t - previous) > JUMP_SEC || inView(previous)) scrollTo(t - visibleSec.value * FOLLOW_AT);
  }

  return {
    pxPerSec,
    scrollSec,
    duration,
    viewWidth,
    fitPxPerSec,
    effectivePxPerSec,
    visibleSec,
    scrollable,
    setZoom,
    zoomIn: (anchor) => setZoom(effectivePxPerSec.value * ZOOM_STEP, anchor),
    zoomOut: (anchor) => setZoom(effectivePxPerSec.value / ZOOM_STEP, anchor),
    scrollTo,
    scrollByPixels: (px) => scrollTo(scrollSec.value + px / (effectivePxPerSec.value || 1)),
    follow,
  };
}
