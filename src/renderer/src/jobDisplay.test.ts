import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/types';
import { fallbackLine, jobDetail, splitJobs } from './jobDisplay';

const job = (over: Partial<Job>): Job => ({
  id: 'j',
  kind: 'separate',
  status: 'done',
  trackId: 1,
  progress: 1,
  detail: null,
  error: null,
  fallbacks: [],
  createdAt: '',
  updatedAt: '',
  ...over,
});

describe('job lines', () => {
  it('never repeat the status ("cancelled cancelled")', () => {
    expect(jobDetail(job({ status: 'cancelled', detail: 'cancelled' }))).toBeNull();
    expect(jobDetail(job({ status: 'cancelled', detail: 'cancelled before it started' }))).toBe('before it started');
    expect(jobDetail(job({ status: 'cancelled', detail: 'cancelled (it was running in another process)' }))).toBe('(it was running in another process)');
    expect(jobDetail(job({ status: 'running', detail: 'segment 2/5' }))).toBe('segment 2/5');
    expect(jobDetail(job({ status: 'done', detail: '4 stems by the built-in separator on cpu in 1.2 s' }))).toBe('4 stems by the built-in separator on cpu in 1.2 s');
  });

  it('say which provider was not used and why', () => {
    expect(fallbackLine('webgpu: no GPU device on this machine')).toBe('webgpu not used: no GPU device on this machine');
  });

  it('keep running jobs apart from finished ones, newest first', () => {
    const jobs = [job({ id: 'a', status: 'running', kind: 'caption' }), job({ id: 'b', status: 'done' }), job({ id: 'c', status: 'cancelled', kind: 'caption' }), job({ id: 'd', status: 'failed' })];
    const { live, finished } = splitJobs(jobs);
    expect(live.map((j) => j.id)).toEqual(['a']);
    expect(finished.map((j) => j.id)).toEqual(['b', 'c', 'd']);
  });
});
