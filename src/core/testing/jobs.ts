// Test helpers for jobs: wait for a job's update that matches, and real audio long enough for a
// job to still be running while a test does something to it (made with sox).
import { execFileSync } from 'node:child_process';
import type { Job } from '../../shared/types';
import type { StudioEventSource } from '../../shared/api';

const ENDED: Job['status'][] = ['done', 'failed', 'cancelled'];

/** Resolves with the first update of job `id` that matches (by default: it has ended). */
export function waitForJob(s: StudioEventSource, id: string, pred: (j: Job) => boolean = (j) => ENDED.includes(j.status)): Promise<Job> {
  return new Promise((resolve) => {
    const off = s.on('jobUpdated', (j) => {
      if (j.id === id && pred(j)) {
        off();
        resolve(j);
      }
    });
  });
}

/** Writes `seconds` of stereo 44.1 kHz pink noise to `file` (a mix the built-in separator accepts). */
export function pinkNoiseWav(file: string, seconds: number): string {
  execFileSync('sox', ['-R', '-n', '-r', '44100', '-c', '2', '-b', '16', file, 'synth', String(seconds), 'pinknoise', 'vol', '0.3']);
  return file;
}
