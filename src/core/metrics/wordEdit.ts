// Word-level edit distance between two captions: how many words an annotator inserted, deleted or
// replaced to turn a suggestion into the final text (the Stats view, agreement between two
// annotators). Words are lowercase runs of letters and digits (an inner apostrophe kept: "don't"),
// so punctuation, case and spacing are not edits.
// The distance itself is fastest-levenshtein's (a maintained, bit-parallel Levenshtein over
// strings): no maintained npm library computes Levenshtein over arrays of tokens, so each distinct
// word of the pair is mapped to one character of its own and the two strings of those characters
// are compared — the same distance as over the word sequences.
import { distance } from 'fastest-levenshtein';

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** A caption's words, lowercase, in order. */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

// One UTF-16 code unit per distinct word, from U+0100 up, skipping the surrogate range (a lone
// surrogate is still one code unit to fastest-levenshtein, but staying clear of it costs nothing).
const FIRST = 0x100;
const SURROGATES = [0xd800, 0xdfff] as const;
const codeFor = (i: number): string => {
  const c = FIRST + i;
  return String.fromCharCode(c >= SURROGATES[0] ? c + (SURROGATES[1] - SURROGATES[0] + 1) : c);
};
/** Distinct words one pair may hold (a caption is at most 5000 characters, so far fewer). */
const MAX_DISTINCT = 0xffff - FIRST - (SURROGATES[1] - SURROGATES[0] + 1);

/** Levenshtein distance between two word sequences (insert, delete, replace one word: 1 each). */
export function tokenEditDistance(a: readonly string[], b: readonly string[]): number {
  const ids = new Map<string, string>();
  const encode = (words: readonly string[]) =>
    words
      .map((w) => {
        let c = ids.get(w);
        if (c === undefined) {
          if (ids.size >= MAX_DISTINCT) throw new RangeError(`more than ${MAX_DISTINCT} distinct words in one comparison`);
          ids.set(w, (c = codeFor(ids.size)));
        }
        return c;
      })
      .join('');
  return distance(encode(a), encode(b));
}

/** Word edit distance between two texts. */
export function wordEditDistance(a: string, b: string): number {
  return tokenEditDistance(wordTokens(a), wordTokens(b));
}

/** Edit distance over the longer text's word count: 0 identical … 1 nothing shared (0 for two empty texts). */
export function normalizedWordEdit(a: string, b: string): { edits: number; normalized: number } {
  const ta = wordTokens(a);
  const tb = wordTokens(b);
  const edits = tokenEditDistance(ta, tb);
  const longer = Math.max(ta.length, tb.length);
  return { edits, normalized: longer === 0 ? 0 : edits / longer };
}
