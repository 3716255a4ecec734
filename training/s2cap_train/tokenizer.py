"""Byte-level BPE tokenizer (GPT-2/BART/RoBERTa family) read from a Hugging Face tokenizer.json,
in plain Python (no `tokenizers` package): encode as BART's tokenizer does (<s> … </s>) and
decode as the studio's @huggingface/tokenizers does, so captions match across the two. Also
builds a small byte-level BPE from the training captions when no pretrained tokenizer is given.

Written by hand because neither `tokenizers` nor `transformers` (nor `regex`, which GPT-2's
pre-tokenization pattern needs for \\p{L}/\\p{N}) can be installed where the recipe runs. The
behaviour mirrors @huggingface/tokenizers 0.2 (what src/core/inference/caption/tokenizer.ts
runs): added tokens split out first (lstrip/rstrip honoured), the ByteLevel pre-tokenizer's
pattern  's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+  as a
hand scanner over unicodedata categories (\\s as JavaScript defines it), BPE merging the
lowest-ranked pair, leftmost first; decoding drops special tokens, maps bytes back (invalid UTF-8
becomes U+FFFD), applies clean_up_tokenization (unless tokenizer_config.json turns it off) and
trims as the studio's decodeCaption does. Tested against the studio's own code through node."""
from __future__ import annotations

import copy
import json
import os
from collections import Counter

from .byte_level import BYTE_DECODER, BYTE_ENCODER, byte_encode, clean_up_tokenization, js_trim, learn_merges, pre_tokenize
from .config import read_json_object
from .fsutil import atomic_write

SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")
MASK = "<mask>"
BART_CONFIG = {"tokenizer_class": "BartTokenizer", "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>",
               "unk_token": "<unk>", "mask_token": "<mask>", "model_max_length": 1024, "add_prefix_space": False,
               "clean_up_tokenization_spaces": True}


def bart_tokenizer_json(vocab: dict[str, int], merges: list[str]) -> dict:
    """tokenizer.json content of a byte-level BPE laid out as BART's (the special tokens, <mask>
    included, already in vocab; merges as "a b" strings): what `build` makes, and what
    scripts/fixture_packs/tokenizer.py makes with its hand-picked merges."""
    added = [{"id": vocab[t], "content": t, "single_word": False, "lstrip": t == MASK, "rstrip": False,
              "normalized": False, "special": True} for t in SPECIALS + (MASK,)]
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", vocab["</s>"]], "cls": ["<s>", vocab["<s>"]],
                           "trim_offsets": True, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": merges},
    }


def _write_text(path: str, text: str) -> None:
    data = text.encode("utf-8")
    atomic_write(path, lambda f: f.write(data))


