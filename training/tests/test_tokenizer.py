"""ByteLevelBPE against the studio's own tokenizer code: for the fixture pack's tokenizer.json and
for one built by ByteLevelBPE.build and saved, encode and decode a set of awkward strings here
and through node (src/core/inference/caption/tokenizer.ts on @huggingface/tokenizers), and
require the same ids and the same caption text; plus round trips and build's guarantees."""
import json
import os
import random
import shutil
import tempfile
import unittest

from helpers import FIXTURES, HAS_STUDIO, studio_script

from s2cap_train.byte_level import byte_encode, pre_tokenize
from s2cap_train.tokenizer import ByteLevelBPE

FIXTURE_DIR = os.path.join(FIXTURES, "packs", "tiny-captioner")

STRINGS = [
    "A female singer with a breathy voice sings a slow pop ballad.",
    "a male vocal at a fast tempo, sung with loud volume.",
    "The singer's voice isn't calm; they're sad, we'll see, I'm sure, you've heard, he'd go.",
    "DON'T SHE'S it'S 'twas 'tis rock'n'roll singers' '80s",
    "numbers 120bpm 3.5 1,000 2:30 4/4 x² ½ Ⅻ ٣٤",
    "multiple   spaces  and\ttabs\nnewlines \n\n end",
    "   leading and trailing   ",
    "punctuation!!! ?? ... -- (parens) [brackets] {braces} \"quotes\" “curly” ‘single’ …",
    "café naïve délicat Ünïcödé e\u0301 ß İstanbul",
    "日本語の歌 中文歌曲 한국어 노래 עברית العربية",
    "emoji 🎤🎶 sings 👩‍🎤 loudly",
    "nbsp\u00a0here ideographic\u3000space zero\u200bwidth",
    "special <s> inside </s> and <pad> and  <mask> tokens",
    "a , b . c ? d ! e ' f n't 's 're",
    "r&b hip-hop lo-fi a/b c++ f# @user #tag email@example.com",
    "",
    " ",
    "x",
    "aaa zzzzz eee aaaaaaa",
    "odd \x1c\x1c!x \x85y and \ufeffbom\u2028line",
]

CAPTIONS = [
    "a female singer with a high pitched voice sings at a fast tempo with loud volume.",
    "a low pitched male vocal at a slow tempo, sung with soft volume.",
    "this song has a female singer with a low voice, a slow tempo and soft volume.",
    "a male singer with a high pitched voice sings at a slow tempo with soft volume.",
    "a breathy, dreamy r&b voice; the singer's tone is warm and tender.",
    "aaaa zzzz",
] * 3

NODE_SCRIPT = r"""
import fs from 'node:fs';
import { ByteLevelPreTokenizer } from '@huggingface/tokenizers';
import { loadTokenizer, decodeCaption } from './src/core/inference/caption/tokenizer.ts';
const job = JSON.parse(fs.readFileSync(0, 'utf8'));
const tok = await loadTokenizer(job.dir, { tokenizer: 'tokenizer.json', tokenizerConfig: job.config ?? undefined });
const out = {
  encodes: job.texts.map((t) => tok.encode(t).ids),
  decodes: job.ids.map((ids) => decodeCaption(tok, ids)),
  pretokens: job.texts.map((t) => new ByteLevelPreTokenizer({ add_prefix_space: false }).pre_tokenize_text(t)),
};
process.stdout.write(JSON.stringify(out));
"""


def node_oracle(folder: str, texts: list[str], ids: list[list[int]], config: str | None = "tokenizer_config.json"):
    """The studio's encode ids and decodeCaption text, or None (with the reason) without node."""
    if not HAS_STUDIO:
        return None, "node or the studio's node_modules (tsx) missing"
    return studio_script(NODE_SCRIPT, {"dir": folder, "texts": texts, "ids": ids, "config": config}), None


def oracle_or_skip(test: unittest.TestCase, folder: str, texts: list[str], ids: list[list[int]]) -> dict:
    oracle, why = node_oracle(folder, texts, ids)
    if oracle is None:
        print(f"skipping the comparison with the studio's tokenizer: {why}")
        test.skipTest(why)
    return oracle


def assert_agrees(test: unittest.TestCase, tok: ByteLevelBPE, folder: str, texts: list[str], ids: list[list[int]]) -> None:
    """tok's encode and decode give the studio's ids and decodeCaption text for the same input."""
    oracle = oracle_or_skip(test, folder, texts, ids)
    for s, want in zip(texts, oracle["encodes"]):
        test.assertEqual(tok.encode(s), want, s)
    for case, want in zip(ids, oracle["decodes"]):
        test.assertEqual(tok.decode(case), want, case)


