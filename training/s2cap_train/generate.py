"""Greedy and beam search over S2CapModel with Hugging Face generate()'s semantics (the same the
studio's src/core/inference/caption implements): decoder_start_token_id, forced BOS, min_length,
no_repeat_ngram_size, length_penalty, early_stopping, max_length. Used for validation and to
check that an exported pack captions exactly as the PyTorch model does.
Written by hand (not transformers' generate) because transformers is not a dependency; it is a
port of search.ts / logitsProcessors.ts / stoppingCriteria.ts step for step, so the same
floating-point choices are made: log-probs are float32 rows normalised with a float64
log-sum-exp, beam sums are float64, ties go to the lower beam and then the lower token, greedy
runs the processors on raw logits and beam search on log-probs. Decoding uses the KV cache."""
from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import List, Optional

import torch

from .config import DecoderConfig, GenerationConfig

NEG = float("-inf")


@dataclass
class SearchSettings:
    """What the search honours: GenerationConfig + the decoder's token ids. repetition_penalty and
    forced_eos_token_id are the studio's processors too; a run's GenerationConfig has neither."""
    decoder_start_token_id: int
    eos_token_id: List[int]
    max_length: int
    min_length: int = 0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    length_penalty: float = 1.0
    early_stopping: object = False  # True | False | "never"
    forced_bos_token_id: Optional[int] = None
    forced_eos_token_id: Optional[int] = None
    num_beams: int = 1


def settings_from(gen: GenerationConfig, dec: DecoderConfig, num_beams: int | None = None) -> SearchSettings:
    return SearchSettings(
        decoder_start_token_id=dec.decoder_start_token_id, eos_token_id=[dec.eos_token_id],
        max_length=gen.max_length, min_length=gen.min_length, no_repeat_ngram_size=gen.no_repeat_ngram_size,
        length_penalty=gen.length_penalty, early_stopping=gen.early_stopping,
        forced_bos_token_id=dec.forced_bos_token_id,
        num_beams=max(1, num_beams if num_beams is not None else gen.num_beams))


@dataclass
class SearchResult:
    sequence: List[int]  # decoder start token first, as generate() returns it (no padding)
    token_logprobs: List[float] = field(default_factory=list)  # the model's log-prob of each generated token
    score: float = 0.0  # beam: length-normalised sum of processed log-probs; greedy: sum of token_logprobs

    @property
    def tokens(self) -> List[int]:
        """Generated ids after the decoder start token (the studio's SearchResult.tokens)."""
        return self.sequence[1:]


def process(seq: List[int], scores: torch.Tensor, s: SearchSettings) -> None:
    """The logits processors, in transformers' order, on one float32 row in place (logitsProcessors.ts)."""
    if s.repetition_penalty != 1.0:
        idx = torch.tensor(sorted(set(seq)), dtype=torch.long)
        vals = scores[idx].double()
        scores[idx] = torch.where(vals < 0, vals * s.repetition_penalty, vals / s.repetition_penalty).float()
    n = s.no_repeat_ngram_size
    if n > 0 and len(seq) + 1 >= n:
        tail = seq[len(seq) - n + 1:] if n > 1 else []
        banned = {seq[i + n - 1] for i in range(len(seq) - n + 1) if seq[i:i + n - 1] == tail}
        if banned:
            scores[torch.tensor(sorted(banned), dtype=torch.long)] = NEG
    if s.min_length > 0 and len(seq) < s.min_length:
        scores[torch.tensor(s.eos_token_id, dtype=torch.long)] = NEG
    if s.forced_bos_token_id is not None and len(seq) == 1:
        scores.fill_(NEG)
        scores[s.forced_bos_token_id] = 0.0
    if s.forced_eos_token_id is not None and len(seq) == s.max_length - 1:
        scores.fill_(NEG)
        scores[s.forced_eos_token_id] = 0.0


