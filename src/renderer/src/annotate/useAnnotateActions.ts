// The track view's annotation actions, kept out of TrackView.vue (which also hosts the player's
// shortcuts): selecting a segment plays it (looping its span), previous/next follow the queue when
// the annotator came from it (possibly to another track) or else the track's time order, and
// approve & next saves in the background while the next segment starts playing at once. Accept &
// next (review mode) does the same with a reviewer's verdict: from the queue's Review mode, the
// next segment is the next caption awaiting review.
//
// Timing marks for the e2e: `s2cap:approve-key` when approve & next is pressed, and
// `s2cap:segment-audio` when the player is sounding the next segment. The engine's playhead stays
// at a start position until the lanes output audio (engine.ts anchors it to what they sound), so
// the first frame whose playhead has moved past the segment's start is the moment it is heard.
import { watch, type Ref, type WatchStopHandle } from 'vue';
import type { StudioAction } from '../player/keymap';
import type { UsePlayer } from '../player/usePlayer';
import type { Route } from '../composables/useRoute';
import type { AnnotationStore } from '../stores/annotation';
import type { ReviewStore } from '../stores/review';
import { nextTarget, type QueueLike, type Target } from './navigation';

export const APPROVE_MARK = 's2cap:approve-key';
export const AUDIO_MARK = 's2cap:segment-audio';

/** What AnnotatePanel exposes to keyboard actions. */
export interface AnnotatePanelHandle {
  focusEditor(): void;
  blurEditor(): void;
  startFlag(): void;
  startSendBack(): void;
  editing(): boolean;
}

/** Set by approve & next / next when the next segment is on another track: play it once it opens. */
let playOnOpen: number | null = null;

export function useAnnotateActions(o: {
  store: AnnotationStore;
  review: ReviewStore;
  player: UsePlayer;
  queue: QueueLike;
  go(r: Route): void;
  panel: Ref<AnnotatePanelHandle | null>;
}) {
  const { store, player } = o;
  let stopAudioWatch: WatchStopHandle | null = null;

  /** Marks the moment the player is heard sounding [start, end) after a timed action. */
  function markWhenAudible(start: number, end: number): void {
    stopAudioWatch?.();
    stopAudioWatch = watch(
      () => [player.playing.value, player.position.value] as const,
      ([playing, pos]) => {
        if (!playing || pos <= start + 1e-3 || pos >= end) return;
        performance.mark(AUDIO_MARK);
        stopAudioWatch?.();
        stopAudioWatch = null;
      },
    );
  }

  /** Selects a segment and plays it, looping its span (a click, a list row, next/previous). */
  function playSegment(id: number, timed = false): void {
    store.select(id);
    const s = store.segments.find((x) => x.id === id);
    if (!s) return;
    if (timed) markWhenAudible(s.startSec, s.endSec);
    player.setLoop({ start: s.startSec, end: s.endSec });
    player.seek(s.startSec);
    void player.play();
  }

  function goTo(t: Target | null, timed = false): boolean {
    if (!t) {
      store.notice = 'No more segments that way.';
      return false;
    }
    if (t.trackId === store.trackId && store.segments.some((s) => s.id === t.segmentId)) {
      playSegment(t.segmentId, timed);
      syncRoute(t);
    } else {
      playOnOpen = t.segmentId;
      void store.flushAutosave();
      o.go({ name: 'track', id: t.trackId, segmentId: t.segmentId });
    }
    return true;
  }

  /** Keeps the address on the selected segment without adding a history entry per segment. */
  function syncRoute(t: Target): void {
    const hash = `#/track/${t.trackId}/segment/${t.segmentId}`;
    if (location.hash !== hash) history.replaceState(history.state, '', hash);
  }

  const target = (dir: 1 | -1) =>
    nextTarget({ queue: o.queue, segments: store.segments, trackId: store.trackId ?? 0, currentId: store.selectedId, dir });

  function step(dir: 1 | -1): void {
    goTo(target(dir));
  }

  /** Approve & next: the save leaves now and is not waited for; the next segment plays at once. */
  function approveNext(): void {
    performance.mark(APPROVE_MARK);
    if (!store.editor) return void goTo(target(1), true);
    const next = target(1);
    void store.save('approved');
    if (!next) store.notice = 'Approved. That was the last segment.';
    else goTo(next, true);
  }

  /** Accept & next: the reviewer's verdict leaves now and is not waited for; the next segment plays at once. */
  function acceptNext(): void {
    if (!o.review.canAccept) {
      if (o.review.canAct) void o.review.review('accepted'); // says why it cannot be accepted as it is
      return;
    }
    const next = target(1);
    void o.review.review('accepted');
    if (!next) store.notice = 'Accepted. That was the last segment.';
    else goTo(next);
  }

  /** After a track opened (audio loaded): plays the segment approve & next was heading for. */
  function resumeOnOpen(): void {
    const id = playOnOpen;
    playOnOpen = null;
    if (id !== null && store.segments.some((s) => s.id === id)) playSegment(id, true);
  }

  /** The Annotate actions of the keymap; false for actions that are not the Annotate view's. */
  function handle(a: StudioAction): boolean {
    const panel = o.panel.value;
    switch (a.type) {
      case 'approveNext':
        approveNext();
        return true;
      case 'saveDraft':
        void store.save('draft');
        return true;
      case 'prevSegment':
        step(-1);
        return true;
      case 'nextSegment':
        step(1);
        return true;
      case 'playSegment':
        if (store.selectedId !== null) playSegment(store.selectedId);
        else step(1);
        return true;
      case 'editCaption':
        panel?.focusEditor();
        return true;
      case 'leaveEditor':
        panel?.blurEditor();
        return true;
      case 'rejectSuggestion':
        store.rejectSuggestion();
        panel?.focusEditor();
        return true;
      case 'flagSegment':
        panel?.startFlag();
        return true;
      case 'acceptReview':
        acceptNext();
        return true;
      case 'sendBack':
        panel?.startSendBack();
        return true;
      case 'deleteSelectedSegment':
        if (store.selectedId !== null) void store.deleteSegment(store.selectedId);
        return true;
      case 'undo':
        if (panel?.editing()) store.undoEdit();
        else void store.undoSegmentOp();
        return true;
      case 'redo':
        if (panel?.editing()) store.redoEdit();
        else void store.redoSegmentOp();
        return true;
      default:
        return false;
    }
  }

  return { playSegment, approveNext, acceptNext, next: () => step(1), prev: () => step(-1), skip: () => step(1), resumeOnOpen, handle };
}
