// The evidence store's wiring: what it asks the studio for and when (open, stems changed), and
// accepting proposed segments through the annotation store. The studio is a small in-memory one.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from 'vue';
import type { AttributeThresholds, TrackAnalysis } from '../../../shared/attributes';
import { StudioError } from '../../../shared/errors';
import type { Segment, TrackDetail } from '../../../shared/types';
import { CLIENT_KEY } from '../client/inject';
import type { StudioClient } from '../client/types';
import { EVIDENCE_STORAGE_KEY, useAnalysisStore } from './analysis';
import { useAnnotationStore } from './annotation';

const analysisOf = (trackId: number, source: 'vocals' | 'mix'): TrackAnalysis => ({
  trackId, durationSec: 120, pitch: { startSec: 0, hopSec: 0.01, values: [220, 221], source }, voicing: { startSec: 0, hopSec: 0.01, values: [0.9, 0.9] },
  beats: [0.5, 1, 1.5], tempoBpm: 120, tempoOctaveAmbiguous: false, tempoAlternatives: [], loudness: { startSec: 0, hopSec: 0.1, values: [-20] }, activity: { startSec: 0, hopSec: 0.1, values: [1] },
  proposals: [{ startSec: 10, endSec: 25, vocalDensity: 0.6 }, { startSec: 40, endSec: 55, vocalDensity: 0.9 }, { startSec: 70, endSec: 80, vocalDensity: 0.8 }],
});
const thresholds: AttributeThresholds = { pitchHz: { male: [110, 150], female: [200, 280], unknown: [140, 240] }, tempoBpm: [90, 125], loudnessLufs: [-26, -14], source: 'default' };

function fakeStudio() {
  const calls: string[] = [];
  const handlers = new Map<string, (e: unknown) => void>();
  let stems: 'vocals' | 'mix' = 'mix';
  let fail: Error | null = null;
  let nextId = 100;
  const client = {
    on: (name: string, fn: (e: unknown) => void) => (handlers.set(name, fn), () => handlers.delete(name)),
    getAnalysis: async ({ trackId }: { trackId: number }) => {
      calls.push(`analysis ${trackId}`);
      if (fail) throw fail;
      return analysisOf(trackId, stems);
    },
    getAttributeThresholds: async () => (calls.push('thresholds'), thresholds),
    createSegment: async (s: { trackId: number; startSec: number; endSec: number }): Promise<Segment> => {
      calls.push(`create ${s.startSec}-${s.endSec}`);
      return { id: nextId++, trackId: s.trackId, startSec: s.startSec, endSec: s.endSec, createdAt: '' };
    },
  };
  return {
    client: client as unknown as StudioClient,
    calls,
    emit: (name: string, e: unknown) => handlers.get(name)?.(e),
    listening: () => handlers.has('trackChanged'),
    separate: () => (stems = 'vocals'),
    failWith: (e: Error | null) => (fail = e),
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
/** A fresh Pinia, active, in an app that provides `client` (the stores' useClient). */
function activate(client: StudioClient): void {
  const pinia = createPinia();
  createApp({}).provide(CLIENT_KEY, client).use(pinia);
  setActivePinia(pinia);
}

describe('analysis store', () => {
  let studio: ReturnType<typeof fakeStudio>;
  let store: ReturnType<typeof useAnalysisStore>;
  let annotation: ReturnType<typeof useAnnotationStore>;
  beforeEach(() => {
    studio = fakeStudio();
    activate(studio.client);
    annotation = useAnnotationStore();
    annotation.trackId = 1;
    annotation.detail = { track: { id: 1, durationSec: 120 }, segments: [], suggestions: [], attributes: [], jobs: [], stems: [] } as unknown as TrackDetail;
    store = useAnalysisStore();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('fetches the analysis and thresholds when a track opens, and again when its stems change', async () => {
    await store.open(1);
    expect(studio.calls).toEqual(['analysis 1', 'thresholds']);
    expect(store.analysis?.pitch.source).toBe('mix');
    expect(store.thresholds?.tempoBpm).toEqual([90, 125]);
    studio.separate();
    studio.emit('trackChanged', { trackId: 1, what: 'segments' });
    studio.emit('trackChanged', { trackId: 2, what: 'stems' });
    await flush();
    expect(studio.calls).toHaveLength(2);
    studio.emit('trackChanged', { trackId: 1, what: 'stems' });
    await flush();
    expect(studio.calls).toHaveLength(4);
    expect(store.analysis?.pitch.source).toBe('vocals');
    store.close();
    expect(studio.listening()).toBe(false);
    expect(store.analysis).toBeNull();
  });

  it('says why there is no evidence when the analysis is refused', async () => {
    studio.failWith(new StudioError('NOT_FOUND', 'track 1 file is missing'));
    await store.open(1);
    expect(store.analysis).toBeNull();
    expect(store.error).toBe('Evidence: track 1 file is missing');
    expect(store.loading).toBe(false);
    studio.failWith(null);
    studio.emit('trackChanged', { trackId: 1, what: 'file' });
    await flush();
    expect(store.error).toBeNull();
    expect(store.analysis).not.toBeNull();
  });

  it('accepts the most vocal-dense open proposal, then the next, skipping ones a segment overlaps', async () => {
    await store.open(1);
    annotation.detail!.segments.push({ id: 7, trackId: 1, startSec: 72, endSec: 78, createdAt: '' });
    expect(store.proposals.map((p) => p.startSec)).toEqual([40, 10]);
    expect(await store.accept()).toBe(true);
    expect(studio.calls.at(-1)).toBe('create 40-55');
    expect(annotation.selectedId).toBe(100);
    expect(annotation.notice).toContain('Segment #100 added from the proposal');
    expect(store.proposals.map((p) => p.startSec)).toEqual([10]);
    expect(await store.accept()).toBe(true);
    expect(studio.calls.at(-1)).toBe('create 10-25');
    expect(await store.accept()).toBe(false);
    expect(annotation.notice).toBe('Every proposed segment overlaps a segment already.');
    expect(studio.calls.filter((c) => c.startsWith('create'))).toHaveLength(2);
  });

  it('remembers whether the evidence is shown', () => {
    const saved = new Map<string, string>();
    vi.stubGlobal('localStorage', { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => saved.set(k, v) });
    expect(store.visible).toBe(true);
    store.setVisible(false);
    expect(saved.get(EVIDENCE_STORAGE_KEY)).toBe('hidden');
    activate(studio.client);
    expect(useAnalysisStore().visible).toBe(false);
  });
});
