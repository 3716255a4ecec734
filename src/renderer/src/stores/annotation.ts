// The Annotate workflow's state in one place (issue 10): the open track (detail, segments,
// selection), the selected segment's caption and the editor working on it (text, chips, base
// head, time spent), autosave, editor undo/redo, merge (after a refused save, or on opening a
// draft started from an older head), someone else's save followed only while the editor holds none
// of the user's own edits, and the history panel. Components render it; nothing is passed down through props. Editor edits and their
// undo/redo are annotate/useEditorEdits.ts; segment edits (optimistic,
// with undo) live in annotate/segmentEditing.ts and are part of this store's API; what a refused
// save does (keep the text as a draft, open the merge view) is annotate/saveRefusal.ts. The rules
// themselves (what an editor starts with, what a save sends, merge, navigation, undo stacks,
// debounce) are plain modules in annotate/, tested without a browser.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CaptionRevision, CaptionStatus, SegmentCaption, SegmentState } from '../../../shared/annotation';
import { isErrorPayload } from '../../../shared/errors';
import type { TrackDetail } from '../../../shared/types';
import { createAutosave } from '../annotate/autosave';
import { sameContent, type EditorContent } from '../annotate/editorHistory';
import { cleanAttributes, editorFromCaption, mergeOnOpen, pristineContent, saveInput, type EditorState, type MergeState } from '../annotate/editorState';
import { byTime } from '../annotate/navigation';
import { handleRefusedSave } from '../annotate/saveRefusal';
import { useSegmentEditing } from '../annotate/segmentEditing';
import { useEditorEdits } from '../annotate/useEditorEdits';
import { useClient } from '../client/inject';

const message = (err: unknown): string => (err instanceof Error || isErrorPayload(err) ? err.message : String(err));
const content = (e: { text: string; attributes: EditorContent['attributes'] }): EditorContent => ({ text: e.text, attributes: { ...e.attributes } });

