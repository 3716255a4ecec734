// The caption editor's edits for the annotation store: typing, chips, whole-content replacements
// (reject, a merge choice) and undo/redo over them (editorHistory.ts, since the textarea's own
// undo does not survive programmatic updates). Every change is reported to `changed` (autosave).
import { computed, ref, type Ref } from 'vue';
import type { CaptionAttributeName } from '../../../shared/annotation';
import { EditorHistory, type EditorContent } from './editorHistory';
import type { EditorState } from './editorState';

const content = (e: EditorContent): EditorContent => ({ text: e.text, attributes: { ...e.attributes } });

export function useEditorEdits(editor: Ref<EditorState | null>, changed: () => void) {
  const history = new EditorHistory({ text: '', attributes: {} });
  const version = ref(0); // makes canUndo/canRedo reactive
  const bump = () => version.value++;

  function recorded(e: EditorState, typing = false): void {
    history.record(content(e), typing);
    bump();
    changed();
  }

  function step(c: EditorContent | null): boolean {
    if (!c || !editor.value) return false;
    Object.assign(editor.value, c);
    bump();
    changed();
    return true;
  }

  return {
    canUndoEdit: computed(() => version.value >= 0 && history.canUndo),
    canRedoEdit: computed(() => version.value >= 0 && history.canRedo),
    /** A segment was opened: its editor, with nothing to undo. */
    setEditor(e: EditorState | null): void {
      editor.value = e;
      if (e) {
        history.reset(content(e));
        bump();
      }
    },
    setText(text: string): void {
      const e = editor.value;
      if (!e || e.text === text) return;
      e.text = text;
      recorded(e, true);
    },
    /** Sets a chip (an empty value removes the attribute). */
    setAttribute(name: CaptionAttributeName, value: string | null): void {
      const e = editor.value;
      if (!e) return;
      const attrs = { ...e.attributes };
      if (value && value.trim()) attrs[name] = value.trim();
      else delete attrs[name];
      e.attributes = attrs;
      recorded(e);
    },
    /** Replaces the editor's content as one undoable step (reject, a merge choice). */
    replaceContent(c: EditorContent): void {
      const e = editor.value;
      if (!e) return;
      e.text = c.text;
      e.attributes = { ...c.attributes };
      recorded(e);
    },
    undoEdit: () => step(history.undo()),
    redoEdit: () => step(history.redo()),
  };
}
