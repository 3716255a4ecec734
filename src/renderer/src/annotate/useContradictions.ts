// The open segment's caption words that contradict its confident measurements
// (shared/contradictions.ts), for the Annotate view: in the suggestion (highlighted in its text)
// and live in the editor's text as the annotator types (listed under the editor). Category
// boundaries come from the evidence store's thresholds (the library's own once it has enough
// approved captions); until they arrive only opposite categories count.
//
// Interface:
//   const c = useContradictions();
//   c.inSuggestion.value  — Contradiction[] in the suggestion's text (empty without a suggestion)
//   c.inEditor.value      — Contradiction[] in the editor's text, recomputed on every keystroke
//   c.attributes.value    — names of the measured attributes the editor's text contradicts
import { computed, type ComputedRef } from 'vue';
import { findContradictions, type Contradiction } from '../../../shared/contradictions';
import { useAnalysisStore } from '../stores/analysis';
import { useAnnotationStore } from '../stores/annotation';

export interface UseContradictions {
  inSuggestion: ComputedRef<Contradiction[]>;
  inEditor: ComputedRef<Contradiction[]>;
  attributes: ComputedRef<Set<string>>;
}

export function useContradictions(): UseContradictions {
  const store = useAnnotationStore();
  const evidence = useAnalysisStore();
  const check = (text: string | undefined) => {
    const c = store.caption;
    return text && c ? findContradictions(text, c.attributes, evidence.thresholds ?? undefined) : [];
  };
  const inSuggestion = computed(() => check(store.caption?.suggestion?.text));
  const inEditor = computed(() => check(store.editor?.text));
  const attributes = computed(() => new Set<string>(inEditor.value.map((c) => c.attribute)));
  return { inSuggestion, inEditor, attributes };
}
