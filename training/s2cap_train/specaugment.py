"""SpecAugment (Park et al. 2019) as AST's recipe uses it: frequency and time masks (torchaudio's
FrequencyMasking/TimeMasking semantics: width uniform in [0, F), start uniform in [0, size − width))
on [B, T, F] features, from a torch.Generator so a resumed run draws the same masks.

Each example gets its own masks (AST masks each clip in its data loader), drawn in a fixed order
(example by example: its frequency masks, then its time masks) from a CPU generator, so the masks
depend only on the generator's state, whatever device the features are on: saving
`generator.get_state()` with a checkpoint and restoring it replays the same masks. Masked cells get
the normalised value of a raw log-mel 0 — AST masks the fbank before normalising it, so its masks
(and its zero padding past the clip's end) read (0 + 4.2677393) / (2 · 4.5689974) after it.
spec_augment = draw_masks then apply_masks; training calls the two itself to mask a clip's vocal
stem with its mix's masks, so the demixing KL compares the same positions."""
from __future__ import annotations

import torch

from .config import SpecAugmentConfig
from .features import MEAN, STD

MASK_VALUE = (0.0 - MEAN) / (2 * STD)


def _draw(size: int, max_width: int, generator: torch.Generator) -> tuple[int, int]:
    """(start, width) as torchaudio's mask_along_axis: width = ⌊u·F⌋, start = ⌊u'·(size − u·F)⌋."""
    if max_width <= 0 or size <= 0:
        return 0, 0
    value = float(torch.rand(1, generator=generator)) * min(max_width, size)
    start = int(float(torch.rand(1, generator=generator)) * (size - value))
    return start, int(value)


def draw_masks(batch: int, frames: int, bins: int, cfg: SpecAugmentConfig,
               generator: torch.Generator) -> list[list[tuple[str, int, int]]]:
    """Per example, its masks as (axis "freq"|"time", start, width)."""
    out = []
    for _ in range(batch):
        masks = [("freq", *_draw(bins, cfg.freq_mask, generator)) for _ in range(cfg.freq_masks)]
        masks += [("time", *_draw(frames, cfg.time_mask, generator)) for _ in range(cfg.time_masks)]
        out.append(masks)
    return out


def apply_masks(features: torch.Tensor, masks: list[list[tuple[str, int, int]]],
                value: float = MASK_VALUE) -> torch.Tensor:
    """A copy of features [B, T, F] with example i's `masks[i]` (as draw_masks gives them) set to
    `value`; the input is left as it was. Training masks a clip's vocal stem with its mix's masks."""
    if features.dim() != 3 or len(masks) != features.shape[0]:
        raise ValueError(f"apply_masks expects [B, T, F] features and B mask lists, got {tuple(features.shape)} "
                         f"and {len(masks)}")
    keep = torch.ones(features.shape, dtype=torch.bool)
    for i, example in enumerate(masks):
        for axis, start, width in example:
            if axis == "freq":
                keep[i, :, start:start + width] = False
            else:
                keep[i, start:start + width, :] = False
    return torch.where(keep.to(features.device), features, torch.full_like(features, value))


def spec_augment(features: torch.Tensor, cfg: SpecAugmentConfig, generator: torch.Generator,
                 value: float = MASK_VALUE) -> torch.Tensor:
    """A masked copy of features [B, T, F] (or [T, F]) with masks drawn from `generator`."""
    single = features.dim() == 2
    x = features.unsqueeze(0) if single else features
    if x.dim() != 3:
        raise ValueError(f"spec_augment expects [B, T, F] or [T, F] features, got {tuple(features.shape)}")
    out = apply_masks(x, draw_masks(*x.shape, cfg, generator), value)
    return out.squeeze(0) if single else out
