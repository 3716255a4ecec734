"""The recipe's losses: caption cross-entropy under teacher forcing, CRESCENDO (audio states
mean-pooled to the caption's token length, cosine similarity against the BART encoder's caption
embeddings with a stop-gradient on the text side) and demixing KL (encoder states of the vocal
stem against those of the mix)."""
import torch


def caption_ce_loss(logits: torch.Tensor, labels: torch.Tensor, ignore_index: int = -100) -> torch.Tensor:
    raise NotImplementedError


def crescendo_loss(audio_states: torch.Tensor, text_states: torch.Tensor, text_mask: torch.Tensor) -> torch.Tensor:
    """audio_states [B, S, D], text_states [B, T, D] (detached here), text_mask [B, T] (1 = token)."""
    raise NotImplementedError


def demix_kl_loss(mix_states: torch.Tensor, vocal_states: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """KL(vocal ‖ mix) over the feature dimension per position, vocal side detached."""
    raise NotImplementedError