class BartSteps:
    """The step model over BART's decoder with a KV cache: rows are (item, beam) pairs; `select`
    reorders or drops rows (and their caches), as the studio's OnnxDecoder does."""

    def __init__(self, bart, states: torch.Tensor, mask: Optional[torch.Tensor], rows_per_item: int):
        self.bart, self.states, self.mask = bart, states, mask
        self.row_item = torch.arange(states.shape[0], device=states.device).repeat_interleave(rows_per_item)
        # Cross-attention keys/values once per item (not per beam), shared by its rows through an
        # empty self-attention cache: the first step is then an ordinary cached step.
        self.past = []
        for layer in bart.model.decoder.layers:
            ck, cv = (t.index_select(0, self.row_item) for t in layer.encoder_attn.project_kv(states))
            empty = ck.new_zeros(ck.shape[0], ck.shape[1], 0, ck.shape[3])
            self.past.append((empty, empty, ck, cv))

    def step(self, last_tokens: List[int]) -> torch.Tensor:
        ids = torch.tensor(last_tokens, dtype=torch.long, device=self.states.device)[:, None]
        mask = self.mask.index_select(0, self.row_item) if self.mask is not None else None
        logits, self.past = self.bart.decode(ids, None, mask, self.past, use_cache=True)
        return logits[:, -1, :].float().cpu()

    def select(self, rows: List[int]) -> None:
        idx = torch.tensor(rows, dtype=torch.long, device=self.states.device)
        before, self.row_item = self.row_item, self.row_item.index_select(0, idx)
        # beams of one item share its cross-attention cache: only dropping items regathers it
        same_items = torch.equal(before, self.row_item)
        self.past = [(sk.index_select(0, idx), sv.index_select(0, idx)) +
                     ((ck, cv) if same_items else (ck.index_select(0, idx), cv.index_select(0, idx)))
                     for sk, sv, ck, cv in self.past]


