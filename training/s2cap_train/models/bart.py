"""BART (Lewis et al. 2019) in plain PyTorch with BartForConditionalGeneration's parameter names
one to one (model.shared, model.encoder.{embed_tokens,embed_positions,layers.{i}.*,
layernorm_embedding}, model.decoder.{…}, lm_head, final_logits_bias), so a facebook/bart-base
checkpoint loads by name. The BART encoder embeds captions for CRESCENDO; the decoder
cross-attends to the audio encoder's states and keeps a KV cache in Optimum's layout
(per layer: self key, self value, cross key, cross value; [B, heads, T, head_dim]).
Structure read from transformers' models/bart/modeling_bart.py: learned positions offset by 2,
layernorm_embedding, post-LayerNorm layers, embeddings × √d_model when scale_embedding, lm_head
tied to the shared embedding, final_logits_bias buffer; eager attention."""
from __future__ import annotations

import math
from typing import List, Optional, Tuple

import torch
from torch import nn

from ..config import DecoderConfig
from .attention import activation, eager_attention, merge_heads, padding_bias, split_heads

# One layer's cache: (self_key, self_value, cross_key, cross_value), each [B, H, T, Dh].
LayerCache = Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]


class _PositionalEmbedding(nn.Embedding):
    """BartLearnedPositionalEmbedding: max_positions + 2 rows, position p reads row p + 2."""
    offset = 2

    def __init__(self, max_positions: int, dim: int):
        super().__init__(max_positions + self.offset, dim)

    def forward(self, positions: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return super().forward(positions + self.offset)


class _Attention(nn.Module):
    def __init__(self, dim: int, heads: int, dropout: float):
        super().__init__()
        if dim % heads:
            raise ValueError(f"decoder.d_model {dim} is not a multiple of the attention heads {heads}")
        self.heads, self.dropout, self.head_dim = heads, dropout, dim // heads
        self.k_proj = nn.Linear(dim, dim)
        self.v_proj = nn.Linear(dim, dim)
        self.q_proj = nn.Linear(dim, dim)
        self.out_proj = nn.Linear(dim, dim)

    def project_kv(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return split_heads(self.k_proj(x), self.heads), split_heads(self.v_proj(x), self.heads)

    def forward(self, x: torch.Tensor, k: torch.Tensor, v: torch.Tensor, bias: Optional[torch.Tensor]) -> torch.Tensor:
        q = split_heads(self.q_proj(x), self.heads)
        return self.out_proj(merge_heads(eager_attention(q, k, v, bias, self.dropout, self.training, self.head_dim)))


class _Layer(nn.Module):
    """What BartEncoderLayer and BartDecoderLayer share, registered in HF's order: self_attn and its
    norm, (decoder: encoder_attn and its norm), fc1 → activation → dropout → fc2, final_layer_norm."""

    def __init__(self, cfg: DecoderConfig, heads: int, ffn_dim: int, cross: bool):
        super().__init__()
        d = cfg.d_model
        self.self_attn = _Attention(d, heads, cfg.attention_dropout)
        self.self_attn_layer_norm = nn.LayerNorm(d)
        if cross:
            self.encoder_attn = _Attention(d, heads, cfg.attention_dropout)
            self.encoder_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, ffn_dim)
        self.fc2 = nn.Linear(ffn_dim, d)
        self.final_layer_norm = nn.LayerNorm(d)
        self.act = activation(cfg.activation_function)
        self.dropout, self.activation_dropout = cfg.dropout, cfg.activation_dropout

    def _ffn(self, x: torch.Tensor) -> torch.Tensor:
        x = nn.functional.dropout(self.act(self.fc1(x)), p=self.activation_dropout, training=self.training)
        return self._drop(self.fc2(x))

    def _drop(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.dropout(x, p=self.dropout, training=self.training)


class _EncoderLayer(_Layer):
    def __init__(self, cfg: DecoderConfig):
        super().__init__(cfg, cfg.encoder_attention_heads, cfg.encoder_ffn_dim, cross=False)

    def forward(self, x: torch.Tensor, bias: Optional[torch.Tensor]) -> torch.Tensor:
        k, v = self.self_attn.project_kv(x)
        x = self.self_attn_layer_norm(x + self._drop(self.self_attn(x, k, v, bias)))
        return self.final_layer_norm(x + self._ffn(x))


class _DecoderLayer(_Layer):
    def __init__(self, cfg: DecoderConfig):
        super().__init__(cfg, cfg.decoder_attention_heads, cfg.decoder_ffn_dim, cross=True)

    def forward(self, x: torch.Tensor, self_bias: torch.Tensor, cross_bias: Optional[torch.Tensor],
                encoder_hidden_states: Optional[torch.Tensor], past: Optional[LayerCache]) -> tuple[torch.Tensor, LayerCache]:
        k, v = self.self_attn.project_kv(x)
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
            ck, cv = past[2], past[3]
        else:
            if encoder_hidden_states is None:
                raise ValueError("the first decoder step needs encoder_hidden_states")
            ck, cv = self.encoder_attn.project_kv(encoder_hidden_states)
        x = self.self_attn_layer_norm(x + self._drop(self.self_attn(x, k, v, self_bias)))
        x = self.encoder_attn_layer_norm(x + self._drop(self.encoder_attn(x, ck, cv, cross_bias)))
        return self.final_layer_norm(x + self._ffn(x)), (k, v, ck, cv)


class _Stack(nn.Module):
    """BartEncoder / BartDecoder: embed_tokens (the shared module), embed_positions, layers, layernorm_embedding."""

    def __init__(self, cfg: DecoderConfig, shared: nn.Embedding, layer: type, n: int):
        super().__init__()
        self.embed_tokens = shared
        self.embed_positions = _PositionalEmbedding(cfg.max_position_embeddings, cfg.d_model)
        self.layers = nn.ModuleList(layer(cfg) for _ in range(n))
        self.layernorm_embedding = nn.LayerNorm(cfg.d_model)
        self.embed_scale = math.sqrt(cfg.d_model) if cfg.scale_embedding else 1.0
        self.dropout = cfg.dropout

    def embed(self, input_ids: torch.Tensor, past_length) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device) + past_length
        x = self.embed_tokens(input_ids) * self.embed_scale + self.embed_positions(positions)
        return nn.functional.dropout(self.layernorm_embedding(x), p=self.dropout, training=self.training)


class _Model(nn.Module):
    """BartModel: shared embedding, encoder, decoder."""

    def __init__(self, cfg: DecoderConfig):
        super().__init__()
        self.shared = nn.Embedding(cfg.vocab_size, cfg.d_model, cfg.pad_token_id)
        self.encoder = _Stack(cfg, self.shared, _EncoderLayer, cfg.encoder_layers)
        self.decoder = _Stack(cfg, self.shared, _DecoderLayer, cfg.decoder_layers)


class BartForConditionalGeneration(nn.Module):
    def __init__(self, cfg: DecoderConfig):
        super().__init__()
        self.cfg = cfg
        self.model = _Model(cfg)
        self.lm_head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        self.register_buffer("final_logits_bias", torch.zeros(1, cfg.vocab_size))
        self.apply(self._init_weights)
        self.lm_head.weight = self.model.shared.weight  # tied, as HF ties them

    @staticmethod
    def _init_weights(module: nn.Module, std: float = 0.02) -> None:
        """BartPreTrainedModel._init_weights (init_std 0.02): normal weights, zero biases and padding row."""
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=std)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=std)
            if module.padding_idx is not None:
                with torch.no_grad():
                    module.weight[module.padding_idx].zero_()
        elif isinstance(module, nn.LayerNorm):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)

    def encode_text(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """BART encoder over token ids → [B, T, d_model] (CRESCENDO's text side)."""
        enc = self.model.encoder
        x = enc.embed(input_ids, 0)
        bias = padding_bias(attention_mask, x.dtype)
        for layer in enc.layers:
            x = layer(x, bias)
        return x

    def decode(self, input_ids: torch.Tensor, encoder_hidden_states: Optional[torch.Tensor],
               encoder_attention_mask: Optional[torch.Tensor] = None,
               past_key_values: Optional[List[LayerCache]] = None,
               use_cache: bool = False) -> tuple[torch.Tensor, Optional[List[LayerCache]]]:
        """Decoder + lm_head (+ final_logits_bias): logits [B, T, vocab] for the new input_ids
        (positions continue after the cache), and the updated cache when use_cache.
        encoder_hidden_states may be None once a cache holds the cross-attention keys/values."""
        dec = self.model.decoder
        past_length = past_key_values[0][0].shape[2] if past_key_values is not None else 0
        x = dec.embed(input_ids, past_length)
        # causal bias built from tensor shapes (so a traced graph keeps them dynamic); all zeros for one new token
        t = input_ids.shape[1]
        rows = torch.arange(t, device=x.device)[:, None] + past_length
        cols = torch.arange(t + past_length, device=x.device)[None, :]
        self_bias = (cols > rows).to(x.dtype)[None, None] * torch.finfo(x.dtype).min
        cross_bias = padding_bias(encoder_attention_mask, x.dtype)
        presents: List[LayerCache] = []
        for i, layer in enumerate(dec.layers):
            past = past_key_values[i] if past_key_values is not None else None
            x, present = layer(x, self_bias, cross_bias, encoder_hidden_states, past)
            presents.append(present)
        logits = self.lm_head(x) + self.final_logits_bias
        return logits, (presents if use_cache else None)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                decoder_input_ids: torch.Tensor) -> torch.Tensor:
        """Text-to-text logits, as HF's BartForConditionalGeneration(...).logits (parity checks)."""
        logits, _ = self.decode(decoder_input_ids, self.encode_text(input_ids, attention_mask), attention_mask)
        return logits
