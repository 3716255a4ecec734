"""Greedy and beam search with Hugging Face generate()'s semantics. Oracles, as the studio's
src/core/inference/caption/searchReference.test.ts has them: greedy against argmax by hand over
full (uncached) decoder passes; beam search against exhaustive enumeration of every sequence on
a 5-token vocabulary (with enough beams, beam search must find the best length-normalised
sequence); and the fast candidate selection against the plain full-sort algorithm on a seeded
Markov table with quantised scores (many ties, which must go to the lower beam, then token)."""
import dataclasses
import math
import unittest

import torch

import helpers  # noqa: F401
from helpers import tiny_config
from s2cap_train.generate import (NEG, SearchResult, SearchSettings, beam, generate, generate_from_states,
                                  generate_with_scores, greedy, process, settings_from)
from s2cap_train.models.captioner import S2CapModel
from test_models import randomize

START, EOS = 2, 1


class MarkovModel:
    """Scores depend on the last two tokens of each row (a seeded table), quantised so ties are common."""

    def __init__(self, vocab: int, seed: int, rows: int, logits: bool = False):
        self.vocab, self.seed, self.logits = vocab, seed, logits
        self.rows = [[START] for _ in range(rows)]

    def scores(self, seq):
        h = (self.seed * 2654435761 + (seq[-1] + 1) * 40503 + (seq[-2] if len(seq) > 1 else 7) * 97) % 2 ** 32
        out = []
        for _ in range(self.vocab):
            h = (h * 1664525 + 1013904223) % 2 ** 32
            out.append(round(((h / 2 ** 32) * 6 - 4) * 4) / 4)
        t = torch.tensor(out, dtype=torch.float32)
        return t if self.logits else t - torch.logsumexp(t, 0)

    def step(self, last):
        for row, tok in zip(self.rows, last):
            if len(row) > 1 or tok != START:
                row.append(tok)
        return torch.stack([self.scores(r) for r in self.rows])

    def select(self, rows):
        self.rows = [list(self.rows[r]) for r in rows]


def reference_beam(model, items, s: SearchSettings):
    """search.ts's original beam search (searchReference.test.ts): every k·V candidate built, processed, sorted."""
    k = s.num_beams
    beams = [[([s.decoder_start_token_id], [], 0.0 if j == 0 else NEG) for j in range(k)] for _ in range(items)]
    hyps = [[] for _ in range(items)]

    def add(i, b, total):
        score = total / max(1, len(b[0]) - 1) ** s.length_penalty
        h = hyps[i]
        if len(h) < k or score > h[-1][1]:
            h.append((b, score))
            h.sort(key=lambda x: -x[1])
            del h[k:]

    def done(i, best, length):
        h = hyps[i]
        if len(h) < k:
            return False
        if s.early_stopping is True:
            return True
        n = s.max_length - 1 if s.early_stopping == "never" and s.length_penalty > 0 else length - 1
        return h[-1][1] >= best / max(1, n) ** s.length_penalty

    pool = max(2, 1 + len(s.eos_token_id)) * k
    results = [None] * items
    active = list(range(items))
    while active:
        rows = model.step([b[0][-1] for it in active for b in beams[it]])
        still, select = [], []
        for a, item in enumerate(active):
            cur = beams[item]
            cands = []
            for j, (seq, raws, total) in enumerate(cur):
                if total == NEG:
                    continue
                row = rows[a * k + j].double()
                raw = (row - torch.logsumexp(row, 0)).float()
                p = raw.clone()
                process(seq, p, s)
                cands += [(total + float(p[v]), j, v, float(rows[a * k + j, v]) - float(torch.logsumexp(row, 0)))
                          for v in range(len(p)) if p[v] > NEG]
            cands.sort(key=lambda c: (-c[0], c[1], c[2]))
            nxt, parents = [], []
            for r, (total, j, v, raw) in enumerate(cands[:pool]):
                if len(nxt) >= k:
                    break
                child = (cur[j][0] + [v], cur[j][1] + [raw], total)
                if v in s.eos_token_id:
                    if r < k:
                        add(item, child, total)
                else:
                    nxt.append(child)
                    parents.append(j)
            at_max = len(cur[0][0]) + 1 >= s.max_length
            if at_max or not nxt or done(item, nxt[0][2], len(cur[0][0]) + 1):
                if at_max or not hyps[item]:
                    for b in nxt:
                        add(item, b, b[2])
                (seq, raws, _), score = hyps[item][0]
                results[item] = SearchResult(seq, raws, score)
                continue
            while len(nxt) < k:
                nxt.append((list(nxt[0][0]), list(nxt[0][1]), NEG))
                parents.append(parents[0])
            beams[item] = nxt
            still.append(item)
            select += [a * k + j for j in parents]
        if still:
            model.select(select)
        active = still
    return results


