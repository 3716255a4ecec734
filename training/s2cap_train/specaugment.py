"""SpecAugment (Park et al. 2019) as AST's recipe uses it: frequency and time masks (torchaudio's
FrequencyMasking/TimeMasking semantics: width uniform in [0, F), start uniform in [0, size − width))
on [B, T, F] features, from a torch.Generator so a resumed run draws the same masks."""
import torch

from .config import SpecAugmentConfig


def spec_augment(features: torch.Tensor, cfg: SpecAugmentConfig, generator: torch.Generator) -> torch.Tensor:
    raise NotImplementedError
