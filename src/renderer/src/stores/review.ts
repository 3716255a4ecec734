// Review mode in the Annotate view: what the open segment's review looks like to the caller (the
// rules are annotate/review.ts) and the verdicts (client.reviewCaption). A verdict names the head
// it judged, so one landing after someone saved is refused (CONFLICT) and the segment is reloaded.
// Like a save, the request leaves before anything is awaited, so accept & next moves on at once;
// the new head is applied through the annotation store only if the segment is still open.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CaptionRevision } from '../../../shared/annotation';
import { isErrorPayload } from '../../../shared/errors';
import { reviewView, sendBackNote } from '../annotate/review';
import { useClient } from '../client/inject';
import { useAnnotationStore } from './annotation';
import { useAnnotatorStore } from './annotator';

export const useReviewStore = defineStore('review', () => {
  const client = useClient();
  const annotation = useAnnotationStore();
  const annotator = useAnnotatorStore();
  /** Verdicts under way. */
  const busy = ref(0);

  const view = computed(() => reviewView(annotation.caption, annotator.me));
  /** The caller may accept or send back the open segment's caption now. */
  const canAct = computed(() => view.value.kind === 'review');
  /** Accepting judges the saved caption: not while the editor holds changes of the reviewer's own. */
  const canAccept = computed(() => canAct.value && !annotation.ownEdits);

  /**
   * Accepts the open segment's head, or sends it back with `note` (required). Resolves to the
   * review revision, or null when refused (the reason is the annotation store's error).
   */
  async function review(verdict: 'accepted' | 'sentBack', note?: string): Promise<CaptionRevision | null> {
    const v = view.value;
    if (v.kind !== 'review') return null;
    const segmentId = v.head.segmentId;
    let why: string | undefined;
    if (verdict === 'accepted' && annotation.ownEdits) {
      annotation.error = 'You changed the text: approve your version (Ctrl+Enter), or undo your changes to accept theirs.';
      return null;
    }
    if (verdict === 'sentBack') {
      const n = sendBackNote(note ?? '');
      if ('error' in n) {
        annotation.error = n.error;
        return null;
      }
      why = n.note;
    }
    busy.value++;
    try {
      const rev = await client.reviewCaption({ segmentId, revisionId: v.head.id, verdict, ...(why ? { note: why } : {}) });
      annotation.applyRevision(rev);
      return rev;
    } catch (err) {
      annotation.error = `Review of segment #${segmentId} refused: ${err instanceof Error || isErrorPayload(err) ? err.message : String(err)}`;
      // Someone saved or reviewed in between: show what the caption is now (keeping any edits).
      void annotation.loadCaption(segmentId, annotation.ownEdits);
      return null;
    } finally {
      busy.value--;
    }
  }

  return { view, canAct, canAccept, busy: computed(() => busy.value > 0), review };
});

export type ReviewStore = ReturnType<typeof useReviewStore>;
