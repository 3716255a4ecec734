// Formatting shared by the CLI and the renderer.

/** 83.4 → "1:23", 3725 → "1:02:05"; unknown → the given placeholder. */
export function formatDuration(sec: number | null, unknown = '–'): string {
  if (sec === null || !Number.isFinite(sec)) return unknown;
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
