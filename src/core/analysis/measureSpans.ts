// The measured attributes of several spans of one file (and of its vocal stem), each file decoded
// once at its own rate: what the built-in suggester, the 'measure' worker task and `s2cap
// attributes` share.
import type { AttributeThresholds } from '../../shared/attributes';
import { readSpansNative, type Span } from '../inference/segmentAudio';
import { analyzeSpan, type SpanAnalysis } from './analyze';
import { DEFAULT_THRESHOLDS } from './thresholds';

export interface MeasureSpansArgs {
  file: string;
  vocalsFile?: string | null;
  spans: Span[];
  thresholds?: AttributeThresholds;
  /** Per span, a gender the caller knows (a caption's), which picks the pitch boundaries. */
  knownGenders?: (string | null)[];
}

export async function measureSpans(
  args: MeasureSpansArgs,
  signal?: AbortSignal,
  /** Hears "reading audio", then each span as its measuring starts (index from 0). */
  onStep?: (step: { reading: true } | { segment: number; of: number }) => void,
): Promise<SpanAnalysis[]> {
  onStep?.({ reading: true });
  const mixes = await readSpansNative(args.file, args.spans, signal);
  // The singer's pitch is clearer in the vocals stem than in the mix.
  const voices = args.vocalsFile ? await readSpansNative(args.vocalsFile, args.spans, signal) : null;
  return mixes.map((mix, i) => {
    signal?.throwIfAborted();
    onStep?.({ segment: i, of: mixes.length });
    return analyzeSpan({ mix, vocals: voices?.[i] ?? null }, args.thresholds ?? DEFAULT_THRESHOLDS, args.knownGenders?.[i] ?? null);
  });
}
