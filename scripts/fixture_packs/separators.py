"""export_separators: the two separator fixture packs — identity-separator (a Demucs-style
waveform export, mix [1,2,L] → stems [1,2,2,L], vocals = the input, accompaniment = silence, to
check chunking reconstructs the input) and passthrough-htdemucs (the two-branch htdemucs layout,
stem 0's spectrogram = the input's, to check the STFT/iSTFT around the graph)."""
import os

import torch
import torch.nn as nn

from . import OPSET, PACKS
from .manifest import write_manifest

class IdentitySeparator(nn.Module):
    def forward(self, mix):  # [1, 2, L] -> [1, 2, 2, L]: vocals = mix, accompaniment = 0
        return torch.stack([mix, mix * 0.0], dim=1)


class PassthroughHTDemucs(nn.Module):
    """Two-branch layout: stem 0's spectrogram is the input spectrogram, every time branch is 0."""

    def forward(self, input, x):  # input [1,2,L], x [1,4,2048,T]
        freq = torch.stack([x, x * 0.0, x * 0.0, x * 0.0], dim=1)  # [1, 4, 4, 2048, T]
        time = torch.stack([input * 0.0] * 4, dim=1)  # [1, 4, 2, L]
        return freq, time


def export_separators():
    out = os.path.join(PACKS, "identity-separator")
    os.makedirs(out, exist_ok=True)
    L = 22050
    torch.onnx.export(IdentitySeparator(), (torch.randn(1, 2, L),), f"{out}/separator.onnx", input_names=["mix"], output_names=["stems"], opset_version=OPSET)
    write_manifest(out, {
        "name": "identity-separator", "version": "1.0.0", "roles": ["separator"], "fixture": True, "license": "MIT",
        "description": "Test fixture: vocals = input, accompaniment = silence; checks Demucs-style chunking.",
        "sources": ["scripts/make-fixture-packs.py"],
        "separator": {"kind": "waveform", "model": "separator.onnx", "sampleRate": 44100, "channels": 2, "segmentSamples": L,
                      "sources": ["vocals", "accompaniment"], "inputs": {"waveform": "mix"}, "outputs": {"stems": "stems"}},
    })
    out = os.path.join(PACKS, "passthrough-htdemucs")
    os.makedirs(out, exist_ok=True)
    L, T = 343980, 336
    torch.onnx.export(PassthroughHTDemucs(), (torch.randn(1, 2, L), torch.randn(1, 4, 2048, T)), f"{out}/htdemucs.onnx",
                      input_names=["input", "x"], output_names=["output", "add_67"], opset_version=OPSET)
    write_manifest(out, {
        "name": "passthrough-htdemucs", "version": "1.0.0", "roles": ["separator"], "fixture": True, "license": "MIT",
        "description": "Test fixture in the two-branch htdemucs ONNX layout: stem 0 = the input via STFT/iSTFT.",
        "sources": ["scripts/make-fixture-packs.py"],
        "separator": {"kind": "htdemucs", "model": "htdemucs.onnx", "sampleRate": 44100, "channels": 2, "segmentSamples": L,
                      "sources": ["vocals", "drums", "bass", "other"],
                      "inputs": {"waveform": "input", "spectrogram": "x"}, "outputs": {"frequency": "output", "time": "add_67"}},
    })
