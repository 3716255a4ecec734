// The hidden-Markov step of pYIN (Mauch & Dixon 2014; librosa.pyin): given each frame's pitch
// candidates with their probabilities, choose one smooth path through {voiced at a candidate,
// unvoiced}. A voiced frame may move at most `maxJumpSemitones` from the previous voiced frame
// (triangular preference for small moves, as librosa's transition band), and switching between
// voiced and unvoiced costs `switchProb`. This is what turns per-frame YIN guesses into a track:
// octave errors in single frames cannot survive (an octave is outside the jump band), and
// isolated "voiced" noise frames cost more than they explain.
//
// Why hand-written: no npm package offers pYIN's decoder. Where librosa runs a dense Viterbi over
// pitch bins × {voiced, unvoiced}, this one keeps only the states that can win: a voiced state
// whose bin has no candidate has zero observation probability in pYIN, so the voiced states of a
// frame are exactly its candidates (K ≈ 1–12), and the unvoiced states collapse to one state from
// which any pitch may start (after a breath a singer may resume on any note). That makes the decode
// O(K²) per frame instead of O(bins × band), with continuous (unbinned) pitch distances.
//
// Observations: a voiced state at candidate c scores voicedProb · p_c / p_max (the frame's most
// probable candidate carries the frame's whole voicing probability, the others in proportion), the
// unvoiced state (1 − voicedProb) · unvoicedWeight. Scoring a voiced state by its own share p_c
// alone (as librosa does) lets a frame whose voicing is split between the period and its multiples
// lose to "unvoiced" (a 196 Hz tone at 10 dB SNR came out entirely unvoiced); librosa avoids that
// only by dividing the unvoiced mass over all its pitch bins, which in turn voices white noise.

export interface PitchCandidates {
  /** Candidate range of frame t is offsets[t] … offsets[t+1]−1; length = frames + 1. */
  offsets: Int32Array;
  /** Pitch of each candidate in semitones (any origin). */
  semitones: Float64Array;
  /** Probability of each candidate (its share of the frame's voicing probability). */
  prob: Float64Array;
  /** Per frame: total voicing probability (sum of its candidates' probabilities, ≤ 1). */
  voicedProb: Float32Array;
}

export interface ViterbiParams {
  /** Largest pitch move between consecutive voiced frames (semitones). */
  maxJumpSemitones: number;
  /** Probability of switching voiced ↔ unvoiced between frames. */
  switchProb: number;
  /** Weight of the unvoiced observation, (1 − voicedProb)·w: a frame leans voiced above voicedProb = w / (1 + w). */
  unvoicedWeight: number;
}

const FLOOR = 1e-12;

/**
 * Most likely state per frame: the index (into `semitones`/`prob`) of the chosen candidate, or −1
 * where the frame is decided unvoiced.
 */
export function decodePitchPath(c: PitchCandidates, p: ViterbiParams): Int32Array {
  const frames = c.offsets.length - 1;
  const path = new Int32Array(Math.max(0, frames)).fill(-1);
  if (frames <= 0) return path;
  const total = c.offsets[frames]!;
  const score = new Float64Array(total);
  const back = new Int32Array(total); // predecessor candidate index, −1 = unvoiced
  const backU = new Int32Array(frames); // predecessor of the unvoiced state, −1 = unvoiced
  const logStay = Math.log(1 - p.switchProb);
  const logSwitch = Math.log(p.switchProb);
  const band = p.maxJumpSemitones;
  const logHalf = Math.log(0.5);
  const logUnvoicedWeight = Math.log(p.unvoicedWeight);
  // Per frame: log voicedProb − log p_max, added to log p_c for a candidate's observation.
  const frameShift = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    let pMax = 0;
    for (let j = c.offsets[t]!; j < c.offsets[t + 1]!; j++) pMax = Math.max(pMax, c.prob[j]!);
    frameShift[t] = pMax > 0 ? Math.log(Math.max(FLOOR, c.voicedProb[t]!)) - Math.log(pMax) : 0;
  }
  const observeU = (t: number) => logUnvoicedWeight + Math.log(Math.max(FLOOR, 1 - c.voicedProb[t]!));
  const observeV = (t: number, j: number) => Math.log(Math.max(FLOOR, c.prob[j]!)) + frameShift[t]!;

  // Frame 0: even prior on voiced / unvoiced.
  let scoreU = logHalf + observeU(0);
  backU[0] = -1;
  for (let j = c.offsets[0]!; j < c.offsets[1]!; j++) {
    score[j] = logHalf + observeV(0, j);
    back[j] = -1;
  }
  for (let t = 1; t < frames; t++) {
    const p0 = c.offsets[t - 1]!;
    const p1 = c.offsets[t]!;
    const q1 = c.offsets[t + 1]!;
    // Unvoiced now: from unvoiced (stay) or from any voiced candidate (switch).
    let bestU = scoreU + logStay;
    let argU = -1;
    for (let i = p0; i < p1; i++) {
      const s = score[i]! + logSwitch;
      if (s > bestU) {
        bestU = s;
        argU = i;
      }
    }
    // Voiced at candidate j: from unvoiced (switch, any pitch) or a voiced candidate within the band.
    for (let j = p1; j < q1; j++) {
      let best = scoreU + logSwitch;
      let arg = -1;
      const sj = c.semitones[j]!;
      for (let i = p0; i < p1; i++) {
        const d = Math.abs(sj - c.semitones[i]!);
        if (d >= band) continue;
        const s = score[i]! + logStay + Math.log(1 - d / band);
        if (s > best) {
          best = s;
          arg = i;
        }
      }
      score[j] = best + observeV(t, j);
      back[j] = arg;
    }
    scoreU = bestU + observeU(t);
    backU[t] = argU;
  }
  // Best final state, then follow the pointers back.
  let state = -1;
  let best = scoreU;
  for (let j = c.offsets[frames - 1]!; j < total; j++) {
    if (score[j]! > best) {
      best = score[j]!;
      state = j;
    }
  }
  for (let t = frames - 1; t >= 0; t--) {
    path[t] = state;
    state = state < 0 ? backU[t]! : back[state]!;
  }
  return path;
}
