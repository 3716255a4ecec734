// One track as the track view sees it: detail (file state, stems, segments), kept fresh through
// trackChanged events, with segment editing and relinking that report errors instead of throwing.
import { onScopeDispose, ref, type Ref } from 'vue';
import type { Segment, TrackDetail } from '../../../shared/types';
import { useClient } from '../client/inject';

export interface UseTrack {
  detail: Ref<TrackDetail | null>;
  error: Ref<string | null>;
  reload(): Promise<void>;
  createSegment(startSec: number, endSec: number): Promise<Segment | null>;
  updateSegment(id: number, startSec: number, endSec: number): Promise<boolean>;
  deleteSegment(id: number): Promise<boolean>;
  relink(path: string): Promise<boolean>;
}

export function useTrack(id: number): UseTrack {
  const client = useClient();
  const detail = ref<TrackDetail | null>(null);
  const error = ref<string | null>(null);

  async function reload(): Promise<void> {
    try {
      detail.value = await client.openTrack({ id });
      error.value = null;
    } catch (err) {
      error.value = (err as Error).message;
    }
  }

  async function attempt<T>(work: () => Promise<T>): Promise<T | null> {
    try {
      const out = await work();
      error.value = null;
      return out;
    } catch (err) {
      error.value = (err as Error).message;
      return null;
    }
  }

  const off = client.on('trackChanged', (e) => {
    if (e.trackId === id) void reload();
  });
  // Job progress updates the list in place; a finished job's results arrive via trackChanged.
  const offJobs = client.on('jobUpdated', (job) => {
    const d = detail.value;
    if (!d || job.trackId !== id) return;
    const i = d.jobs.findIndex((j) => j.id === job.id);
    if (i >= 0) d.jobs.splice(i, 1, job);
    else d.jobs.unshift(job);
  });
  onScopeDispose(() => {
    off();
    offJobs();
  });
  void reload();

  return {
    detail,
    error,
    reload,
    createSegment: (startSec, endSec) => attempt(() => client.createSegment({ trackId: id, startSec, endSec })),
    updateSegment: async (segId, startSec, endSec) => (await attempt(() => client.updateSegment({ id: segId, startSec, endSec }))) !== null,
    deleteSegment: async (segId) => (await attempt(() => client.deleteSegment({ id: segId }))) !== null,
    relink: async (path) => {
      const ok = (await attempt(() => client.relinkTrack({ id, path }))) !== null;
      if (ok) await reload();
      return ok;
    },
  };
}
