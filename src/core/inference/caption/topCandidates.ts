// Beam search's candidate selection without building k·V candidates: a bounded min-heap over
// parallel typed arrays keeps the best `capacity` (score, beam, token) triples seen, so a
// vocabulary of 50,265 costs one comparison per token once the heap is full, and nothing is
// allocated per candidate. Callers offer candidates in ascending (beam, token) order, which makes
// "strictly greater score" exactly transformers' order (higher score, then lower beam, lower token).

export class TopCandidates {
  readonly score: Float64Array;
  readonly beam: Int32Array;
  readonly token: Int32Array;
  size = 0;

  constructor(readonly capacity: number) {
    this.score = new Float64Array(capacity);
    this.beam = new Int32Array(capacity);
    this.token = new Int32Array(capacity);
  }

  reset(): void {
    this.size = 0;
  }

  /** The score a candidate must beat to enter (−Infinity while there is room). */
  get threshold(): number {
    return this.size < this.capacity ? -Infinity : this.score[0]!;
  }

  /** Offers a candidate; offered in ascending (beam, token) order, a tie never displaces an earlier one. */
  offer(score: number, beam: number, token: number): void {
    if (this.size < this.capacity) {
      let i = this.size++;
      // Sift up: the root is the worst kept (lowest score; among equals the later-offered).
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(score, beam, token, parent)) break;
        this.move(parent, i);
        i = parent;
      }
      this.put(i, score, beam, token);
      return;
    }
    if (!(score > this.score[0]!)) return;
    // Replace the root and sift down.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && this.worseAt(r, l) ? r : l;
      if (!this.worseAt(c, -1, score, beam, token)) break;
      this.move(c, i);
      i = c;
    }
    this.put(i, score, beam, token);
  }

  /** Kept candidates' slots, best first (higher score, then lower beam, then lower token). */
  sorted(): number[] {
    const idx = Array.from({ length: this.size }, (_, i) => i);
    return idx.sort((a, b) => this.score[b]! - this.score[a]! || this.beam[a]! - this.beam[b]! || this.token[a]! - this.token[b]!);
  }

  /** Is (score, beam, token) worse than the candidate in slot j? */
  private worse(score: number, beam: number, token: number, j: number): boolean {
    const s = this.score[j]!;
    if (score !== s) return score < s;
    const b = this.beam[j]!;
    return beam !== b ? beam > b : token > this.token[j]!;
  }

  /** Is slot i worse than slot j (or than the given candidate when j is −1)? */
  private worseAt(i: number, j: number, score = 0, beam = 0, token = 0): boolean {
    if (j >= 0) return this.worse(this.score[i]!, this.beam[i]!, this.token[i]!, j);
    const s = this.score[i]!;
    if (s !== score) return s < score;
    const b = this.beam[i]!;
    return b !== beam ? b > beam : this.token[i]! > token;
  }

  private move(from: number, to: number): void {
    this.score[to] = this.score[from]!;
    this.beam[to] = this.beam[from]!;
    this.token[to] = this.token[from]!;
  }

  private put(i: number, score: number, beam: number, token: number): void {
    this.score[i] = score;
    this.beam[i] = beam;
    this.token[i] = token;
  }
}
