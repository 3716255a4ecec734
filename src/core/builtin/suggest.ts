// The built-in suggester: until a captioner pack is installed, a segment's caption is written
// from measured attributes (pitch from the vocals stem when there is one), never presented as a
// model's output: it has no confidence score and its source says "built-in".
import { readSegments, type Span } from '../inference/segmentAudio';
import { measure, type Measured } from './measure';
import { describe, templateCaption, type AttributeWords } from './template';

export const BUILTIN_SUGGESTER = 'built-in suggester';

export interface BuiltinSuggestion {
  text: string;
  words: AttributeWords;
  measured: Measured;
}

/** Suggestions for several spans of one file, each file decoded once. */
export async function suggestBuiltin(
  args: { file: string; vocalsFile?: string | null; genre: string | null; spans: Span[] },
  signal?: AbortSignal,
  /** Hears "reading audio", then each segment as its measuring starts (index from 0). */
  onStep?: (step: { reading: true } | { segment: number; of: number }) => void,
): Promise<BuiltinSuggestion[]> {
  onStep?.({ reading: true });
  const mixes = await readSegments(args.file, args.spans, signal);
  // The singer's pitch is clearer in the vocals stem than in the mix.
  const voices = args.vocalsFile ? await readSegments(args.vocalsFile, args.spans, signal) : mixes;
  return mixes.map((audio, i) => {
    signal?.throwIfAborted();
    onStep?.({ segment: i, of: mixes.length });
    const mix = measure(audio);
    const voice = voices === mixes ? mix : measure(voices[i]!);
    const measured: Measured = { ...mix, f0Hz: voice.f0Hz, voicedRatio: voice.voicedRatio };
    const input = { ...measured, genre: args.genre };
    return { text: templateCaption(input), words: describe(input), measured };
  });
}