def settings(**over) -> SearchSettings:
    return SearchSettings(**{"decoder_start_token_id": START, "eos_token_id": [EOS], "max_length": 9, **over})


class Processors(unittest.TestCase):
    def run_process(self, seq, **over):
        row = torch.zeros(8)
        process(seq, row, settings(**over))
        return [v for v in range(8) if row[v] == NEG]

    def test_hand_computed_cases(self):
        # no_repeat_ngram_size 2 on [2, 5, 6, 5]: the bigram (5, 6) exists, so 6 after 5 is banned
        self.assertEqual(self.run_process([2, 5, 6, 5], no_repeat_ngram_size=2), [6])
        self.assertEqual(self.run_process([2, 5, 6, 5, 6], no_repeat_ngram_size=3), [5])
        self.assertEqual(self.run_process([2, 5], no_repeat_ngram_size=3), [])
        # min_length counts the decoder start token: EOS banned while len(seq) < min_length
        self.assertEqual(self.run_process([2, 5], min_length=3), [EOS])
        self.assertEqual(self.run_process([2, 5, 6], min_length=3), [])
        # forced BOS at the first step, forced EOS at the step that reaches max_length
        self.assertEqual(self.run_process([2], forced_bos_token_id=0), [1, 2, 3, 4, 5, 6, 7])
        self.assertEqual(self.run_process([2, 5, 6], forced_eos_token_id=EOS, max_length=4), [0, 2, 3, 4, 5, 6, 7])
        # forcing comes last: a forced token is never banned
        self.assertEqual(self.run_process([2], forced_bos_token_id=EOS, min_length=5), [0, 2, 3, 4, 5, 6, 7])
        row = torch.tensor([-2.0, 3.0, 1.0, 0.5])
        process([2, 0, 1], row, settings(repetition_penalty=2.0))
        self.assertEqual(row.tolist(), [-4.0, 1.5, 0.5, 0.5])


class FastSelectionEqualsFullSort(unittest.TestCase):
    def test_random_markov_tables_with_every_processor(self):
        cases = [{}, {"no_repeat_ngram_size": 2, "min_length": 4}, {"repetition_penalty": 1.7},
                 {"forced_bos_token_id": 6, "forced_eos_token_id": EOS, "length_penalty": 0.6, "early_stopping": True},
                 {"length_penalty": 2.0, "early_stopping": "never", "no_repeat_ngram_size": 3, "repetition_penalty": 1.3}]
        for i, case in enumerate(cases):
            for k in (2, 4):
                for seed in range(1, 5):
                    s = settings(num_beams=k, **case)
                    fast = beam(MarkovModel(40, seed * 31 + i, 3 * k), 3, s)
                    ref = reference_beam(MarkovModel(40, seed * 31 + i, 3 * k), 3, s)
                    where = (case, k, seed)
                    self.assertEqual([r.sequence for r in fast], [r.sequence for r in ref], where)
                    for a, b in zip(fast, ref):
                        self.assertAlmostEqual(a.score, b.score, places=9, msg=where)
                        self.assertEqual(len(a.token_logprobs), len(a.sequence) - 1)
                        for x, y in zip(a.token_logprobs, b.token_logprobs):
                            self.assertAlmostEqual(x, y, places=6, msg=where)

    def test_greedy_gives_the_same_tokens_from_logits_as_from_log_probs(self):
        for seed in range(1, 5):
            s = settings(no_repeat_ngram_size=2, min_length=3)
            a = greedy(MarkovModel(30, seed, 2, logits=True), 2, s)
            b = greedy(MarkovModel(30, seed, 2, logits=False), 2, s)
            self.assertEqual([r.sequence for r in a], [r.sequence for r in b])

    def test_greedy_applies_the_repetition_penalty_to_raw_logits(self):
        # as the studio's test: on logits the start token (−1 → −2) loses to token 3 (−1.5); on log-probs it would win
        class Flat:
            def step(self, last):
                return torch.tensor([[-9.0, -9.0, -1.0, -1.5, -9.0]] * len(last))

            def select(self, rows):
                pass
        [r] = greedy(Flat(), 1, settings(repetition_penalty=2.0, max_length=2))
        self.assertEqual(r.sequence, [START, 3])


