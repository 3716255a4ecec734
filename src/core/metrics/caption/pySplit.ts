// The two ways pycocoevalcap's scorers split a tokenized caption into words: BLEU and CIDEr-D
// call Python's str.split() (any run of Unicode whitespace, no empty words), ROUGE-L calls
// str.split(" ") (single spaces, so "" is one empty word). Kept apart so each scorer sees the
// words pycocoevalcap's would (a PTB token can hold a no-break space, e.g. "3 1/2").

// Python's str.isspace() characters.
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** Python's `s.split()`. */
export function pySplitWhitespace(s: string): string[] {
  return s.split(PY_WHITESPACE).filter((w) => w.length > 0);
}

/** Python's `s.split(" ")`. */
export function pySplitSpace(s: string): string[] {
  return s.split(' ');
}

/** The n-grams (n = 1..max) of a word list with their counts, keyed by the words joined with \u0001. */
export function ngramCounts(words: string[], max = 4): Map<string, number> {
  const counts = new Map<string, number>();
  for (let k = 1; k <= max; k++) {
    for (let i = 0; i + k <= words.length; i++) {
      const key = words.slice(i, i + k).join('\u0001');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** The order (1-based) of an n-gram key made by ngramCounts. */
export function ngramOrder(key: string): number {
  let n = 1;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) === 1) n++;
  return n;
}
