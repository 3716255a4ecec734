"""The S2Cap captioner: AST → linear projection (audio_projection, hidden_size → d_model) → the
BART decoder's cross-attention. `encode_audio` is exactly what a pack's encoder_model.onnx
computes; `bart.decode` what its decoder pair computes."""
from typing import Optional

import torch
from torch import nn

from ..config import Config
from .ast import ASTEncoder
from .bart import BartForConditionalGeneration


class S2CapModel(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.encoder = ASTEncoder(cfg.encoder)
        self.audio_projection = nn.Linear(cfg.encoder.hidden_size, cfg.decoder.d_model)
        self.bart = BartForConditionalGeneration(cfg.decoder)

    def encode_audio(self, input_values: torch.Tensor) -> torch.Tensor:
        """[B, 1024, 128] features → [B, S, d_model] states the decoder attends to."""
        return self.audio_projection(self.encoder(input_values))

    def forward(self, input_values: torch.Tensor, decoder_input_ids: torch.Tensor,
                audio_states: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Teacher-forced logits [B, T, vocab]; pass audio_states to reuse an encode_audio result."""
        states = self.encode_audio(input_values) if audio_states is None else audio_states
        logits, _ = self.bart.decode(decoder_input_ids, states)
        return logits
