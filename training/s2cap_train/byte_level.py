"""GPT-2 byte-level building blocks for tokenizer.py: the byte ↔ character table, the ByteLevel
pre-tokenizer's pattern as a hand scanner, JavaScript's whitespace (what the studio's regex \\s and
String.trim() use), the decoder's clean_up_tokenization, and BPE merge learning. Hand-written
because `tokenizers` and `regex` (needed for \\p{L}/\\p{N} in the pattern) cannot be installed
where the recipe runs; each piece mirrors @huggingface/tokenizers 0.2, which the studio runs."""
from __future__ import annotations

import unicodedata
from collections import Counter

# JavaScript's \s (WhiteSpace + LineTerminator): what the studio's regex and String.trim() use.
JS_SPACE = frozenset("\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"
                     + "".join(chr(c) for c in range(0x2000, 0x200B)))
CONTRACTIONS = ("s", "t", "re", "ve", "m", "ll", "d")


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte → printable character table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_ENCODER = bytes_to_unicode()
BYTE_DECODER = {c: b for b, c in BYTE_ENCODER.items()}


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "L"


def _is_number(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "N"


def _is_other(ch: str) -> bool:
    return ch not in JS_SPACE and unicodedata.category(ch)[0] not in "LN"


def js_trim(s: str, start: bool = True, end: bool = True) -> str:
    i, j = 0, len(s)
    while start and i < j and s[i] in JS_SPACE:
        i += 1
    while end and j > i and s[j - 1] in JS_SPACE:
        j -= 1
    return s[i:j]


def pre_tokenize(text: str) -> list[str]:
    """GPT-2's pattern, alternative by alternative, leftmost match at each position."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "'":
            suf = next((s for s in CONTRACTIONS if text.startswith(s, i + 1)), None)
            if suf is not None:
                out.append("'" + suf)
                i += 1 + len(suf)
                continue
        matched = False
        for cls in (_is_letter, _is_number, _is_other):
            if c == " " and i + 1 < n and cls(text[i + 1]):
                k = i + 2
            elif cls(c):
                k = i + 1
            else:
                continue
            while k < n and cls(text[k]):
                k += 1
            out.append(text[i:k])
            i, matched = k, True
            break
        if matched:
            continue
        k = i + 1  # c is whitespace here
        while k < n and text[k] in JS_SPACE:
            k += 1
        if k < n and k - i >= 2:
            k -= 1  # \s+(?!\S): leave the last space to prefix the next word
        out.append(text[i:k])
        i = k
    return out


def byte_encode(piece: str) -> str:
    try:
        raw = piece.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: U+FFFD, as TextEncoder writes them
        raw = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in piece).encode("utf-8")
    return "".join(BYTE_ENCODER[b] for b in raw)


def learn_merges(words: Counter, vocab: dict[str, int], limit: int, min_frequency: int = 1) -> list[tuple[str, str]]:
    """Standard BPE training over byte-level words with their counts: repeatedly merge the most
    frequent adjacent pair (ties: the lexicographically smallest pair) until vocab holds `limit`
    tokens or no pair is seen min_frequency times. Adds the new tokens to vocab."""
    items = [(list(w), c) for w, c in sorted(words.items())]
    counts: Counter = Counter()
    where: dict[tuple[str, str], set[int]] = {}

    def account(idx: int, sign: int) -> None:
        sym, c = items[idx]
        for pair in zip(sym, sym[1:]):
            counts[pair] += sign * c
            if sign > 0:
                where.setdefault(pair, set()).add(idx)

    for idx in range(len(items)):
        account(idx, 1)
    merges: list[tuple[str, str]] = []
    while len(vocab) < limit:
        best = min((p for p, c in counts.items() if c >= max(1, min_frequency)), key=lambda p: (-counts[p], p), default=None)
        if best is None:
            break
        merges.append(best)
        joined = best[0] + best[1]
        vocab.setdefault(joined, len(vocab))
        for idx in sorted(where.pop(best, ())):
            account(idx, -1)
            sym, out, i = items[idx][0], [], 0
            while i < len(sym):
                if i + 1 < len(sym) and (sym[i], sym[i + 1]) == best:
                    out.append(joined)
                    i += 2
                else:
                    out.append(sym[i])
                    i += 1
            items[idx] = (out, items[idx][1])
            account(idx, 1)
        for p in [p for p, c in counts.items() if c <= 0]:
            del counts[p]
    return merges


def clean_up_tokenization(text: str) -> str:
    for a, b in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                 (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")):
        text = text.replace(a, b)
    return text
