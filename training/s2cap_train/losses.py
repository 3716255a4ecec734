"""The recipe's losses: caption cross-entropy under teacher forcing, CRESCENDO (audio states
mean-pooled to the caption's token length, cosine similarity against the BART encoder's caption
embeddings with a stop-gradient on the text side) and demixing KL (encoder states of the vocal
stem against those of the mix).

Each loss is computed in float32 whatever dtype autocast gives its inputs (softmax, cosine and
log terms lose too much in float16), and each detaches its teacher side itself, so a caller cannot
forget the stop-gradient the paper prescribes."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def caption_ce_loss(logits: torch.Tensor, labels: torch.Tensor, ignore_index: int = -100) -> torch.Tensor:
    """logits [B, T, V], labels [B, T] (ignore_index where there is no token) → mean token CE over
    the labelled positions (every position weighs the same, whatever its caption's length)."""
    if logits.shape[:-1] != labels.shape:
        raise ValueError(f"caption_ce_loss: logits {tuple(logits.shape)} do not match labels {tuple(labels.shape)}")
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), labels.reshape(-1), ignore_index=ignore_index)


def crescendo_loss(audio_states: torch.Tensor, text_states: torch.Tensor, text_mask: torch.Tensor) -> torch.Tensor:
    """audio_states [B, S, D], text_states [B, T, D] (detached here), text_mask [B, T] (1 = token).

    For each item with n real tokens, its audio states are adaptive-average-pooled along the
    sequence to n positions (adaptive_avg_pool1d: position i averages audio states
    [floor(i·S/n), ceil((i+1)·S/n)) ), each compared by cosine similarity with the BART encoder's
    state of the i-th real token; loss = 1 − the mean cosine over all real tokens of the batch."""
    if audio_states.dim() != 3 or text_states.dim() != 3 or audio_states.shape[0] != text_states.shape[0]:
        raise ValueError(f"crescendo_loss: expected [B, S, D] and [B, T, D], got {tuple(audio_states.shape)} "
                         f"and {tuple(text_states.shape)}")
    if audio_states.shape[-1] != text_states.shape[-1] or text_mask.shape != text_states.shape[:2]:
        raise ValueError(f"crescendo_loss: shapes differ: audio {tuple(audio_states.shape)}, text "
                         f"{tuple(text_states.shape)}, mask {tuple(text_mask.shape)}")
    text = text_states.detach().float()
    mask = text_mask.bool()
    cosines = []
    for b in range(audio_states.shape[0]):
        n = int(mask[b].sum())
        if n == 0:
            continue
        # [S, D] → [1, D, S] → pooled [1, D, n] → [n, D]
        pooled = F.adaptive_avg_pool1d(audio_states[b].float().t().unsqueeze(0), n).squeeze(0).t()
        cosines.append(F.cosine_similarity(pooled, text[b][mask[b]], dim=-1, eps=1e-8))
    if not cosines:
        raise ValueError("crescendo_loss: no caption has a real token")
    return 1.0 - torch.cat(cosines).mean()


def demix_kl_loss(mix_states: torch.Tensor, vocal_states: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """KL(vocal ‖ mix) over the feature dimension per position, vocal side detached.

    mix_states, vocal_states [B, S, D]: p = softmax(vocal / τ), log q = log_softmax(mix / τ) over D,
    KL(p ‖ q) = Σ_d p (log p − log q) per position, then the mean over positions and items. The
    vocal stem is the teacher (it holds only the voice), so its side gets no gradient; the result is
    not multiplied by τ² (the paper gives no temperature; at the default τ = 1 the two agree)."""
    if mix_states.shape != vocal_states.shape:
        raise ValueError(f"demix_kl_loss: mix {tuple(mix_states.shape)} and vocal {tuple(vocal_states.shape)} differ")
    if temperature <= 0:
        raise ValueError(f"demix_kl_loss: temperature must be positive, got {temperature}")
    log_p = F.log_softmax(vocal_states.detach().float() / temperature, dim=-1)
    log_q = F.log_softmax(mix_states.float() / temperature, dim=-1)
    per_position = (log_p.exp() * (log_p - log_q)).sum(dim=-1)
    return per_position.mean()
