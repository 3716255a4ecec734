"""Caption metrics with the studio's definitions (src/core/metrics/caption: pycocoevalcap's PTB
tokenization, BLEU-1..4 "closest", ROUGE-L β=1.2, CIDEr-D n=4 σ=6), so validation numbers during
training are the numbers the studio's `s2cap metrics` prints."""


def caption_metrics(candidates: dict[str, str], references: dict[str, list[str]]) -> dict[str, float]:
    """{bleu_1, bleu_2, bleu_3, bleu_4, rouge_l, cider_d} over the ids in candidates."""
    raise NotImplementedError
