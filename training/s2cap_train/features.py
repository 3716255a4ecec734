"""AST input features exactly as Hugging Face's ASTFeatureExtractor computes them (and the studio's
src/core/inference/features/fbank.ts): Kaldi fbank on 16 kHz mono, 25 ms Hann (symmetric, as
torchaudio's "hanning"), 10 ms shift, pre-emphasis 0.97, DC removal, 128 mel bins from 20 Hz,
log floor 1.1920929e-07, pad/truncate to 1024 frames, (x + 4.2677393) / (2 · 4.5689974)."""
import torch


def ast_features(wave16k: torch.Tensor) -> torch.Tensor:
    """float32 mono samples in [-1, 1] at 16 kHz → [1024, 128]."""
    raise NotImplementedError