export const useAnnotationStore = defineStore('annotation', () => {
  const client = useClient();

  const trackId = ref<number | null>(null);
  const detail = ref<TrackDetail | null>(null);
  /** The last refusal or failure, in the studio's words; null when fine. */
  const error = ref<string | null>(null);
  /** A short note for the user ("Segment shortened to 30 s (the maximum)"). */
  const notice = ref<string | null>(null);
  /** A background save (approve & next) refused because someone saved in between: where to merge. */
  const conflictAt = ref<{ trackId: number; segmentId: number } | null>(null);
  /** Workflow state of each segment of the open track (from the queue query; empty until it answers). */
  const states = ref(new Map<number, SegmentState>());
  const selectedId = ref<number | null>(null);
  const caption = shallowRef<SegmentCaption | null>(null);
  const editor = ref<EditorState | null>(null);
  const merge = ref<MergeState | null>(null);
  /** Someone else saved the open segment while its editor held the user's own edits (kept; saving shows both to merge). */
  const remoteChange = ref<CaptionRevision | null>(null);
  const history = ref<CaptionRevision[]>([]);
  const saving = ref(false);

  const segments = computed(() => byTime(detail.value?.segments ?? []));
  const selected = computed(() => segments.value.find((s) => s.id === selectedId.value) ?? null);
  const suggestionFor = (id: number) => detail.value?.suggestions.find((s) => s.segmentId === id) ?? null;
  const attributesFor = (id: number) => detail.value?.attributes.filter((a) => a.segmentId === id) ?? [];

  function fail(err: unknown, what?: string): void {
    error.value = what ? `${what}: ${message(err)}` : message(err);
  }

  // ---- Editor: edits with undo/redo (useEditorEdits), autosave, dirty state and own edits -----------------------------
  /** What was last written (draft or revision) for a segment: nothing new, nothing to autosave. */
  const lastSaved = shallowRef<{ segmentId: number; content: EditorContent } | null>(null);
  /** Not yet written anywhere (autosave pending): the status line's "unsaved". */
  const dirty = computed(() => {
    const e = editor.value;
    return !!e && !(lastSaved.value?.segmentId === e.segmentId && sameContent(content(e), lastSaved.value.content));
  });
  /** What the editor held before the user touched it: the head it is based on, or the prefill. */
  const pristine = shallowRef<{ segmentId: number; content: EditorContent } | null>(null);
  /**
   * The editor holds the user's own edits (autosaved as a draft or not): someone else's save must
   * not replace them. Without any, the editor follows the head.
   */
  const ownEdits = computed(() => {
    const e = editor.value;
    return !!e && !(pristine.value?.segmentId === e.segmentId && sameContent(content(e), pristine.value.content));
  });

  type DraftWrite = { segmentId: number; discard: true } | Parameters<typeof client.saveDraft>[0];
  const autosave = createAutosave<DraftWrite>({
    snapshot() {
      const e = editor.value;
      if (!e || !dirty.value) return null;
      lastSaved.value = { segmentId: e.segmentId, content: content(e) };
      // Edited back to what it was based on: nothing of the user's to keep, so no draft either
      // (a draft left behind would be offered to merge once someone else saves).
      if (!ownEdits.value) return { segmentId: e.segmentId, discard: true };
      return { segmentId: e.segmentId, text: e.text, attributes: { ...e.attributes }, baseRevisionId: e.baseId, suggestionId: e.suggestionId, secondsSpent: Math.round(e.seconds) };
    },
    async save(v) {
      if ('discard' in v) await client.discardDraft({ segmentId: v.segmentId });
      else await client.saveDraft(v);
    },
    onError(err) {
      lastSaved.value = null; // try again with the next change
      fail(err, 'Autosave failed');
    },
  });

  const { canUndoEdit, canRedoEdit, setEditor, setText, setAttribute, replaceContent, undoEdit, redoEdit } = useEditorEdits(editor, () => autosave.schedule());

  // Active time: counted while a segment is open and the window has the focus.
  let clock: ReturnType<typeof setInterval> | undefined;
  const tick = () => {
    if (editor.value && document.visibilityState === 'visible' && document.hasFocus()) editor.value.seconds += 1;
  };
  const onUnload = () => void autosave.flush();

  // ---- Track and selection --------------------------------------------------------------------
  async function open(id: number, segmentId?: number): Promise<void> {
    if (trackId.value !== id) {
      await close();
      trackId.value = id;
      clock = setInterval(tick, 1000);
      window.addEventListener('beforeunload', onUnload);
      subscribe();
      await reload();
    }
    if (segmentId !== undefined) select(segmentId);
  }

  async function close(): Promise<void> {
    const done = autosave.flush();
    unsubscribe();
    clearInterval(clock);
    window.removeEventListener('beforeunload', onUnload);
    trackId.value = null;
    detail.value = null;
    selectedId.value = null;
    caption.value = null;
    editor.value = null;
    merge.value = null;
    history.value = [];
    states.value = new Map();
    error.value = notice.value = null;
    remoteChange.value = null;
    segmentEditing.clear();
    await done;
  }

  async function reload(): Promise<void> {
    const id = trackId.value;
    if (id === null) return;
    try {
      const d = await client.openTrack({ id });
      if (trackId.value === id) detail.value = d;
    } catch (err) {
      fail(err);
    }
    void refreshStates();
  }

  async function refreshStates(): Promise<void> {
    const id = trackId.value;
    if (id === null) return;
    try {
      const page = await client.queryQueue({ trackId: id, limit: 1000 });
      if (trackId.value === id) states.value = new Map(page.items.map((i) => [i.segmentId, i.state]));
    } catch {
      // the queue is an extra here: the list still works without states
    }
  }

  let captionSeq = 0;
  /**
   * Selects a segment (null: none). The segment being left is autosaved first (its snapshot is
   * taken now, before the editor changes); its caption loads in the background, so playback of
   * the new selection never waits for the network.
   */
  function select(id: number | null): void {
    if (id === selectedId.value) return;
    void autosave.flush();
    selectedId.value = id;
    caption.value = null;
    editor.value = null;
    merge.value = null;
    remoteChange.value = null;
    history.value = [];
    if (id !== null) void loadCaption(id);
  }

  /**
   * Loads segment `id`'s caption. The editor is kept (only the caption refreshed) when
   * `keepEditor` says so as the answer arrives; else it is filled anew: the user's draft (the
   * merge view at once when the draft was started from another head), the head or the prefill.
   * Resolves to whether the editor was kept.
   */
  async function loadCaption(id: number, keepEditor: boolean | (() => boolean) = false): Promise<boolean> {
    const seq = ++captionSeq;
    try {
      const c = await client.getCaption({ segmentId: id });
      if (seq !== captionSeq || selectedId.value !== id) return false;
      caption.value = c;
      if (editor.value && (typeof keepEditor === 'function' ? keepEditor() : keepEditor)) return true;
      const e = editorFromCaption(c);
      const m = mergeOnOpen(c, e);
      lastSaved.value = { segmentId: id, content: content(e) };
      pristine.value = { segmentId: id, content: pristineContent(c) };
      setEditor(m?.editor ?? e);
      merge.value = m?.merge ?? null;
    } catch (err) {
      if (seq === captionSeq) fail(err);
    }
    return false;
  }

  /**
   * Someone else saved the open segment while its editor held nothing of the user's: it shows the
   * new head. A discard of a reverted draft still pending lands first; edits typed while the new
   * head loads are kept, with the remote-change banner.
   */
  async function followHead(id: number, rev: CaptionRevision): Promise<void> {
    await autosave.flush();
    if (await loadCaption(id, () => ownEdits.value || !!merge.value)) remoteChange.value = rev;
  }

  // ---- Saving ---------------------------------------------------------------------------------
  const ownRevisions = new Set<number>();

  /**
   * Saves the editor as a revision. Nothing is awaited before the call returns its promise, so a
   * caller may move on at once (approve & next); the request leaves as soon as any autosave already
   * in flight has landed (else that late draft would outlive the revision and be offered again),
   * and what comes back is applied only if the same segment is still open. A refused save keeps the user's text: on CONFLICT the merge view opens (now, or
   * when the segment is opened again, from the draft written here); otherwise the message shows.
   */
  async function save(status: CaptionStatus, note?: string): Promise<CaptionRevision | null> {
    const e = editor.value;
    if (!e) return null;
    const snap: EditorState = { ...e, attributes: { ...e.attributes } };
    const input = saveInput(snap, status, note);
    autosave.cancel();
    const before = lastSaved.value;
    lastSaved.value = { segmentId: snap.segmentId, content: content(snap) };
    saving.value = true;
    const request = autosave.after(() => client.saveCaption(input));
    try {
      const rev = await request;
      applyRevision(rev);
      return rev;
    } catch (err) {
      lastSaved.value = before;
      await refused(snap, status, note, err);
      return null;
    } finally {
      saving.value = false;
    }
  }

  /** A revision this window wrote (a save, a review verdict): the segment's caption and editor move on to it, if still open. */
  function applyRevision(rev: CaptionRevision): void {
    ownRevisions.add(rev.id);
    states.value = new Map(states.value).set(rev.segmentId, rev.status);
    if (editor.value?.segmentId !== rev.segmentId) return;
    // What was saved is now what the editor is based on (the editor's own spelling of it when it
    // says the same, e.g. a trailing space the save trimmed; edits typed since stay the user's own).
    const said = (c: EditorContent) => ({ text: c.text.trim(), attributes: cleanAttributes(c.attributes) });
    const now = content(editor.value);
    pristine.value = { segmentId: rev.segmentId, content: sameContent(said(now), said(rev)) ? now : content(rev) };
    editor.value.baseId = rev.id;
    editor.value.seconds = 0;
    merge.value = null;
    remoteChange.value = null;
    if (caption.value) caption.value = { ...caption.value, head: rev, draft: null, state: rev.status };
    if (history.value.length) history.value = [...history.value, rev];
  }

  const refused = (snap: EditorState, status: CaptionStatus, note: string | undefined, err: unknown) =>
    handleRefusedSave({ client, trackId, editor, caption, merge, remoteChange, conflictAt, error, fail }, snap, status, note, err);

  /** The merge was resolved by taking theirs as it is: the user's draft is dropped. */
  async function takeTheirs(): Promise<void> {
    const m = merge.value;
    if (!m) return;
    replaceContent({ text: m.theirs.text, attributes: m.theirs.attributes });
    autosave.cancel();
    lastSaved.value = { segmentId: m.segmentId, content: { text: m.theirs.text, attributes: { ...m.theirs.attributes } } };
    pristine.value = { segmentId: m.segmentId, content: content(m.theirs) };
    merge.value = null;
    await autosave.after(() => client.discardDraft({ segmentId: m.segmentId })).catch((e: unknown) => fail(e));
  }

  function keepMine(): void {
    const m = merge.value;
    if (m) replaceContent(m.mine);
  }

  /** Reject the suggestion: the editor is emptied to write from scratch (saved empty = rejected). */
  function rejectSuggestion(): void {
    replaceContent({ text: '', attributes: editor.value?.attributes ?? {} });
  }

  // ---- History --------------------------------------------------------------------------------
  async function loadHistory(): Promise<void> {
    const id = selectedId.value;
    if (id === null) return;
    try {
      const h = await client.captionHistory({ segmentId: id });
      if (selectedId.value === id) history.value = h;
    } catch (err) {
      fail(err);
    }
  }

  async function restore(revisionId: number): Promise<boolean> {
    const id = selectedId.value;
    if (id === null) return false;
    try {
      const rev = await client.restoreRevision({ segmentId: id, revisionId, parentId: caption.value?.head?.id ?? null });
      ownRevisions.add(rev.id);
      lastSaved.value = null;
      await loadCaption(id);
      await loadHistory();
      return true;
    } catch (err) {
      fail(err, 'Restore refused');
      await loadCaption(id, ownEdits.value);
      return false;
    }
  }

  async function suggestAgain(): Promise<void> {
    if (trackId.value === null || selectedId.value === null) return;
    try {
      await client.startCaptioning({ trackId: trackId.value, segmentIds: [selectedId.value] });
      notice.value = 'Suggesting again… the new suggestion appears when the job is done.';
    } catch (err) {
      fail(err);
    }
  }

  // ---- Events ---------------------------------------------------------------------------------
  let offs: (() => void)[] = [];
  function subscribe(): void {
    offs = [
      client.on('trackChanged', (e) => {
        if (e.trackId !== trackId.value) return;
        void reload();
        if (selectedId.value !== null) void loadCaption(selectedId.value, () => ownEdits.value || !!merge.value);
      }),
      client.on('captionChanged', (e) => {
        if (e.trackId !== trackId.value) return;
        states.value = new Map(states.value).set(e.segmentId, e.revision.status);
        if (e.segmentId !== selectedId.value || ownRevisions.has(e.revision.id)) return;
        if (history.value.length) history.value = [...history.value, e.revision];
        // The user's own edits stay (saving them shows both to merge); else the editor follows.
        if (ownEdits.value || merge.value) remoteChange.value = e.revision;
        else void followHead(e.segmentId, e.revision);
      }),
      client.on('jobUpdated', (job) => {
        const d = detail.value;
        if (!d || job.trackId !== trackId.value) return;
        const i = d.jobs.findIndex((j) => j.id === job.id);
        if (i >= 0) d.jobs.splice(i, 1, job);
        else d.jobs.unshift(job);
      }),
    ];
  }
  function unsubscribe(): void {
    offs.forEach((off) => off());
    offs = [];
  }

  const segmentEditing = useSegmentEditing({ client, detail, trackId, selectedId, select, error, notice });

  async function relink(path: string): Promise<boolean> {
    if (trackId.value === null) return false;
    try {
      await client.relinkTrack({ id: trackId.value, path });
      await reload();
      return true;
    } catch (err) {
      fail(err);
      return false;
    }
  }

  return {
    trackId, detail, error, notice, conflictAt, states, selectedId, selected, segments, caption, editor, merge,
    remoteChange, history, saving, dirty, ownEdits, canUndoEdit, canRedoEdit,
    suggestionFor, attributesFor, open, close, reload, select, loadCaption, setText, setAttribute, replaceContent,
    undoEdit, redoEdit, flushAutosave: () => autosave.flush(), save, applyRevision, takeTheirs, keepMine, rejectSuggestion,
    loadHistory, restore, suggestAgain, relink,
    ...segmentEditing,
  };
});

export type AnnotationStore = ReturnType<typeof useAnnotationStore>;