def _log_probs(rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(float64 log-sum-exp per row, float32 log-probs) as search.ts normalises rows."""
    lse = torch.logsumexp(rows.double(), dim=-1)
    return lse, (rows.double() - lse[:, None]).float()


def greedy(model, items: int, s: SearchSettings) -> List[SearchResult]:
    results: List[Optional[SearchResult]] = [None] * items
    beams = [SearchResult([s.decoder_start_token_id]) for _ in range(items)]
    active = list(range(items))
    while active:
        rows = model.step([beams[i].sequence[-1] for i in active])
        lse, _ = _log_probs(rows)
        keep, still = [], []
        for r, item in enumerate(active):
            b = beams[item]
            scores = rows[r].clone()
            process(b.sequence, scores, s)
            best = int(torch.argmax(scores))  # the first maximum, as the studio's loop picks it
            raw = float(rows[r, best]) - float(lse[r])
            b.score += raw
            b.sequence.append(best)
            b.token_logprobs.append(raw)
            if len(b.sequence) >= s.max_length or best in s.eos_token_id:
                results[item] = b
            else:
                keep.append(r)
                still.append(item)
        if still and len(still) != len(active):
            model.select(keep)
        active = still
    return results  # type: ignore[return-value]


class _Hypotheses:
    """Finished beams of one item, best first (search.ts's Hypotheses)."""

    def __init__(self, k: int, s: SearchSettings):
        self.k, self.lp, self.max_length = k, s.length_penalty, s.max_length
        self.list: List[tuple[SearchResult, float]] = []

    def add(self, beam: SearchResult, total: float) -> None:
        score = total / max(1, len(beam.sequence) - 1) ** self.lp
        if len(self.list) < self.k or score > self.worst():
            self.list.append((beam, score))
            self.list.sort(key=lambda h: -h[1])  # stable: equal scores keep their order
            if len(self.list) > self.k:
                self.list.pop()

    def worst(self) -> float:
        return self.list[-1][1] if self.list else math.inf

    def done(self, best_sum: float, cur_len: int, early) -> bool:
        if len(self.list) < self.k:
            return False
        if early is True:
            return True
        n = self.max_length - 1 if early == "never" and self.lp > 0 else cur_len - 1
        return self.worst() >= best_sum / max(1, n) ** self.lp


def _top(cands: torch.Tensor, m: int) -> List[int]:
    """Flat indices of the m best finite candidates: higher score, then lower index (beam, then token)."""
    finite = int(torch.isfinite(cands).sum())
    m = min(m, finite)
    if m == 0:
        return []
    threshold = torch.topk(cands, m).values[-1]
    idx = torch.nonzero(cands >= threshold).flatten().tolist()
    vals = cands[idx].tolist()
    order = sorted(range(len(idx)), key=lambda i: -vals[i])  # stable, so ties stay in index order
    return [idx[i] for i in order[:m]]


def beam(model, items: int, s: SearchSettings) -> List[SearchResult]:
    k = s.num_beams
    start = [s.decoder_start_token_id]
    beams = [[SearchResult(list(start), [], 0.0 if j == 0 else NEG) for j in range(k)] for _ in range(items)]
    hyps = [_Hypotheses(k, s) for _ in range(items)]
    pool = max(2, 1 + len(s.eos_token_id)) * k
    results: List[Optional[SearchResult]] = [None] * items
    active = list(range(items))
    while active:
        rows = model.step([b.sequence[-1] for item in active for b in beams[item]])
        lse, lp = _log_probs(rows)
        vocab = rows.shape[1]
        still, select_rows = [], []
        for a, item in enumerate(active):
            cur = beams[item]
            cur_len = len(cur[0].sequence)
            cands = torch.full((k, vocab), NEG, dtype=torch.float64)
            for j, b in enumerate(cur):
                if b.score == NEG:
                    continue
                row = lp[a * k + j].clone()
                process(b.sequence, row, s)
                cands[j] = row.double() + b.score
            nxt: List[SearchResult] = []
            parents: List[int] = []
            for r, flat in enumerate(_top(cands.view(-1), pool)):
                if len(nxt) >= k:
                    break
                j, v = divmod(flat, vocab)
                parent = cur[j]
                total = float(cands[j, v])
                raw = float(rows[a * k + j, v]) - float(lse[a * k + j])
                child = SearchResult(parent.sequence + [v], parent.token_logprobs + [raw], total)
                if v in s.eos_token_id:
                    if r < k:
                        hyps[item].add(child, total)
                else:
                    nxt.append(child)
                    parents.append(j)
            h = hyps[item]
            at_max = cur_len + 1 >= s.max_length
            if at_max or not nxt or h.done(nxt[0].score, cur_len + 1, s.early_stopping):
                if at_max or not h.list:
                    for b in nxt:
                        h.add(b, b.score)
                best, score = h.list[0]
                results[item] = SearchResult(best.sequence, best.token_logprobs, score)
                continue
            while len(nxt) < k:
                nxt.append(SearchResult(list(nxt[0].sequence), list(nxt[0].token_logprobs), NEG))
                parents.append(parents[0])
            beams[item] = nxt
            still.append(item)
            select_rows.extend(a * k + j for j in parents)
        if still:
            model.select(select_rows)
        active = still
    return results  # type: ignore[return-value]


def search(model, items: int, s: SearchSettings) -> List[SearchResult]:
    """Runs greedy (num_beams 1) or beam search over a step model whose rows start as items × num_beams."""
    return greedy(model, items, s) if s.num_beams <= 1 else beam(model, items, s)


@contextmanager
def _inference(module: torch.nn.Module):
    """eval mode and no_grad for the block; each submodule's own mode back afterwards (a stage-1
    model trains its encoder while BART stays in eval mode)."""
    modes = [(m, m.training) for m in module.modules()]
    module.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        for m, training in modes:
            m.training = training


def generate_from_states(bart, states: torch.Tensor, mask: Optional[torch.Tensor], gen: GenerationConfig,
                         dec: DecoderConfig, num_beams: int | None = None) -> List[SearchResult]:
    """Search over BART's decoder cross-attending to `states` [B, S, d_model] (mask [B, S] or None)."""
    s = settings_from(gen, dec, num_beams)
    with _inference(bart):
        return search(BartSteps(bart, states, mask, s.num_beams), states.shape[0], s)


def generate_with_scores(model, input_values: torch.Tensor, gen: GenerationConfig, dec: DecoderConfig,
                         num_beams: int | None = None) -> List[SearchResult]:
    """generate(), with each item's per-token log-probs and score (the studio's SearchResult)."""
    with _inference(model):
        return generate_from_states(model.bart, model.encode_audio(input_values), None, gen, dec, num_beams)


def generate(model, input_values: torch.Tensor, gen: GenerationConfig, dec: DecoderConfig,
             num_beams: int | None = None) -> list[list[int]]:
    """Token ids per item (decoder start and special tokens included as generate() returns them)."""
    return [r.sequence for r in generate_with_scores(model, input_values, gen, dec, num_beams)]
