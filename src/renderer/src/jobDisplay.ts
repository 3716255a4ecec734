// How the track view's job list reads (InferencePanel.vue): a job's line without repeating its
// status ("cancelled cancelled"), provider fallbacks in words, and the running jobs apart from the
// finished ones, which fold to the newest on one line so that they never push the player down.
import type { Job } from '../../shared/types';

export const JOB_KIND_LABELS: Record<Job['kind'], string> = { separate: 'Separation', caption: 'Captions', train: 'Training' };

/** The job's detail without the status word it often starts with; null when nothing is left. */
export function jobDetail(job: Job): string | null {
  const d = job.detail?.trim() ?? '';
  const rest = d.toLowerCase().startsWith(job.status) ? d.slice(job.status.length).replace(/^[\s:;,-]+/, '') : d;
  return rest || null;
}

/** "webgpu: no adapter" → "webgpu not used: no adapter". */
export function fallbackLine(f: string): string {
  const i = f.indexOf(': ');
  return i > 0 ? `${f.slice(0, i)} not used: ${f.slice(i + 2)}` : f;
}

export const isLive = (j: Job): boolean => j.status === 'queued' || j.status === 'running';

/** Running and queued jobs (shown in full) and the finished ones (folded), newest first. */
export function splitJobs(jobs: readonly Job[]): { live: Job[]; finished: Job[] } {
  return { live: jobs.filter(isLive), finished: jobs.filter((j) => !isLive(j)) };
}