def id_cases(tok: ByteLevelBPE, seed: int) -> list[list[int]]:
    """Encodings of STRINGS plus random id sequences: specials, out-of-range ids, lone bytes."""
    rng = random.Random(seed)
    cases = [tok.encode(s) for s in STRINGS]
    n = tok.vocab_size
    for _ in range(40):
        cases.append([rng.randrange(-2, n + 3) for _ in range(rng.randrange(1, 12))])
    ctrl = tok.token_to_id
    cases.append([ctrl["Ã"]])                      # 0xC3 alone: invalid UTF-8
    cases.append([ctrl["Ã"], ctrl["©"], ctrl["Ã"]])  # "é" then a truncated sequence
    cases.append([0, ctrl["Ġ"], ctrl["a"], ctrl["Ġ"], ctrl["."], 2])
    return [c for c in cases if c]


class PreTokenizeTest(unittest.TestCase):
    def test_gpt2_pattern_by_hand(self):
        self.assertEqual(pre_tokenize("Hello world"), ["Hello", " world"])
        self.assertEqual(pre_tokenize("don't"), ["don", "'t"])
        self.assertEqual(pre_tokenize("a  b"), ["a", " ", " b"])
        self.assertEqual(pre_tokenize("a \tb"), ["a", " ", "\t", "b"])
        self.assertEqual(pre_tokenize("end   "), ["end", "   "])
        self.assertEqual(pre_tokenize("x123 ,!? y"), ["x", "123", " ,!?", " y"])
        self.assertEqual(pre_tokenize("'x 'S"), ["'", "x", " '", "S"])
        self.assertEqual(pre_tokenize("e\u0301"), ["e", "\u0301"])

    def test_equals_the_studio_pre_tokenizer_on_random_text(self):
        pool = list("aZé日ß09²Ⅻ٣ '’\"-.,!?_&#\u0301\U0001F3A4\t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u2028\u3000\ufeff\u200b")
        pool += ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "  ", " a", " 1", " !"]
        rng = random.Random(7)
        texts = STRINGS + ["".join(rng.choice(pool) for _ in range(rng.randrange(1, 30))) for _ in range(300)]
        oracle = oracle_or_skip(self, FIXTURE_DIR, texts, [])
        for t, want in zip(texts, oracle["pretokens"]):
            self.assertEqual([byte_encode(p) for p in pre_tokenize(t)], want, repr(t))


class FixtureTokenizerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tok = ByteLevelBPE.from_file(os.path.join(FIXTURE_DIR, "tokenizer.json"))

    def test_encode_and_decode_equal_the_studio(self):
        ids = id_cases(self.tok, 1)
        assert_agrees(self, self.tok, FIXTURE_DIR, STRINGS, ids)

    def test_round_trip(self):
        for s in STRINGS:
            if s == s.strip() and "<" not in s and not any(p in s for p in (" ,", " .", " ?", " !", " '", " n't")):
                self.assertEqual(self.tok.decode(self.tok.encode(s)), s)

    def test_bart_framing_and_truncation(self):
        ids = self.tok.encode("a female singer")
        self.assertEqual((ids[0], ids[-1]), (0, 2))
        self.assertEqual(self.tok.decode(ids, skip_special_tokens=False), "<s>a female singer</s>")
        cut = self.tok.encode("a female singer sings a slow song", max_length=4)
        self.assertEqual(len(cut), 4)
        self.assertEqual((cut[0], cut[-1]), (0, 2))
        self.assertEqual((self.tok.bos_token_id, self.tok.pad_token_id, self.tok.eos_token_id), (0, 1, 2))
        self.assertEqual(self.tok.vocab_size, 575)

    def test_bad_file_named_in_error(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "tokenizer.json")
            with open(p, "w") as f:
                json.dump({"model": {"type": "WordPiece", "vocab": {}}}, f)
            with self.assertRaisesRegex(ValueError, "tokenizer.json: model type 'WordPiece'"):
                ByteLevelBPE.from_file(p)
            with open(p, "w") as f:
                f.write("{not json")
            with self.assertRaisesRegex(ValueError, "tokenizer.json: cannot read tokenizer"):
                ByteLevelBPE.from_file(p)

    def test_a_tokenizer_config_that_is_not_an_object_is_named(self):
        # valid JSON, but not an object: a one-line ValueError naming the file (was dict()'s own
        # TypeError/ValueError, which named nothing)
        with tempfile.TemporaryDirectory() as d:
            shutil.copyfile(os.path.join(FIXTURE_DIR, "tokenizer.json"), os.path.join(d, "tokenizer.json"))
            for content in ('"abc"', "5", "[1, 2]"):
                with open(os.path.join(d, "tokenizer_config.json"), "w", encoding="utf-8") as f:
                    f.write(content)
                with self.assertRaisesRegex(ValueError, r"tokenizer_config.json: tokenizer config must be a JSON object$"):
                    ByteLevelBPE.from_file(os.path.join(d, "tokenizer.json"))


