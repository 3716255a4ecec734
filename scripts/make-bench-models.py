#!/usr/bin/python3
"""Benchmark-sized model packs (random weights, never committed, never offered as models):
- captioner-base: an AST-base-sized encoder (16×16 patches at stride 10 → 1212 + 2 tokens,
  12 layers × 768 wide, 12 heads, eager attention) feeding a BART-base-sized decoder (6 layers ×
  768, 12 heads, vocabulary 50265) in Optimum's layout (split and merged decoders), with int8
  `*_quantized.onnx` copies made by scripts/onnx_int8.py for the `cpu int8` row;
- separator-bench: a Demucs-like waveform U-Net (4 strided conv levels, 48→384 channels, an
  LSTM-free bottleneck) on 7.8 s segments, [1,2,343980] → [1,4,2,343980].
Usage: /usr/bin/python3 scripts/make-bench-models.py OUT_DIR  (used by `npm run bench:inference`)
"""
import json
import os
import sys

import torch
import torch.nn as nn

from fixture_packs import OPSET
from fixture_packs import captioner as fx
from fixture_packs.manifest import write_manifest
from fixture_packs.quantized import add_quantized


class ASTBase(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = nn.Conv2d(1, 768, kernel_size=16, stride=10)
        self.cls = nn.Parameter(torch.zeros(1, 2, 768))
        self.pos = nn.Parameter(torch.randn(1, 1214, 768) * 0.02)
        layer = nn.TransformerEncoderLayer(768, 12, 3072, batch_first=True, activation="gelu", norm_first=True)
        self.layers = nn.TransformerEncoder(layer, 12)
        self.norm = nn.LayerNorm(768)

    def forward(self, input_values):  # [B, 1024, 128]
        x = input_values.unsqueeze(1).transpose(2, 3)  # [B, 1, 128, 1024] as AST does
        x = self.patch(x).flatten(2).transpose(1, 2)  # [B, 12*101=1212, 768]
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        return self.norm(self.layers(x))


class UNetSeparator(nn.Module):
    def __init__(self, sources=4, ch=48):
        super().__init__()
        chans = [2, ch, ch * 2, ch * 4, ch * 8]
        self.enc = nn.ModuleList(nn.Sequential(nn.Conv1d(chans[i], chans[i + 1], 8, 4, 2), nn.GELU(), nn.Conv1d(chans[i + 1], chans[i + 1], 3, 1, 1), nn.GELU()) for i in range(4))
        self.dec = nn.ModuleList(nn.Sequential(nn.Conv1d(chans[i + 1], chans[i + 1], 3, 1, 1), nn.GELU(), nn.ConvTranspose1d(chans[i + 1], chans[i] if i else sources * 2, 8, 4, 2)) for i in reversed(range(4)))
        self.sources = sources

    def forward(self, mix):
        skips, x = [], mix
        for e in self.enc:
            skips.append(x)
            x = e(x)
        for d in self.dec:
            x = d(x)
            s = skips.pop()
            x = nn.functional.pad(x, (0, max(0, s.shape[-1] - x.shape[-1])))[..., : s.shape[-1]]
            if x.shape[1] == s.shape[1]:
                x = x + s
        x = nn.functional.pad(x, (0, mix.shape[-1] - x.shape[-1]))
        return x.reshape(x.shape[0], self.sources, 2, -1)


def main(out):
    torch.manual_seed(0)
    cap = os.path.join(out, "captioner-base")
    if not os.path.exists(os.path.join(cap, "model.json")):
        make_captioner(cap)
    # Optimum-style int8 graphs beside the float ones, for bench:inference's `cpu int8` row.
    if not os.path.exists(os.path.join(cap, "encoder_model_quantized.onnx")):
        add_quantized(cap)
    sep = os.path.join(out, "separator-bench")
    if not os.path.exists(os.path.join(sep, "model.json")):
        make_separator(sep)


def make_captioner(cap):
    os.makedirs(cap, exist_ok=True)
    fx.D, fx.H, fx.DH, fx.LAYERS, fx.ENC_S = 768, 12, 64, 6, 1214
    enc = ASTBase().eval()
    tok, tok_config, vocab = fx.build_tokenizer()
    fx.export_captioner(cap, encoder=enc, tokenizer=(tok, tok_config, 50265))
    with open(os.path.join(cap, "model.json")) as f:
        manifest = json.load(f)
    manifest.update(name="captioner-base", version="0.0.0", description="benchmark-sized random captioner")
    with open(os.path.join(cap, "model.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("captioner-base written (tokenizer vocabulary", vocab, "padded to 50265)")


def make_separator(sep):
    os.makedirs(sep, exist_ok=True)
    L = 343980
    torch.onnx.export(UNetSeparator().eval(), (torch.randn(1, 2, L),), f"{sep}/separator.onnx", input_names=["mix"], output_names=["stems"], opset_version=OPSET)
    write_manifest(sep, {"name": "separator-bench", "version": "0.0.0", "roles": ["separator"], "fixture": True,
                            "description": "benchmark-sized random separator", "sources": ["scripts/make-bench-models.py"],
                            "separator": {"kind": "waveform", "model": "separator.onnx", "sampleRate": 44100, "channels": 2, "segmentSamples": L,
                                          "sources": ["drums", "bass", "other", "vocals"], "inputs": {"waveform": "mix"}, "outputs": {"stems": "stems"}}})
    print("separator-bench written")


if __name__ == "__main__":
    main(sys.argv[1])
