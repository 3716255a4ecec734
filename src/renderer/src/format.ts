// Display helpers for the renderer.
export { formatDuration } from '../../shared/format';

export const STATUS_LABELS: Record<string, string> = {
  imported: 'Imported',
  separated: 'Stems ready',
  captioned: 'Captioned',
  reviewed: 'Reviewed',
};
