// The built-in suggester: until a captioner pack is installed, a segment's caption is written
// from measured attributes (core/analysis: pitch, vibrato and timbre from the vocals stem when
// there is one), never presented as a model's output: its source says "built-in". Its score is
// ln(mean confidence of the attributes the sentence states), on the scale of a model's mean token
// log-probability, so it takes part in the queue's confidence ordering (SuggestionsRepo.confidencesOf);
// a sentence that states nothing measured has no score.
import type { MeasuredAttribute, MeasuredName } from '../../shared/attributes';
import { measureSpans, type MeasureSpansArgs } from '../analysis/measureSpans';
import { templateCaption } from './template';

export const BUILTIN_SUGGESTER = 'built-in suggester';

export interface BuiltinSuggestion {
  text: string;
  score: number | null;
  /** Every measured attribute of the span (stored beside the suggestion). */
  attributes: MeasuredAttribute[];
  stated: MeasuredName[];
}

/** Suggestions for several spans of one file, each file decoded once. */
export async function suggestBuiltin(
  args: MeasureSpansArgs & { genre: string | null },
  signal?: AbortSignal,
  onStep?: Parameters<typeof measureSpans>[2],
): Promise<BuiltinSuggestion[]> {
  const measured = await measureSpans(args, signal, onStep);
  return measured.map((m, i) => {
    const span = args.spans[i]!;
    const { text, stated } = templateCaption(m.attributes, args.genre, `${span.startSec ?? 0}:${span.endSec ?? 'end'}`);
    return { text, score: scoreOf(m.attributes, stated), attributes: m.attributes, stated };
  });
}

/** ln(mean confidence) of the stated attributes; null when the sentence states none. */
export function scoreOf(attributes: readonly MeasuredAttribute[], stated: readonly MeasuredName[]): number | null {
  const c = attributes.filter((a) => stated.includes(a.name)).map((a) => a.confidence);
  if (!c.length) return null;
  return Math.round(Math.log(Math.max(1e-6, c.reduce((s, x) => s + x, 0) / c.length)) * 1e4) / 1e4;
}
