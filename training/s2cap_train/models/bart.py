"""BART (Lewis et al. 2019) in plain PyTorch with BartForConditionalGeneration's parameter names
one to one (model.shared, model.encoder.{embed_tokens,embed_positions,layers.{i}.*,
layernorm_embedding}, model.decoder.{…}, lm_head, final_logits_bias), so a facebook/bart-base
checkpoint loads by name. The BART encoder embeds captions for CRESCENDO; the decoder
cross-attends to the audio encoder's states and keeps a KV cache in Optimum's layout
(per layer: self key, self value, cross key, cross value; [B, heads, T, head_dim])."""
from typing import Optional

import torch
from torch import nn

from ..config import DecoderConfig

# One layer's cache: (self_key, self_value, cross_key, cross_value), each [B, H, T, Dh].
LayerCache = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]


class BartForConditionalGeneration(nn.Module):
    def __init__(self, cfg: DecoderConfig):
        super().__init__()
        raise NotImplementedError

    def encode_text(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """BART encoder over token ids → [B, T, d_model] (CRESCENDO's text side)."""
        raise NotImplementedError

    def decode(self, input_ids: torch.Tensor, encoder_hidden_states: torch.Tensor,
               encoder_attention_mask: Optional[torch.Tensor] = None,
               past_key_values: Optional[list[LayerCache]] = None,
               use_cache: bool = False) -> tuple[torch.Tensor, Optional[list[LayerCache]]]:
        """Decoder + lm_head (+ final_logits_bias): logits [B, T, vocab] for the new input_ids
        (positions continue after the cache), and the updated cache when use_cache."""
        raise NotImplementedError
