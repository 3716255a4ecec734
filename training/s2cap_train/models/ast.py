"""AST (Audio Spectrogram Transformer, Gong et al. 2021) in plain PyTorch, eager attention, with
Hugging Face ASTModel's parameter names one to one (embeddings.cls_token,
embeddings.distillation_token, embeddings.position_embeddings,
embeddings.patch_embeddings.projection.*, encoder.layer.{i}.attention.attention.{query,key,value}.*,
encoder.layer.{i}.attention.output.dense.*, encoder.layer.{i}.intermediate.dense.*,
encoder.layer.{i}.output.dense.*, encoder.layer.{i}.layernorm_{before,after}.*, layernorm.*), so an
ASTModel / ASTForAudioClassification checkpoint loads by name (weights.py strips the
`audio_spectrogram_transformer.` prefix and ignores the classifier).
Structure read from transformers' models/audio_spectrogram_transformer/modeling_audio_spectrogram_transformer.py:
patches by a Conv2d over [B, 1, mel, time], cls + distillation tokens, learned positions,
pre-LayerNorm layers, a final LayerNorm."""
from __future__ import annotations

import torch
from torch import nn

from ..config import EncoderConfig
from .attention import activation, eager_attention, merge_heads, split_heads


def patch_grid(cfg: EncoderConfig) -> tuple[int, int]:
    """(frequency patches, time patches), as ASTEmbeddings.get_shape computes them."""
    return ((cfg.num_mel_bins - cfg.patch_size) // cfg.frequency_stride + 1,
            (cfg.max_length - cfg.patch_size) // cfg.time_stride + 1)


class _PatchEmbeddings(nn.Module):
    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.projection = nn.Conv2d(1, cfg.hidden_size, kernel_size=(cfg.patch_size, cfg.patch_size),
                                    stride=(cfg.frequency_stride, cfg.time_stride))

    def forward(self, input_values: torch.Tensor) -> torch.Tensor:
        x = input_values.unsqueeze(1).transpose(2, 3)  # [B, T, F] → [B, 1, F, T]
        return self.projection(x).flatten(2).transpose(1, 2)  # [B, F'·T', H], frequency-major


class _Embeddings(nn.Module):
    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        f, t = patch_grid(cfg)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, cfg.hidden_size))
        self.distillation_token = nn.Parameter(torch.zeros(1, 1, cfg.hidden_size))
        self.patch_embeddings = _PatchEmbeddings(cfg)
        self.position_embeddings = nn.Parameter(torch.zeros(1, f * t + 2, cfg.hidden_size))
        self.dropout = nn.Dropout(cfg.hidden_dropout_prob)

    def forward(self, input_values: torch.Tensor) -> torch.Tensor:
        patches = self.patch_embeddings(input_values)
        b = patches.shape[0]
        x = torch.cat((self.cls_token.expand(b, -1, -1), self.distillation_token.expand(b, -1, -1), patches), dim=1)
        return self.dropout(x + self.position_embeddings)


class _SelfAttention(nn.Module):
    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        if cfg.hidden_size % cfg.num_attention_heads:
            raise ValueError(f"encoder.hidden_size {cfg.hidden_size} is not a multiple of "
                             f"num_attention_heads {cfg.num_attention_heads}")
        self.heads = cfg.num_attention_heads
        self.head_dim = cfg.hidden_size // cfg.num_attention_heads
        self.dropout = cfg.attention_probs_dropout_prob
        self.query = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.key = nn.Linear(cfg.hidden_size, cfg.hidden_size)
        self.value = nn.Linear(cfg.hidden_size, cfg.hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = (split_heads(proj(x), self.heads) for proj in (self.query, self.key, self.value))
        return merge_heads(eager_attention(q, k, v, None, self.dropout, self.training, self.head_dim))


class _Dense(nn.Module):
    """HF's ASTSelfOutput / ASTIntermediate / ASTOutput: a `dense` Linear (+ activation or dropout)."""

    def __init__(self, n_in: int, n_out: int, act: str | None = None, dropout: float = 0.0):
        super().__init__()
        self.dense = nn.Linear(n_in, n_out)
        self.act = activation(act) if act else None
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.dense(x)
        return self.act(x) if self.act else self.dropout(x)


class _Attention(nn.Module):
    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.attention = _SelfAttention(cfg)
        self.output = _Dense(cfg.hidden_size, cfg.hidden_size, dropout=cfg.hidden_dropout_prob)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(self.attention(x))


class _Layer(nn.Module):
    """Pre-LayerNorm block: x + attn(LN(x)), then h + mlp(LN(h))."""

    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.attention = _Attention(cfg)
        self.intermediate = _Dense(cfg.hidden_size, cfg.intermediate_size, act=cfg.hidden_act)
        self.output = _Dense(cfg.intermediate_size, cfg.hidden_size, dropout=cfg.hidden_dropout_prob)
        self.layernorm_before = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)
        self.layernorm_after = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x + self.attention(self.layernorm_before(x))
        return h + self.output(self.intermediate(self.layernorm_after(h)))


class _LayerStack(nn.Module):
    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.layer = nn.ModuleList(_Layer(cfg) for _ in range(cfg.num_hidden_layers))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layer:
            x = layer(x)
        return x


class ASTEncoder(nn.Module):
    """HF's ASTModel (its state_dict keys exactly), without the pooler output."""

    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.cfg = cfg
        self.embeddings = _Embeddings(cfg)
        self.encoder = _LayerStack(cfg)
        self.layernorm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(module: nn.Module, std: float = 0.02) -> None:
        """ASTPreTrainedModel._init_weights: truncated normal weights, zero biases, unit LayerNorms,
        zero tokens and positions (random-init runs and tests; checkpoints overwrite it all)."""
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            nn.init.trunc_normal_(module.weight, mean=0.0, std=std)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.LayerNorm):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)

    @property
    def sequence_length(self) -> int:
        f, t = patch_grid(self.cfg)
        return f * t + 2

    def forward(self, input_values: torch.Tensor) -> torch.Tensor:
        """input_values [B, max_length, num_mel_bins] (ASTFeatureExtractor's output) →
        last_hidden_state [B, 2 + patches, hidden_size] (after the final layernorm)."""
        if not torch.jit.is_tracing() and (input_values.dim() != 3 or
                                           tuple(input_values.shape[1:]) != (self.cfg.max_length, self.cfg.num_mel_bins)):
            raise ValueError(f"AST input must be [batch, {self.cfg.max_length}, {self.cfg.num_mel_bins}], "
                             f"got {list(input_values.shape)}")
        return self.layernorm(self.encoder(self.embeddings(input_values)))
