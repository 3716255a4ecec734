"""BLEU-1..4, ROUGE-L and CIDEr-D over PTB-tokenized captions, as pycocoevalcap v1.2's scorers
compute them: a port of the studio's src/core/metrics/caption/{bleu,rougeL,ciderD}.ts (whose
headers give the details). Hand-written because pycocoevalcap cannot be installed where training
runs and the NLTK/sacrebleu variants give other numbers. Each takes [(candidate, [references])]
of tokenized strings and returns (corpus score, per-item scores). BLEU and CIDEr-D split words
with str.split() and ROUGE-L with str.split(" "), as pycocoevalcap does."""
from __future__ import annotations

import math
from collections import Counter

N = 4
TINY = 1e-15
SMALL = 1e-9
BETA = 1.2
SIGMA = 6.0

Items = list[tuple[str, list[str]]]


def ngram_counts(words: list[str], n: int = N) -> Counter:
    """Counts of the word tuples of length 1..n."""
    return Counter(tuple(words[i:i + k]) for k in range(1, n + 1) for i in range(len(words) - k + 1))


def _bleu_of(correct: list[float], guess: list[float], testlen: int, reflen: int) -> list[float]:
    out, score = [], 1.0
    for k in range(N):
        score *= (correct[k] + TINY) / (guess[k] + SMALL)
        out.append(score ** (1.0 / (k + 1)))
    ratio = (testlen + TINY) / (reflen + SMALL)
    if ratio < 1:
        out = [v * math.exp(1 - 1 / ratio) for v in out]
    return out


def bleu(items: Items) -> tuple[list[float], list[list[float]]]:
    """pycocoevalcap's Bleu(4), option "closest": corpus BLEU-1..4 and per caption."""
    total_test = total_ref = 0
    total_guess, total_correct = [0] * N, [0] * N
    per_item = []
    for cand, refs in items:
        maxcounts: Counter = Counter()
        reflens = []
        for ref in refs:
            words = ref.split()
            reflens.append(len(words))
            for g, c in ngram_counts(words).items():
                maxcounts[g] = max(maxcounts[g], c)
        words = cand.split()
        testlen = len(words)
        reflen = min((abs(l - testlen), l) for l in reflens)[1]  # closest, ties to the shorter
        guess = [max(0, testlen - k) for k in range(N)]
        correct = [0] * N
        for g, c in ngram_counts(words).items():
            correct[len(g) - 1] += min(maxcounts.get(g, 0), c)
        total_test += testlen
        total_ref += reflen
        for k in range(N):
            total_guess[k] += guess[k]
            total_correct[k] += correct[k]
        per_item.append(_bleu_of(correct, guess, testlen, reflen))
    return _bleu_of(total_correct, total_guess, total_test, total_ref), per_item


def _lcs(a: list[str], b: list[str]) -> int:
    long, short = (b, a) if len(a) < len(b) else (a, b)
    prev = [0] * (len(short) + 1)
    for x in long:
        cur = [0] * (len(short) + 1)
        for j, y in enumerate(short, 1):
            cur[j] = prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1])
        prev = cur
    return prev[-1]


def rouge_l_item(candidate: str, references: list[str]) -> float:
    c = candidate.split(" ")
    prec_max = rec_max = -math.inf
    for ref in references:
        r = ref.split(" ")
        lcs = _lcs(r, c)
        prec_max = max(prec_max, lcs / len(c))
        rec_max = max(rec_max, lcs / len(r))
    if prec_max != 0 and rec_max != 0:
        return ((1 + BETA ** 2) * prec_max * rec_max) / (rec_max + BETA ** 2 * prec_max)
    return 0.0


def rouge_l(items: Items) -> tuple[float, list[float]]:
    """pycocoevalcap's Rouge(): mean ROUGE-L and per caption."""
    per_item = [rouge_l_item(c, refs) for c, refs in items]
    return sum(per_item) / len(per_item), per_item


def cider_d(items: Items) -> tuple[float, list[float]]:
    """pycocoevalcap's Cider(n=4, sigma=6) (the CIDEr-D length penalty and clipping): document
    frequencies over the references of these items, one document per item."""
    crefs = [[ngram_counts(r.split()) for r in refs] for _, refs in items]
    ctest = [ngram_counts(c.split()) for c, _ in items]
    df: Counter = Counter()
    for refs in crefs:
        df.update({g for r in refs for g in r})
    ref_len = math.log(len(crefs))

    def to_vec(counts: Counter):
        vec = [{} for _ in range(N)]
        sq = [0.0] * N
        length = 0
        for g, tf in counts.items():
            n = len(g) - 1
            w = tf * (ref_len - math.log(max(1.0, df.get(g, 0))))
            vec[n][g] = w
            sq[n] += w ** 2
            if n == 1:
                length += tf
        return vec, [math.sqrt(s) for s in sq], length

    def sim(h, r) -> list[float]:
        (hv, hn, hl), (rv, rn, rl) = h, r
        delta = hl - rl
        val = [0.0] * N
        for n in range(N):
            for g, w in hv[n].items():
                rw = rv[n].get(g, 0.0)
                val[n] += min(w, rw) * rw
            if hn[n] != 0 and rn[n] != 0:
                val[n] /= hn[n] * rn[n]
            val[n] *= math.e ** (-(delta ** 2) / (2 * SIGMA ** 2))
        return val

    per_item = []
    for test, refs in zip(ctest, crefs):
        h = to_vec(test)
        score = [0.0] * N
        for ref in refs:
            for n, v in enumerate(sim(h, to_vec(ref))):
                score[n] += v
        per_item.append(sum(score) / N / len(refs) * 10.0)
    return sum(per_item) / len(per_item), per_item