class VariantTokenizerTest(unittest.TestCase):
    def test_template_processing_pair_merges_plain_added_token_no_cleanup(self):
        with open(os.path.join(FIXTURE_DIR, "tokenizer.json"), encoding="utf-8") as f:
            data = json.load(f)
        data["post_processor"] = {"type": "TemplateProcessing", "single": [
            {"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
            {"SpecialToken": {"id": "</s>", "type_id": 0}}], "pair": [], "special_tokens": {}}
        data["model"]["merges"] = [m.split(" ") for m in data["model"]["merges"]]
        data["added_tokens"].append({"id": 575, "content": "ñandú", "single_word": False, "lstrip": False,
                                     "rstrip": True, "normalized": False, "special": False})
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "tokenizer.json"), "w", encoding="utf-8") as f:
                json.dump(data, f)
            with open(os.path.join(d, "tokenizer_config.json"), "w", encoding="utf-8") as f:
                json.dump({"clean_up_tokenization_spaces": False}, f)
            tok = ByteLevelBPE.from_file(os.path.join(d, "tokenizer.json"))
            texts = ["a ñandú   sings , loud .", "xñandúy", "ñandú"] + STRINGS
            ids = id_cases(tok, 3) + [[0, 575, 36, 575, 2], [199, 575, 173]]
            self.assertEqual(tok.decode(tok.encode("a song , sad")), "a song , sad")
            assert_agrees(self, tok, d, texts, ids)


class BuiltTokenizerTest(unittest.TestCase):
    def test_build_learns_caption_words_deterministically(self):
        tok = ByteLevelBPE.build(CAPTIONS, vocab_size=330)
        again = ByteLevelBPE.build(list(CAPTIONS), vocab_size=330)
        self.assertEqual(tok.to_json(), again.to_json())
        self.assertEqual(tok.vocab_size, 330)
        vocab = tok.to_json()["model"]["vocab"]
        self.assertEqual([vocab[t] for t in ("<s>", "<pad>", "</s>", "<unk>")], [0, 1, 2, 3])
        self.assertEqual(vocab["<mask>"], 329)
        for word in ("Ġsinger", "Ġvolume", "Ġtempo"):
            self.assertIn(word, vocab)
        self.assertEqual(len(tok.encode("a female singer")), 2 + len(["a", " female", " singer"]))
        self.assertEqual(ByteLevelBPE.build(CAPTIONS[::-1], vocab_size=330).to_json(), tok.to_json())
        # By hand: pairs (a,b)×5 first, then (Ġ,ab)×2, then the tie (Ġ,c)/(c,d)×1 goes to the smaller
        # pair, ("c","d") < ("Ġ","c"); then (Ġ,cd); then no pairs are left: 4 + 256 + 4 + <mask>.
        small = ByteLevelBPE.build(["ab ab ab cd"], vocab_size=1000)
        self.assertEqual(small.to_json()["model"]["merges"], ["a b", "Ġ ab", "c d", "Ġ cd"])
        self.assertEqual(small.vocab_size, 265)
        self.assertEqual(small.encode("ab cd"), [0, 260, 263, 2])
        with self.assertRaisesRegex(ValueError, "vocab_size 100"):
            ByteLevelBPE.build(CAPTIONS, vocab_size=100)

    def test_saved_tokenizer_loads_in_the_studio_and_agrees(self):
        tok = ByteLevelBPE.build(CAPTIONS, vocab_size=400)
        with tempfile.TemporaryDirectory() as d:
            tok.save(d)
            self.assertEqual(sorted(os.listdir(d)), ["tokenizer.json", "tokenizer_config.json"])
            loaded = ByteLevelBPE.from_file(os.path.join(d, "tokenizer.json"))
            texts = STRINGS + CAPTIONS[:5]
            for s in texts:
                self.assertEqual(loaded.encode(s), tok.encode(s))
            for s in CAPTIONS[:5]:
                self.assertEqual(tok.decode(tok.encode(s)), s)
            assert_agrees(self, tok, d, texts, id_cases(tok, 2))


if __name__ == "__main__":
    unittest.main()
