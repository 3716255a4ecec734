// The ticks of the time ruler for the span in view: ticks at least MIN_TICK_PX apart, a label on
// every tick that falls on a "nice" interval at least MIN_LABEL_PX apart. Only what is in view is
// computed, whatever the track's length (wavesurfer's Timeline plugin builds and measures a DOM
// node for every tick of the whole track: 5–8 s per zoom step on a 20-minute track at 400 px/s).

const NICE_SEC = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];
const MIN_TICK_PX = 12;
const MIN_LABEL_PX = 80;

export interface RulerTick {
  /** Pixels from the left edge of the view. */
  x: number;
  sec: number;
  /** m:ss (m:ss.t for sub-second labels), or null for an unlabelled tick. */
  label: string | null;
}

export function rulerTicks(startSec: number, pxPerSec: number, widthPx: number, durationSec: number): RulerTick[] {
  if (!(pxPerSec > 0) || !(widthPx > 0)) return [];
  const tick = NICE_SEC.find((s) => s * pxPerSec >= MIN_TICK_PX) ?? NICE_SEC.at(-1)!;
  const label = NICE_SEC.find((s) => s * pxPerSec >= MIN_LABEL_PX && Math.round(s * 10) % Math.round(tick * 10) === 0) ?? tick;
  const perLabel = Math.round(label / tick);
  const end = Math.min(durationSec, startSec + widthPx / pxPerSec);
  const out: RulerTick[] = [];
  for (let i = Math.ceil(startSec / tick - 1e-9); i * tick <= end + 1e-9; i++) {
    const sec = Math.round(i * tick * 10) / 10;
    out.push({ x: (sec - startSec) * pxPerSec, sec, label: i % perLabel === 0 ? clock(sec, label < 1) : null });
  }
  return out;
}

function clock(sec: number, tenths: boolean): string {
  const m = Math.floor(sec / 60);
  const s = sec - m * 60;
  const text = tenths ? s.toFixed(1) : String(Math.round(s));
  return `${m}:${text.padStart(tenths ? 4 : 2, '0')}`;
}
