// The built-in suggester: until a captioner pack is installed, a segment's caption is written
// from measured attributes (pitch from the vocals stem when there is one), never presented as a
// model's output: it has no confidence score and its source says "built-in".
import { readSegment } from '../inference/segmentAudio';
import { measure, type Measured } from './measure';
import { describe, templateCaption, type AttributeWords } from './template';

export const BUILTIN_SUGGESTER = 'built-in suggester';

export interface BuiltinSuggestion {
  text: string;
  words: AttributeWords;
  measured: Measured;
}

export async function suggestBuiltin(
  args: { file: string; vocalsFile?: string | null; genre: string | null; startSec: number; endSec: number },
  signal?: AbortSignal,
): Promise<BuiltinSuggestion> {
  const mix = measure(await readSegment(args.file, args.startSec, args.endSec, signal));
  // The singer's pitch is clearer in the vocals stem than in the mix.
  const voice = args.vocalsFile ? measure(await readSegment(args.vocalsFile, args.startSec, args.endSec, signal)) : mix;
  const measured: Measured = { ...mix, f0Hz: voice.f0Hz, voicedRatio: voice.voicedRatio };
  const input = { ...measured, genre: args.genre };
  return { text: templateCaption(input), words: describe(input), measured };
}
