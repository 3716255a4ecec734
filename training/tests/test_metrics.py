"""caption_metrics against pycocoevalcap v1.2 and the studio: the fixture captions tokenize as its
PTBTokenizer recorded (test/fixtures/metrics/tokenized.json), its scorers' numbers
(expected.json) come out to 1e-4 per caption and for the corpus, as the studio's
captionMetrics.test.ts checks them; random caption-like text tokenizes as the studio's
ptbTokenize.ts does (through node); and tiny cases whose scores are computed by hand."""
import json
import math
import os
import random
import unittest

from helpers import FIXTURES, HAS_STUDIO, studio_script

from s2cap_train.metrics import caption_metrics, caption_scores, ptb_tokenize
from s2cap_train.metrics.scorers import bleu, cider_d, rouge_l

DIR = os.path.join(FIXTURES, "metrics")
TOL = 1e-4
KEYS = ("bleu_1", "bleu_2", "bleu_3", "bleu_4", "rouge_l", "cider_d")


def jsonl(name):
    with open(os.path.join(DIR, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_json(name):
    with open(os.path.join(DIR, name), encoding="utf-8") as f:
        return json.load(f)


NODE_SCRIPT = r"""
import fs from 'node:fs';
import { ptbTokenize } from './src/core/metrics/caption/ptbTokenize.ts';
const texts = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(texts.map((t) => ptbTokenize(t))));
"""


class FixtureTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cands = {c["id"]: c["caption"] for c in jsonl("candidates.jsonl")}
        cls.refs = {r["id"]: r["captions"] for r in jsonl("references.jsonl")}
        cls.tokenized = load_json("tokenized.json")
        cls.expected = load_json("expected.json")

    def test_tokenizes_as_pycocoevalcap_recorded(self):
        for i, c in self.cands.items():
            self.assertEqual(ptb_tokenize(c), self.tokenized["candidates"][i], i)
        for i, caps in self.refs.items():
            self.assertEqual([ptb_tokenize(c) for c in caps], self.tokenized["references"][i], i)

    def test_scorers_on_recorded_tokens_equal_pycocoevalcap(self):
        items = [(self.tokenized["candidates"][i], self.tokenized["references"][i]) for i in self.cands]
        (b, b_items), (r, r_items), (c, c_items) = bleu(items), rouge_l(items), cider_d(items)
        got = dict(zip(KEYS, [*b, r, c]))
        for k in KEYS:
            self.assertLess(abs(got[k] - self.expected["corpus"][k]), TOL, k)
        self.assertEqual(len(self.expected["per_item"]), len(items))
        for p, bi, ri, ci in zip(self.expected["per_item"], b_items, r_items, c_items):
            for k, v in zip(KEYS, [*bi, ri, ci]):
                self.assertLess(abs(v - p[k]), TOL, (p["id"], k))

    def test_caption_metrics_on_raw_captions(self):
        got = caption_metrics(self.cands, self.refs)
        self.assertEqual(sorted(got), sorted(KEYS))
        for k in KEYS:
            self.assertLess(abs(got[k] - self.expected["corpus"][k]), TOL, k)
        per_item = caption_scores(self.cands, self.refs)["per_item"]
        self.assertEqual([p["id"] for p in per_item], [p["id"] for p in self.expected["per_item"]])
        for p, want in zip(per_item, self.expected["per_item"]):
            for k in KEYS:
                self.assertLess(abs(p[k] - want[k]), TOL, (p["id"], k))


class PtbTokenizeTest(unittest.TestCase):
    def test_hand_cases(self):
        cases = [
            ("A singer's mid-tempo R&B song, with \"soft\" vocals (breathy).",
             "a singer 's mid-tempo r&b song with soft vocals -lrb- breathy -rrb-"),
            ("They don't sing; it's 3.5 times louder!", "they do n't sing it 's 3.5 times louder"),
            ("cannot gonna U.S. -- in the key of C.", "can not gon na u.s. in the key of c."),
            ("she’s “airy”… 🎤", "she 's airy"),
            ("", ""),
        ]
        for text, want in cases:
            self.assertEqual(ptb_tokenize(text), want, text)

    def test_equals_the_studio_on_random_caption_text(self):
        if not HAS_STUDIO:
            print("skipping the comparison with the studio's ptbTokenize: node or its node_modules missing")
            self.skipTest("node or the studio's node_modules (tsx) missing")
        pool = ["a", "Singer", "R&B", "r&b", "AT&T", "don't", "can't", "won’t", "singer's", "singers'", "they're",
                "I'll", "'80s", "rock'n'roll", "y'all", "3.5", "1,000", "2:30", "4/4", "120bpm", "-5", "c#", "C++",
                "U.S.", "e.g.", "Mr.", "etc.", "vs.", "p.m.", "The", "It", "mid-tempo", "lo-fi", "pop/rock", "(", ")",
                "[", "]", "{", "}", ".", ",", ";", ":", "!", "?", "!!", "-", "--", "---", "—", "...", "…", "\"", "“",
                "”", "'", "‘", "’", "`", "&", "%", "+", "=", "~", "♪", "🎤", "½", "²", "café", "naïve", "日本",
                "http://x.org/a", "www.site.com", "me@x.com", "@user", "#tag", "cannot", "gonna", "wanna", ":)",
                "&amp;", "&lt;", "<b>", "$5", "£3", "50%", "\u00a0", "\t", "  "]
        rng = random.Random(11)
        texts = []
        for _ in range(300):
            parts = [rng.choice(pool) for _ in range(rng.randrange(1, 12))]
            texts.append("".join(p + rng.choice([" ", " ", " ", ""]) for p in parts))
        for text, want in zip(texts, studio_script(NODE_SCRIPT, texts)):
            self.assertEqual(ptb_tokenize(text), want, repr(text))


class HandComputedTest(unittest.TestCase):
    def test_bleu_brevity_penalty_and_empty_orders(self):
        # "a b" against "a b c d": p1 = p2 = 1, p3 and p4 have no n-grams (tiny/small = 1e-6 each),
        # brevity penalty exp(1 - 4/2).
        (b1, b2, b3, b4), _ = bleu([("a b", ["a b c d"])])
        bp = math.exp(-1)
        self.assertAlmostEqual(b1, bp, 9)
        self.assertAlmostEqual(b2, bp, 9)
        self.assertAlmostEqual(b3, bp * 1e-6 ** (1 / 3), 9)
        self.assertAlmostEqual(b4, bp * 1e-12 ** (1 / 4), 9)

    def test_bleu_closest_length_ties_to_the_shorter_reference(self):
        # length 3 against references of 2 and 4 words: the closest is 2 (tie → shorter), so no
        # brevity penalty; with 4 it would be exp(1 - 4/3).
        (b1, _, b3, b4), _ = bleu([("a b c", ["a b", "a b c x"])])
        self.assertAlmostEqual(b1, 1.0, 8)
        self.assertAlmostEqual(b3, 1.0, 8)
        self.assertAlmostEqual(b4, 1e-6 ** (1 / 4), 8)

    def test_rouge_l(self):
        # LCS("a b c d", "a c d e f") = 3: P = 3/4, R = 3/5, F(β=1.2) = 2.44·P·R / (R + 1.44·P).
        score, _ = rouge_l([("a b c d", ["a c d e f"])])
        self.assertAlmostEqual(score, 2.44 * 0.75 * 0.6 / (0.6 + 1.44 * 0.75), 12)
        # precision and recall are maximised over references separately
        score, _ = rouge_l([("a b", ["a b c d", "a x"])])
        self.assertAlmostEqual(score, 2.44 * 1.0 * 0.5 / (0.5 + 1.44 * 1.0), 12)
        self.assertEqual(rouge_l([("", ["a b"])])[0], 0.0)
        # pycocoevalcap splits on " " for ROUGE-L but on any whitespace for BLEU (a PTB token may
        # hold a no-break space, "3\u00a01/2"): "a\u00a0b" is one word here, two words there.
        self.assertEqual(rouge_l([("a\u00a0b", ["a b"])])[0], 0.0)
        self.assertAlmostEqual(bleu([("a\u00a0b", ["a b"])])[0][1], 1.0, 8)

    def test_cider_d(self):
        # Two items, every n-gram in one document: idf = log 2 for all. Item 1 equals its reference:
        # cosine 1 for n = 1, 2 and nothing for n = 3, 4 → (1 + 1) / 4 · 10 = 5. Item 2, "c" against
        # "c d": unigram cosine 1/√2, no bigrams, length penalty exp(-(0 - 1)² / 72) → 10/4/√2 · e^(-1/72).
        score, items = cider_d([("a b", ["a b"]), ("c", ["c d"])])
        self.assertAlmostEqual(items[0], 5.0, 12)
        self.assertAlmostEqual(items[1], 10 / 4 / math.sqrt(2) * math.exp(-1 / 72), 12)
        self.assertAlmostEqual(score, (items[0] + items[1]) / 2, 12)
        # Clipping: repeating a word does not raise the unigram match above the reference's weight.
        _, clipped = cider_d([("a a b", ["a b"]), ("c", ["c d"])])
        self.assertLess(clipped[0], 5.0)
        # One item: every idf is log 1 − log 1 = 0, so CIDEr-D is 0 (pycocoevalcap's quirk).
        self.assertEqual(cider_d([("a b", ["a b"])])[0], 0.0)

    def test_identical_caption_scores_one_and_errors_name_ids(self):
        m = caption_scores({"x": "A man sings a slow song.", "y": "A woman sings loudly."},
                           {"x": ["a man sings a slow song"], "y": ["a choir hums"]})["per_item"]
        self.assertAlmostEqual(m[0]["bleu_4"], 1.0, 6)
        self.assertEqual(m[0]["rouge_l"], 1.0)
        self.assertLess(m[1]["bleu_4"], 1e-3)
        with self.assertRaisesRegex(ValueError, "no reference caption for 1 id\\(s\\): b"):
            caption_metrics({"a": "x", "b": "y"}, {"a": ["x"], "b": []})
        with self.assertRaisesRegex(ValueError, "no candidate captions to score"):
            caption_metrics({}, {})


if __name__ == "__main__":
    unittest.main()
