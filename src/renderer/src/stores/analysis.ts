// The evidence of the open track (issue 12): its TrackAnalysis (pitch contour, beats, momentary
// loudness, vocal activity and the segments it proposes) and the category thresholds, fetched
// through the StudioApi when the track opens and again when its stems or file change (the pitch
// contour moves to the vocal stem once there is one). Whether the evidence is drawn is the user's
// choice, kept in localStorage ('s2cap.evidence'). Accepting a proposal creates the segment through
// the annotation store, so it is undoable like any other segment edit.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { AttributeThresholds, ProposedSegment, TrackAnalysis } from '../../../shared/attributes';
import { isErrorPayload } from '../../../shared/errors';
import { useClient } from '../client/inject';
import { openProposals } from '../evidence/proposals';
import { formatClock } from '../format';
import { useAnnotationStore } from './annotation';

export const EVIDENCE_STORAGE_KEY = 's2cap.evidence';

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;
const storage = (): StorageLike | null => (globalThis as { localStorage?: StorageLike }).localStorage ?? null;
const message = (err: unknown): string => (err instanceof Error || isErrorPayload(err) ? err.message : String(err));

export const useAnalysisStore = defineStore('analysis', () => {
  const client = useClient();
  const annotation = useAnnotationStore();

  const trackId = ref<number | null>(null);
  const analysis = shallowRef<TrackAnalysis | null>(null);
  const thresholds = shallowRef<AttributeThresholds | null>(null);
  /** True while the analysis is being fetched (the first one of a track is measured then). */
  const loading = ref(false);
  /** Why there is no analysis, in the studio's words; null when fine. */
  const error = ref<string | null>(null);
  /** Whether the pitch contour, beats, loudness and proposals are drawn on the lanes. */
  const visible = ref(storage()?.getItem(EVIDENCE_STORAGE_KEY) !== 'hidden');

  /** Proposals that overlap no segment yet, most vocal-dense first (the next one to accept is first). */
  const proposals = computed<ProposedSegment[]>(() => openProposals(analysis.value?.proposals ?? [], annotation.segments));

  let seq = 0;
  async function load(): Promise<void> {
    const id = trackId.value;
    if (id === null) return;
    const mine = ++seq;
    loading.value = true;
    try {
      const [a, t] = await Promise.all([client.getAnalysis({ trackId: id }), client.getAttributeThresholds().catch(() => null)]);
      if (mine !== seq) return;
      analysis.value = a;
      if (t) thresholds.value = t;
      error.value = null;
    } catch (err) {
      if (mine === seq) error.value = `Evidence: ${message(err)}`;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  let off: (() => void) | null = null;
  /** Fetches the evidence of track `id` and follows its changes, until close(). */
  async function open(id: number): Promise<void> {
    if (trackId.value === id) return;
    close();
    trackId.value = id;
    off = client.on('trackChanged', (e) => {
      if (e.trackId === trackId.value && (e.what === 'stems' || e.what === 'file')) void load();
    });
    await load();
  }

  function close(): void {
    off?.();
    off = null;
    seq++;
    trackId.value = null;
    analysis.value = null;
    error.value = null;
    loading.value = false;
  }

  function setVisible(on: boolean): void {
    visible.value = on;
    try {
      storage()?.setItem(EVIDENCE_STORAGE_KEY, on ? 'shown' : 'hidden');
    } catch {
      // private mode: the choice lasts this session
    }
  }

  /**
   * Creates a segment from a proposal (the next open one when none is given) and selects it.
   * Resolves to whether one was created; with nothing left to accept, the annotation store's
   * notice says so.
   */
  async function accept(p: ProposedSegment | null = proposals.value[0] ?? null): Promise<boolean> {
    if (!p) {
      annotation.notice = analysis.value?.proposals.length
        ? 'Every proposed segment overlaps a segment already.'
        : 'No proposed segments: no stretch of this track has enough voice (or it has not been measured yet).';
      return false;
    }
    const seg = await annotation.createSegment(p.startSec, p.endSec);
    if (seg) annotation.notice = `Segment #${seg.id} added from the proposal ${formatClock(p.startSec)}–${formatClock(p.endSec)} (${Math.round(p.vocalDensity * 100)} % voice).`;
    return !!seg;
  }

  return { trackId, analysis, thresholds, loading, error, visible, proposals, open, close, reload: load, setVisible, accept };
});

export type AnalysisStore = ReturnType<typeof useAnalysisStore>;
