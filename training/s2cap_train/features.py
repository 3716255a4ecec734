"""AST input features exactly as Hugging Face's ASTFeatureExtractor computes them (and the studio's
src/core/inference/features/fbank.ts): Kaldi fbank on 16 kHz mono, 25 ms Hann (symmetric, as
torchaudio's "hanning"), 10 ms shift, pre-emphasis 0.97, DC removal, 128 mel bins from 20 Hz,
log floor 1.1920929e-07, pad/truncate to 1024 frames, (x + 4.2677393) / (2 · 4.5689974).

Written in plain torch, step for step as torchaudio.compliance.kaldi.fbank does it with the
extractor's arguments (window_type="hanning", htk_compat=True, use_energy=False, dither=0,
snip_edges=True, round_to_power_of_two=True), in float32 like it, so that torchaudio is not needed
(it is not installed beside every torch) and the numbers are its numbers. The tests compare with
torchaudio, with the committed reference (test/fixtures/features/voice16k.ast.npy) and with the
studio's `s2cap features`."""
from __future__ import annotations

import math

import torch

SAMPLE_RATE = 16000
FRAMES = 1024
MEL_BINS = 128
MEAN = -4.2677393
STD = 4.5689974

FRAME_LEN = 400  # 25 ms
FRAME_SHIFT = 160  # 10 ms
NFFT = 512  # the next power of two above FRAME_LEN
PREEMPH = 0.97
LOW_FREQ = 20.0
LOG_FLOOR = 1.1920928955078125e-07  # torch.finfo(torch.float32).eps, torchaudio's floor

_banks: torch.Tensor | None = None


def _mel(freq: torch.Tensor) -> torch.Tensor:
    return 1127.0 * (1.0 + freq / 700.0).log()


def mel_banks() -> torch.Tensor:
    """[NFFT/2 + 1, MEL_BINS] triangular Kaldi mel weights (float32, as torchaudio's get_mel_banks
    builds them; the Nyquist bin's weight is 0)."""
    global _banks
    if _banks is None:
        nyquist = 0.5 * SAMPLE_RATE
        mel_low = 1127.0 * math.log(1.0 + LOW_FREQ / 700.0)
        mel_high = 1127.0 * math.log(1.0 + nyquist / 700.0)
        delta = (mel_high - mel_low) / (MEL_BINS + 1)
        b = torch.arange(MEL_BINS).unsqueeze(1)
        left = mel_low + b * delta
        center = mel_low + (b + 1.0) * delta
        right = mel_low + (b + 2.0) * delta
        mel = _mel((SAMPLE_RATE / NFFT) * torch.arange(float(NFFT // 2), dtype=torch.float32)).unsqueeze(0)
        up = (mel - left) / (center - left)
        down = (right - mel) / (right - center)
        banks = torch.max(torch.zeros(1), torch.min(up, down)).to(torch.float32)
        _banks = torch.nn.functional.pad(banks, (0, 1)).t().contiguous()
    return _banks


def kaldi_fbank(wave16k: torch.Tensor) -> torch.Tensor:
    """Log-mel fbank frames of 16 kHz mono float32 audio: [frames, 128] before padding and
    normalisation (0 frames for input shorter than 25 ms)."""
    x = wave16k.to(torch.float32).reshape(-1)
    if x.numel() < FRAME_LEN:
        return torch.zeros(0, MEL_BINS, dtype=torch.float32)
    m = 1 + (x.numel() - FRAME_LEN) // FRAME_SHIFT
    frames = x.as_strided((m, FRAME_LEN), (FRAME_SHIFT * x.stride(0), x.stride(0)))
    frames = frames - frames.mean(dim=1, keepdim=True)
    # x[i, j] -= 0.97 · x[i, max(0, j − 1)]: each frame's first sample is its own predecessor
    prev = torch.cat([frames[:, :1], frames[:, :-1]], dim=1)
    frames = frames - PREEMPH * prev
    window = torch.hann_window(FRAME_LEN, periodic=False, dtype=torch.float32)
    frames = torch.nn.functional.pad(frames * window, (0, NFFT - FRAME_LEN))
    power = torch.fft.rfft(frames).abs().pow(2.0)
    energies = torch.mm(power, mel_banks())
    return torch.max(energies, torch.tensor(LOG_FLOOR, dtype=torch.float32)).log()


def ast_features(wave16k: torch.Tensor) -> torch.Tensor:
    """float32 mono samples in [-1, 1] at 16 kHz → [1024, 128]."""
    fb = kaldi_fbank(wave16k)
    if fb.shape[0] < FRAMES:
        fb = torch.nn.functional.pad(fb, (0, 0, 0, FRAMES - fb.shape[0]))
    else:
        fb = fb[:FRAMES]
    return (fb - MEAN) / (STD * 2)


def file_features(path: str) -> torch.Tensor:
    """AST features of a WAV file ([1024, 128]), read and brought to 16 kHz mono by audio.py."""
    from .audio import load_mono16k
    return ast_features(torch.from_numpy(load_mono16k(path)))
