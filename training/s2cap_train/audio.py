"""Reads the export's clips: WAV (PCM 8/16/24/32-bit, float32/64, plain or WAVE_FORMAT_EXTENSIBLE)
with the standard library and numpy, downmixed to mono (the mean of the channels, as the studio's
core/audio/channels.ts) and brought to 16 kHz. Errors are one ValueError line naming the file and
the reason (missing, not a WAV, truncated, an encoding it does not read).

The RIFF chunks are parsed here rather than with the stdlib `wave` module because `wave` refuses
float samples (format 3) and, before Python 3.12, WAVE_FORMAT_EXTENSIBLE (what ffmpeg/sox write
for 24-bit or multi-channel audio), and it reads a truncated data chunk without saying so; one
small parser reads them all and reports all errors alike. The studio's own clips are 16 kHz mono
PCM16, which needs no resampling; other rates go through torchaudio.functional.resample when
torchaudio is importable, otherwise the error says to export at 16 kHz."""
from __future__ import annotations

import struct

import numpy as np

TARGET_RATE = 16000
PCM, FLOAT, EXTENSIBLE = 1, 3, 0xFFFE


def _fail(path: str, reason: str) -> ValueError:
    return ValueError(f"{path}: {reason}")


def _samples(path: str, data: bytes, fmt: int, bits: int, channels: int) -> np.ndarray:
    """Interleaved bytes → float32 [channels, frames] in [-1, 1]."""
    if (fmt, bits) not in ((FLOAT, 32), (FLOAT, 64), (PCM, 8), (PCM, 16), (PCM, 24), (PCM, 32)):
        kind = {PCM: "PCM", FLOAT: "float"}.get(fmt, f"format {fmt:#x}")
        raise _fail(path, f"{kind} {bits}-bit WAV is not read here (PCM 8/16/24/32-bit or float 32/64-bit)")
    block = bits // 8 * channels
    data = data[:len(data) - len(data) % block]  # a partial last frame is dropped
    if fmt == FLOAT and bits in (32, 64):
        x = np.frombuffer(data, dtype="<f4" if bits == 32 else "<f8").astype(np.float32)
    elif fmt == PCM and bits == 8:
        x = (np.frombuffer(data, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif fmt == PCM and bits == 16:
        x = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
    elif fmt == PCM and bits == 24:
        b = np.frombuffer(data, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        v = np.where(v >= 1 << 23, v - (1 << 24), v)
        x = v.astype(np.float32) / 8388608.0
    else:
        x = (np.frombuffer(data, dtype="<i4").astype(np.float64) / 2147483648.0).astype(np.float32)
    return x.reshape(-1, channels).T.copy()


def read_wav(path: str) -> tuple[np.ndarray, int]:
    """(float32 [channels, frames] in [-1, 1], sample rate)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise _fail(path, f"cannot read it ({e.strerror or e})") from None
    if len(raw) < 12 or raw[:4] not in (b"RIFF", b"RF64") or raw[8:12] != b"WAVE":
        raise _fail(path, "not a WAV file (no RIFF/WAVE header)")
    pos, fmt_chunk, data = 12, None, None
    while pos + 8 <= len(raw):
        cid, size = raw[pos:pos + 4], struct.unpack("<I", raw[pos + 4:pos + 8])[0]
        body = raw[pos + 8:pos + 8 + size]
        if cid == b"fmt ":
            fmt_chunk = body
        elif cid == b"data":
            if len(body) < size and size != 0xFFFFFFFF:
                raise _fail(path, f"truncated: its data chunk says {size} bytes, the file holds {len(body)}")
            data = body
            break
        pos += 8 + size + (size & 1)
    if fmt_chunk is None or len(fmt_chunk) < 16:
        raise _fail(path, "WAV without a valid fmt chunk")
    if data is None:
        raise _fail(path, "truncated or incomplete WAV: no data chunk")
    fmt, channels, rate, _byte_rate, _align, bits = struct.unpack("<HHIIHH", fmt_chunk[:16])
    if fmt == EXTENSIBLE:
        if len(fmt_chunk) < 40:
            raise _fail(path, "WAVE_FORMAT_EXTENSIBLE without its sub-format")
        fmt = struct.unpack("<H", fmt_chunk[24:26])[0]
    if channels < 1 or rate < 1:
        raise _fail(path, f"WAV header says {channels} channels at {rate} Hz")
    return _samples(path, data, fmt, bits, channels), int(rate)


def to_mono(samples: np.ndarray) -> np.ndarray:
    """[channels, frames] → [frames]: the only channel as it is (no copy), else the channels' mean."""
    return samples[0] if samples.shape[0] == 1 else samples.mean(axis=0, dtype=np.float32)


def resample(mono: np.ndarray, rate: int, path: str = "audio", target: int = TARGET_RATE) -> np.ndarray:
    """[frames] at `rate` → [frames'] at `target` (torchaudio's band-limited sinc resampler)."""
    if rate == target:
        return mono
    try:
        import torch
        import torchaudio.functional as taf
    except ImportError:
        raise _fail(path, f"{rate} Hz audio needs resampling to {target} Hz and torchaudio is not installed; "
                          f"export at 16 kHz (the studio's default) or install torchaudio") from None
    return taf.resample(torch.from_numpy(np.ascontiguousarray(mono)), rate, target).numpy().astype(np.float32)


def load_mono16k(path: str) -> np.ndarray:
    """float32 [frames] at 16 kHz, mono."""
    samples, rate = read_wav(path)
    return resample(to_mono(samples), rate, path)