class Scripted:
    """Next-token probabilities given per prefix (tokens 0..3; EOS 1, start 2); `default` elsewhere."""

    def __init__(self, table: dict, default: dict, rows: int):
        self.table, self.default = table, default
        self.rows = [[START] for _ in range(rows)]

    def step(self, last):
        out = []
        for row, tok in zip(self.rows, last):
            if len(row) > 1 or tok != START:
                row.append(tok)
            p = self.table.get(tuple(row), self.default)
            out.append(torch.tensor([math.log(p.get(v, 1e-9)) for v in range(4)], dtype=torch.float32))
        return torch.stack(out)

    def select(self, rows):
        self.rows = [list(self.rows[r]) for r in rows]


class HandComputedBeams(unittest.TestCase):
    """transformers' beam bookkeeping on cases worked out by hand (see the comments)."""

    def test_early_stopping_never_outlives_the_heuristic(self):
        # k=2, length_penalty 2. Step 1: [2,1] finishes (ln .6 = −0.51); [2,3] (−1.05) and [2,0] live.
        # Step 2: [2,3,1] finishes at −1.41/2² = −0.35; best live [2,3,3] has sum −2.50. The heuristic
        # stops (worst −0.51 ≥ −2.50/2² = −0.62) with [2,3,1]; "never" bounds by max_length (−2.50/4² =
        # −0.16 > −0.51), goes on, and [2,3,3,3,3] ends at −2.56/4² = −0.16, the best.
        table = {(2,): {1: .6, 3: .35, 0: .04, 2: .01}, (2, 3): {1: .7, 3: .235, 0: .05, 2: .015},
                 (2, 0): {1: .9, 0: .05, 3: .04, 2: .01}}
        default = {3: .97, 1: .01, 0: .01, 2: .01}
        for early, want in ((False, [2, 3, 1]), (True, [2, 3, 1]), ("never", [2, 3, 3, 3, 3])):
            s = settings(num_beams=2, max_length=5, length_penalty=2.0, early_stopping=early)
            [r] = beam(Scripted(table, default, 2), 1, s)
            self.assertEqual(r.sequence, want, early)
        self.assertAlmostEqual(r.score, (math.log(.35) + math.log(.235) + 2 * math.log(.97)) / 16, places=6)

    def test_an_eos_ranked_below_the_beam_width_never_finishes(self):
        # k=2, no length penalty: [2,1] (ln .2 = −1.61) ranks third at step 1, so it is not a hypothesis,
        # although it beats every longer sequence (−2.08); the first of the tied best at max_length wins.
        table = {(2,): {3: .5, 0: .3, 1: .2}}
        default = {0: .25, 1: .25, 2: .25, 3: .25}
        [r] = beam(Scripted(table, default, 2), 1, settings(num_beams=2, max_length=3, length_penalty=0.0))
        self.assertEqual(r.sequence, [2, 3, 1])
        self.assertAlmostEqual(r.score, math.log(.5) + math.log(.25), places=6)
        # Two EOS ids (1 and 0), k=2, early_stopping: at step 1 [2,1] ranks first (a hypothesis), [2,3]
        # second, [2,0] third: an EOS below the beam width, so not a hypothesis; the two hypotheses
        # early stopping waits for are [2,1] and, at step 2, [2,3,1] (−1.23/2 = −0.62), which wins.
        table = {(2,): {1: .4, 3: .3, 0: .2, 2: .1}}
        default = {1: .97, 0: .01, 2: .01, 3: .01}
        s = settings(num_beams=2, max_length=3, eos_token_id=[1, 0], early_stopping=True)
        [r] = beam(Scripted(table, default, 2), 1, s)
        self.assertEqual(r.sequence, [2, 3, 1])
        self.assertAlmostEqual(r.score, (math.log(.3) + math.log(.97)) / 2, places=6)


