"""Reads the export's clips: WAV (PCM 16/24/32-bit, float32) with the standard library and numpy,
downmixed to mono and brought to 16 kHz. Errors name the file and the reason."""
import numpy as np


def read_wav(path: str) -> tuple[np.ndarray, int]:
    """(float32 [channels, frames] in [-1, 1], sample rate)."""
    raise NotImplementedError


def load_mono16k(path: str) -> np.ndarray:
    """float32 [frames] at 16 kHz, mono."""
    raise NotImplementedError