class ByteLevelBPE:
    def __init__(self, data: dict, config: dict | None = None, source: str = "tokenizer.json"):
        def bad(reason: str) -> ValueError:
            return ValueError(f"{source}: {reason}")

        model = data.get("model") if isinstance(data, dict) else None
        if not isinstance(model, dict):
            raise bad('not a Hugging Face tokenizer.json (no "model")')
        if model.get("type", "BPE") != "BPE" or not isinstance(model.get("vocab"), dict):
            raise bad(f"model type {model.get('type')!r} is not a byte-level BPE")
        if model.get("end_of_word_suffix") or model.get("continuing_subword_prefix") or model.get("byte_fallback"):
            raise bad("BPE with word suffixes/prefixes or byte fallback is not the GPT-2/BART family")
        if data.get("normalizer") is not None:
            raise bad(f"normalizer {data['normalizer'].get('type')!r} is not supported (BART has none)")
        pre = data.get("pre_tokenizer") or {}
        if pre.get("type") != "ByteLevel":
            raise bad(f"pre_tokenizer {pre.get('type')!r} is not ByteLevel")
        dec = data.get("decoder") or {}
        if dec.get("type") != "ByteLevel":
            raise bad(f"decoder {dec.get('type')!r} is not ByteLevel")
        self._data = data
        self.config = dict(config or {})
        self.add_prefix_space = bool(pre.get("add_prefix_space", False))
        self.use_regex = pre.get("use_regex", True) is not False
        self.ignore_merges = bool(model.get("ignore_merges", False))
        self.unk_token = model.get("unk_token")
        self.token_to_id: dict[str, int] = dict(model["vocab"])
        self.id_to_token: dict[int, str] = {i: t for t, i in model["vocab"].items()}
        self.ranks: dict[tuple[str, str], int] = {}
        for r, m in enumerate(model.get("merges") or []):
            pair = tuple(m.split(" ")[:2]) if isinstance(m, str) else tuple(m[:2])
            if len(pair) != 2:
                raise bad(f"merge {r} ({m!r}) is not a pair")
            self.ranks.setdefault(pair, r)
        self.added: dict[str, dict] = {}
        self.special_tokens: set[str] = set()
        for t in data.get("added_tokens") or []:
            self.added[t["content"]] = t
            self.token_to_id[t["content"]] = t["id"]
            self.id_to_token[t["id"]] = t["content"]
            if t.get("special", False):
                self.special_tokens.add(t["content"])
        for t in self.config.get("additional_special_tokens") or []:
            self.special_tokens.add(t if isinstance(t, str) else t.get("content", ""))
        self._trie: dict = {}
        for content in self.added:
            node = self._trie
            for ch in content:
                node = node.setdefault(ch, {})
            node[""] = content
        self.post = data.get("post_processor")
        self._check_post(self.post, bad)
        self._cache: dict[str, list[str]] = {}

    # ------------------------------------------------------------------ loading / building
    @classmethod
    def from_file(cls, path: str, config_path: str | None = None) -> "ByteLevelBPE":
        """tokenizer.json, with tokenizer_config.json beside it (or config_path) when present."""
        data = read_json_object(path, "tokenizer")
        if config_path is None:
            side = os.path.join(os.path.dirname(os.path.abspath(path)), "tokenizer_config.json")
            config_path = side if os.path.exists(side) else None
        config = read_json_object(config_path, "tokenizer config") if config_path is not None else {}
        return cls(data, config, source=path)

    @classmethod
    def build(cls, captions: list[str], vocab_size: int = 1024, min_frequency: int = 1) -> "ByteLevelBPE":
        """Every byte a token, plus merges learned from the captions; special tokens <s>=0,
        <pad>=1, </s>=2, <unk>=3 and <mask> last, as BART's. vocab_size is an upper bound: fewer
        tokens when the captions run out of pairs seen min_frequency times (see .vocab_size)."""
        if vocab_size < len(SPECIALS) + 256 + 1:
            raise ValueError(f"vocab_size {vocab_size} is below the {len(SPECIALS) + 257} tokens every byte-level BPE has")
        vocab = {t: i for i, t in enumerate(SPECIALS)}
        for b in range(256):
            vocab[BYTE_ENCODER[b]] = len(vocab)
        words = Counter(byte_encode(p) for c in captions for p in pre_tokenize(c))
        merges = learn_merges(words, vocab, vocab_size - 1, min_frequency)
        vocab[MASK] = len(vocab)
        return cls(bart_tokenizer_json(vocab, [f"{a} {b}" for a, b in merges]), dict(BART_CONFIG), source="built tokenizer")

    @staticmethod
    def _check_post(post, bad) -> None:
        if post is None:
            return
        kind = post.get("type")
        if kind == "Sequence":
            for p in post.get("processors") or []:
                ByteLevelBPE._check_post(p, bad)
        elif kind not in ("RobertaProcessing", "BertProcessing", "TemplateProcessing", "ByteLevel"):
            raise bad(f"post_processor {kind!r} is not supported")

    # ------------------------------------------------------------------ encoding
    def _split_added(self, text: str) -> list[str]:
        """Sections of text, each an added token or plain text (longest added token first)."""
        out, start, i, n = [], 0, 0, len(text)
        while i < n:
            node, match, j = self._trie, None, i
            while j < n and text[j] in node:
                node = node[text[j]]
                match = node.get("", match)
                j += 1
            if match:
                if i > start:
                    out.append(text[start:i])
                out.append(match)
                i = start = i + len(match)
            else:
                i += 1
        if start < n:
            out.append(text[start:])
        for k, s in enumerate(out):
            tok = self.added.get(s)
            if tok and tok.get("lstrip") and k > 0:
                out[k - 1] = js_trim(out[k - 1], start=False)
            if tok and tok.get("rstrip") and k < len(out) - 1:
                out[k + 1] = js_trim(out[k + 1], end=False)
        return out

    def _bpe(self, token: str) -> list[str]:
        hit = self._cache.get(token)
        if hit is not None:
            return hit
        word = list(token)
        while len(word) > 1:
            best, best_rank = -1, None
            for i in range(len(word) - 1):
                r = self.ranks.get((word[i], word[i + 1]))
                if r is not None and (best_rank is None or r < best_rank):
                    best, best_rank = i, r
            if best < 0:
                break
            word[best:best + 2] = [word[best] + word[best + 1]]
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[token] = word
        return word

    def tokenize(self, text: str) -> list[str]:
        """Token strings of text, without the post-processor's special tokens."""
        tokens: list[str] = []
        for section in self._split_added(text):
            if not section:
                continue
            if section in self.added:
                tokens.append(section)
                continue
            if self.add_prefix_space and not section.startswith(" "):
                section = " " + section
            for piece in (pre_tokenize(section) if self.use_regex else [section]):
                mapped = byte_encode(piece)
                for t in ([mapped] if self.ignore_merges and mapped in self.token_to_id else self._bpe(mapped)):
                    if t in self.token_to_id:
                        tokens.append(t)
                    elif self.unk_token is not None:
                        tokens.append(self.unk_token)
        return tokens

    def _post_process(self, post, tokens: list[str]) -> list[str]:
        if post is None:
            return tokens
        kind = post["type"]
        if kind in ("RobertaProcessing", "BertProcessing"):
            return [post["cls"][0]] + tokens + [post["sep"][0]]
        if kind == "TemplateProcessing":
            out: list[str] = []
            for item in post.get("single") or []:
                if "SpecialToken" in item:
                    out.append(item["SpecialToken"]["id"])
                elif "Sequence" in item and item["Sequence"]["id"] == "A":
                    out.extend(tokens)
            return out
        if kind == "Sequence":
            for p in post.get("processors") or []:
                tokens = self._post_process(p, tokens)
        return tokens

    def encode(self, text: str, max_length: int | None = None) -> list[int]:
        """[bos] + tokens + [eos], truncated to max_length (eos kept)."""
        unk = self.token_to_id.get(self.unk_token) if self.unk_token is not None else None
        ids = [self.token_to_id.get(t, unk) for t in self._post_process(self.post, self.tokenize(text))]
        ids = [i for i in ids if i is not None]
        if max_length is not None and len(ids) > max_length:
            ids = ids[:max_length - 1] + ids[-1:] if max_length > 0 else []
        return ids

    # ------------------------------------------------------------------ decoding
    def decode(self, ids: list[int], skip_special_tokens: bool = True) -> str:
        """The studio's decodeCaption: tokens → text, cleaned up and trimmed."""
        tokens = [self.id_to_token.get(int(i), self.unk_token) for i in ids]
        if skip_special_tokens:
            tokens = [t for t in tokens if t not in self.special_tokens]
        parts: list[str] = []
        run: list[str] = []

        def flush() -> None:
            if run:
                raw = bytes(BYTE_DECODER.get(c, 0) for c in "".join(run))
                parts.append(raw.decode("utf-8", "replace"))
                run.clear()

        for t in tokens:
            if t is None:
                continue
            if t in self.added:
                flush()
                parts.append(t)
            else:
                run.append(t)
        flush()
        text = "".join(parts)
        if self.config.get("clean_up_tokenization_spaces", True) is not False:
            text = clean_up_tokenization(text)
        return js_trim(text)

    # ------------------------------------------------------------------ ids and files
    def _special_id(self, key: str, default: str) -> int | None:
        tok = self.config.get(key, default)
        if isinstance(tok, dict):
            tok = tok.get("content")
        return self.token_to_id.get(tok)

    @property
    def bos_token_id(self) -> int | None:
        return self._special_id("bos_token", "<s>")

    @property
    def pad_token_id(self) -> int | None:
        return self._special_id("pad_token", "<pad>")

    @property
    def eos_token_id(self) -> int | None:
        return self._special_id("eos_token", "</s>")

    @property
    def vocab_size(self) -> int:
        return max(self.token_to_id.values()) + 1

    def to_json(self) -> dict:
        """tokenizer.json content the studio (@huggingface/tokenizers) loads."""
        return copy.deepcopy(self._data)

    def save(self, folder: str) -> None:
        """tokenizer.json + tokenizer_config.json into folder."""
        os.makedirs(folder, exist_ok=True)
        config = self.config or dict(BART_CONFIG)
        _write_text(os.path.join(folder, "tokenizer.json"), json.dumps(self._data, ensure_ascii=False))
        _write_text(os.path.join(folder, "tokenizer_config.json"), json.dumps(config, indent=1, ensure_ascii=False) + "\n")
