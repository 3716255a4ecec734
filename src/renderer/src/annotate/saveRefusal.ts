// What the annotation store (stores/annotation.ts) does when the studio refuses a save: split out
// of the store to keep it under the size limit. Nothing typed is lost: when the segment is no
// longer open, the working copy goes back to the studio as a draft on its old base; on CONFLICT
// the merge view opens (now when the segment is still open, else when it is opened again).
import type { Ref, ShallowRef } from 'vue';
import type { CaptionRevision, CaptionStatus, SegmentCaption } from '../../../shared/annotation';
import type { StudioClient } from '../client/types';
import { mergeFromConflict, type EditorState, type MergeState } from './editorState';

export interface SaveRefusalDeps {
  client: StudioClient;
  trackId: Ref<number | null>;
  editor: Ref<EditorState | null>;
  caption: ShallowRef<SegmentCaption | null>;
  merge: Ref<MergeState | null>;
  remoteChange: Ref<CaptionRevision | null>;
  conflictAt: Ref<{ trackId: number; segmentId: number } | null>;
  error: Ref<string | null>;
  fail(err: unknown, what?: string): void;
}

const codeOf = (err: unknown): string | null => ((err as { code?: unknown })?.code as string) ?? null;

export async function handleRefusedSave(d: SaveRefusalDeps, snap: EditorState, status: CaptionStatus, note: string | undefined, err: unknown): Promise<void> {
  const { client, editor, fail } = d;
  const here = editor.value?.segmentId === snap.segmentId;
  // Nothing typed is lost: the working copy goes to the studio as a draft on its old base.
  const keep = () =>
    client
      .saveDraft({ segmentId: snap.segmentId, text: snap.text, attributes: snap.attributes, baseRevisionId: snap.baseId, suggestionId: snap.suggestionId, secondsSpent: Math.round(snap.seconds) })
      .catch((e: unknown) => fail(e, 'Could not keep your text as a draft'));
  if (codeOf(err) !== 'CONFLICT') {
    fail(err, `Segment #${snap.segmentId} was not saved`);
    if (!here) await keep();
    return;
  }
  if (!here) {
    await keep();
    d.conflictAt.value = { trackId: d.trackId.value ?? 0, segmentId: snap.segmentId };
    d.error.value = `Segment #${snap.segmentId} was not saved: someone saved it in between. Open it to merge.`;
    return;
  }
  try {
    const fresh = await client.getCaption({ segmentId: snap.segmentId });
    const m = mergeFromConflict(editor.value!, fresh, status, note);
    if (editor.value?.segmentId !== snap.segmentId) return;
    d.caption.value = fresh;
    if (m) {
      editor.value = m.editor;
      d.merge.value = m.merge;
      d.remoteChange.value = null; // the merge view says it now
    }
    d.error.value = null;
  } catch (e) {
    fail(e);
  }
}
