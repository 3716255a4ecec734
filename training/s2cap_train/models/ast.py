"""AST (Audio Spectrogram Transformer, Gong et al. 2021) in plain PyTorch, eager attention, with
Hugging Face ASTModel's parameter names one to one (embeddings.cls_token,
embeddings.distillation_token, embeddings.position_embeddings,
embeddings.patch_embeddings.projection.*, encoder.layer.{i}.attention.attention.{query,key,value}.*,
encoder.layer.{i}.attention.output.dense.*, encoder.layer.{i}.intermediate.dense.*,
encoder.layer.{i}.output.dense.*, encoder.layer.{i}.layernorm_{before,after}.*, layernorm.*), so an
ASTModel / ASTForAudioClassification checkpoint loads by name (weights.py strips the
`audio_spectrogram_transformer.` prefix and ignores the classifier)."""
import torch
from torch import nn

from ..config import EncoderConfig


class ASTEncoder(nn.Module):
    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        raise NotImplementedError

    def forward(self, input_values: torch.Tensor) -> torch.Tensor:
        """input_values [B, max_length, num_mel_bins] (ASTFeatureExtractor's output) →
        last_hidden_state [B, 2 + patches, hidden_size] (after the final layernorm)."""
        raise NotImplementedError
