"""Eager scaled dot-product attention and the activation functions by their Hugging Face names,
shared by ast.py and bart.py. Eager (matmul → softmax → matmul, no fused kernel) because the
pack's encoder is exported that way (measured 20× faster on WebGPU than an SDPA export) and
because it is what HF's `attn_implementation="eager"` computes, which the parity check compares."""
from __future__ import annotations

import math
from typing import Callable, Optional

import torch
from torch.nn import functional as F


def split_heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    """[B, T, D] → [B, heads, T, D / heads]."""
    b, t, d = x.shape
    return x.view(b, t, heads, d // heads).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """[B, heads, T, Dh] → [B, T, heads · Dh]."""
    b, h, t, dh = x.shape
    return x.transpose(1, 2).reshape(b, t, h * dh)


def eager_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, bias: Optional[torch.Tensor],
                    dropout: float, training: bool, head_dim: int) -> torch.Tensor:
    """softmax(q·kᵀ/√head_dim + bias)·v over [B, H, T, Dh] tensors; `bias` broadcasts to [B, H, Tq, Tk]
    (0 where allowed, the dtype's minimum where masked, as HF builds it). Softmax in float32.
    head_dim is passed (not read from q.shape) so a traced graph holds the scale as a constant."""
    scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(head_dim))
    if bias is not None:
        scores = scores + bias
    weights = F.softmax(scores, dim=-1, dtype=torch.float32).to(v.dtype)
    weights = F.dropout(weights, p=dropout, training=training)
    return torch.matmul(weights, v)


def _gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    # HF's gelu_new / gelu_pytorch_tanh; written out because F.gelu(approximate=) needs torch ≥ 1.12
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "gelu": F.gelu,
    "gelu_new": _gelu_tanh,
    "gelu_pytorch_tanh": _gelu_tanh,
    "relu": F.relu,
    "silu": F.silu,
    "swish": F.silu,
    "tanh": torch.tanh,
}


def activation(name: str) -> Callable[[torch.Tensor], torch.Tensor]:
    if name not in ACTIVATIONS:
        raise ValueError(f"unsupported activation {name!r} (supported: {', '.join(sorted(ACTIVATIONS))})")
    return ACTIVATIONS[name]


def padding_bias(mask: Optional[torch.Tensor], dtype: torch.dtype) -> Optional[torch.Tensor]:
    """[B, S] mask of 1 (attend) / 0 (padding) → additive [B, 1, 1, S] bias, as HF's _expand_mask."""
    if mask is None:
        return None
    keep = mask[:, None, None, :].to(dtype)
    return (1.0 - keep) * torch.finfo(dtype).min