class OnTheModel(unittest.TestCase):
    """The real S2CapModel, its KV cache and beam reordering, against full decoder passes."""

    @classmethod
    def setUpClass(cls):
        cls.x = torch.randn(3, 1024, 128, generator=torch.Generator().manual_seed(21))

    def model(self, vocab, seed, scale=3.0, **gen):
        cfg = tiny_config(vocab_size=vocab)
        cfg = dataclasses.replace(cfg, generation=dataclasses.replace(cfg.generation, **gen))
        torch.manual_seed(seed)
        model = S2CapModel(cfg).eval()
        randomize(model, seed)
        with torch.no_grad():
            model.bart.model.shared.weight.mul_(scale)  # how peaked the next-token distributions are
            states = model.encode_audio(self.x)
        return model, cfg, states

    def full_log_probs(self, bart, states, seq):
        with torch.no_grad():
            logits, _ = bart.decode(torch.tensor([seq]), states[None])
        return torch.log_softmax(logits[0, -1].double(), -1)

    def test_greedy_equals_argmax_by_hand(self):
        model, cfg, states = self.model(300, 30, max_length=14, min_length=4, no_repeat_ngram_size=0, num_beams=1)
        with torch.no_grad():
            model.bart.final_logits_bias[0, cfg.decoder.eos_token_id] = 37.0  # so items stop at different steps
        model.train().bart.eval()  # as in stage 1 (BART frozen): generate must leave each submodule's mode so
        got = generate_with_scores(model, self.x, cfg.generation, cfg.decoder)
        self.assertEqual((model.encoder.training, model.bart.training), (True, False))
        lengths = set()
        for item, res in enumerate(got):
            seq, logprobs = [cfg.decoder.decoder_start_token_id], []
            while True:
                lp = self.full_log_probs(model.bart, states[item], seq)
                if len(seq) == 1:
                    tok = cfg.decoder.forced_bos_token_id
                else:
                    masked = lp.clone()
                    if len(seq) < cfg.generation.min_length:
                        masked[cfg.decoder.eos_token_id] = NEG
                    tok = int(torch.argmax(masked))
                seq.append(tok)
                logprobs.append(float(lp[tok]))
                if tok == cfg.decoder.eos_token_id or len(seq) >= cfg.generation.max_length:
                    break
            lengths.add(len(seq))
            self.assertEqual(res.sequence, seq)
            for a, b in zip(res.token_logprobs, logprobs):
                self.assertAlmostEqual(a, b, places=4)
            self.assertAlmostEqual(res.score, sum(logprobs), places=3)
        self.assertGreater(len(lengths), 1, "items should stop at different steps (exercises dropping rows)")
        self.assertEqual(generate(model, self.x, cfg.generation, cfg.decoder), [r.sequence for r in got])

    def exhaustive_best(self, bart, states, s: SearchSettings):
        """Every sequence the constraints allow, scored as beam search scores it (forced BOS scores 0)."""
        best = (NEG, None)
        stack = [([s.decoder_start_token_id], 0.0)]
        while stack:
            seq, total = stack.pop()
            lp = self.full_log_probs(bart, states, seq)
            for v in range(len(lp)):
                if len(seq) == 1 and v != s.forced_bos_token_id:
                    continue
                if len(seq) > 1 and v in s.eos_token_id and len(seq) < s.min_length:
                    continue
                grams = [tuple(seq[i:i + s.no_repeat_ngram_size]) for i in range(len(seq) - s.no_repeat_ngram_size + 1)]
                if len(seq) > 1 and tuple(seq[len(seq) - s.no_repeat_ngram_size + 1:] + [v]) in grams:
                    continue
                new, t = seq + [v], total + (0.0 if len(seq) == 1 else float(lp[v]))
                if v in s.eos_token_id or len(new) >= s.max_length:
                    score = t / (len(new) - 1) ** s.length_penalty
                    if score > best[0]:
                        best = (score, new)
                else:
                    stack.append((new, t))
        return best

    def test_beam_search_with_enough_beams_equals_exhaustive_enumeration(self):
        # vocabulary 5 (0 <s>, 1 <pad>, 2 </s>, 3, 4), max_length 5: at most 16 live prefixes × 5 = 80 candidates a step
        for seed, lp, min_length in ((40, 1.0, 0), (41, 0.6, 4), (42, 2.0, 3)):
            model, cfg, states = self.model(5, seed, scale=1.0, max_length=5, min_length=min_length,
                                            no_repeat_ngram_size=2, length_penalty=lp, early_stopping="never", num_beams=80)
            with torch.no_grad():
                model.bart.final_logits_bias[0, 2] = 0.5  # EOS competes, so lengths vary
            got = generate_with_scores(model, self.x, cfg.generation, cfg.decoder)
            s = settings_from(cfg.generation, cfg.decoder)
            for item in range(len(self.x)):
                score, seq = self.exhaustive_best(model.bart, states[item], s)
                self.assertEqual(got[item].sequence, seq, (seed, item))
                self.assertAlmostEqual(got[item].score, score, places=4)

    def test_exhaustive_on_a_longer_horizon_with_padded_encoder_states(self):
        # vocabulary 6, max_length 6: ≤ 125 live prefixes × 6 = 750 candidates a step, so 750 beams are exact;
        # each item's states padded with junk to a common length and masked (the cross-attention mask per row)
        cfg = tiny_config(vocab_size=6)
        cfg = dataclasses.replace(cfg, generation=dataclasses.replace(
            cfg.generation, max_length=6, min_length=3, no_repeat_ngram_size=2, length_penalty=1.0,
            early_stopping="never", num_beams=750))
        bart = S2CapModel(cfg).bart.eval()
        randomize(bart, 61)
        with torch.no_grad():
            bart.model.shared.weight.mul_(0.2)  # flat enough that 2 beams miss the best sequence somewhere
        g = torch.Generator().manual_seed(61)
        lengths = [7, 4, 6]
        states = torch.randn(3, 7, cfg.decoder.d_model, generator=g)
        mask = torch.zeros(3, 7, dtype=torch.long)
        for i, n in enumerate(lengths):
            mask[i, :n] = 1
            states[i, n:] = 100.0  # junk the mask must hide
        got = generate_from_states(bart, states, mask, cfg.generation, cfg.decoder)
        narrow = generate_from_states(bart, states, mask, cfg.generation, cfg.decoder, num_beams=2)
        s = settings_from(cfg.generation, cfg.decoder)
        differs = 0
        for item, n in enumerate(lengths):
            score, seq = self.exhaustive_best(bart, states[item, :n], s)
            self.assertEqual(got[item].sequence, seq, item)
            self.assertAlmostEqual(got[item].score, score, places=4)
            differs += narrow[item].sequence != seq
        self.assertGreater(differs, 0, "2 beams should miss the best sequence somewhere, or the test shows little")

    def test_beam_search_on_cached_decoder_equals_reference_on_full_passes(self):
        model, cfg, states = self.model(60, 50, max_length=10, min_length=3, no_repeat_ngram_size=2, num_beams=3,
                                        early_stopping=True)

        class FullPasses:
            """Recomputes every row's whole prefix each step (no cache), rows tracked like MarkovModel's."""

            def __init__(self, rows_per_item):
                self.rows = [[START] for _ in range(len(states) * rows_per_item)]
                self.item = [i for i in range(len(states)) for _ in range(rows_per_item)]

            def step(self, last):
                out = []
                for r, tok in enumerate(last):
                    if len(self.rows[r]) > 1 or tok != START:
                        self.rows[r].append(tok)
                    with torch.no_grad():
                        logits, _ = model.bart.decode(torch.tensor([self.rows[r]]), states[self.item[r]][None])
                    out.append(logits[0, -1])
                return torch.stack(out)

            def select(self, rows):
                self.rows = [list(self.rows[r]) for r in rows]
                self.item = [self.item[r] for r in rows]

        s = settings_from(cfg.generation, cfg.decoder)
        ref = reference_beam(FullPasses(3), len(states), s)
        got = generate_with_scores(model, self.x, cfg.generation, cfg.decoder)
        self.assertEqual([r.sequence for r in got], [r.sequence for r in ref])
        for a, b in zip(got, ref):
            self.assertAlmostEqual(a.score, b.score, places=4)
        self.assertTrue(all(r.sequence[:2] == [2, 0] for r in got))


if __name__ == "__main__":
    unittest.main()
