// Display helpers for the renderer.
export { formatDuration } from '../../shared/format';

export const STATUS_LABELS: Record<string, string> = {
  imported: 'Imported',
  separated: 'Stems ready',
  captioned: 'Captioned',
  reviewed: 'Reviewed',
};

/** Playhead clock with tenths: 83.46 → "1:23.4". */
export function formatClock(sec: number): string {
  const tenths = Math.round(Math.max(0, sec) * 10);
  const m = Math.floor(tenths / 600);
  const rest = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return `${m}:${rest}`;
}
