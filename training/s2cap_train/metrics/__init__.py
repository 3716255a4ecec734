"""Caption metrics with the studio's definitions (src/core/metrics/caption: pycocoevalcap's PTB
tokenization, BLEU-1..4 "closest", ROUGE-L β=1.2, CIDEr-D n=4 σ=6), so validation numbers during
training are the numbers the studio's `s2cap metrics` prints. A package because the PTB tokenizer
port alone is ~300 lines: ptb.py tokenizes, scorers.py scores, this module is the entry point."""
from __future__ import annotations

from .ptb import ptb_tokenize
from .scorers import bleu, cider_d, rouge_l

__all__ = ["caption_metrics", "caption_scores", "ptb_tokenize", "bleu", "rouge_l", "cider_d"]


def caption_scores(candidates: dict[str, str], references: dict[str, list[str]]) -> dict:
    """{"corpus": {bleu_1..bleu_4, rouge_l, cider_d}, "per_item": [{id, bleu_1..4, rouge_l, cider_d}]}
    over the ids in candidates (in their order); both sides raw text, tokenized here. Every
    candidate id needs at least one reference (ValueError naming them); extra references are
    ignored, as in the studio's captionMetrics."""
    if not candidates:
        raise ValueError("no candidate captions to score")
    ids = list(candidates)
    missing = [i for i in ids if not references.get(i)]
    if missing:
        more = ", …" if len(missing) > 5 else ""
        raise ValueError(f"no reference caption for {len(missing)} id(s): {', '.join(missing[:5])}{more}")
    items = [(ptb_tokenize(candidates[i]), [ptb_tokenize(r) for r in references[i]]) for i in ids]
    b_corpus, b_items = bleu(items)
    r_corpus, r_items = rouge_l(items)
    c_corpus, c_items = cider_d(items)
    names = ("bleu_1", "bleu_2", "bleu_3", "bleu_4")
    corpus = dict(zip(names, b_corpus), rouge_l=r_corpus, cider_d=c_corpus)
    per_item = [dict(zip(names, b), id=i, rouge_l=r, cider_d=c) for i, b, r, c in zip(ids, b_items, r_items, c_items)]
    return {"corpus": corpus, "per_item": per_item}


def caption_metrics(candidates: dict[str, str], references: dict[str, list[str]]) -> dict[str, float]:
    """{bleu_1, bleu_2, bleu_3, bleu_4, rouge_l, cider_d} over the ids in candidates."""
    return caption_scores(candidates, references)["corpus"]
