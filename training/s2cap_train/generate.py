"""Greedy and beam search over S2CapModel with Hugging Face generate()'s semantics (the same the
studio's src/core/inference/caption implements): decoder_start_token_id, forced BOS, min_length,
no_repeat_ngram_size, length_penalty, early_stopping, max_length. Used for validation and to
check that an exported pack captions exactly as the PyTorch model does."""
import torch

from .config import DecoderConfig, GenerationConfig


def generate(model, input_values: torch.Tensor, gen: GenerationConfig, dec: DecoderConfig,
             num_beams: int | None = None) -> list[list[int]]:
    """Token ids per item (decoder start and special tokens included as generate() returns them)."""
    raise NotImplementedError
