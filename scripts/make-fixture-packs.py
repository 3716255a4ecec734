#!/usr/bin/python3
"""Builds the tiny ONNX model packs the tests use (test/fixtures/packs) and the AST feature
reference vectors (test/fixtures/features), with Debian's python3-torch 1.13, python3-onnx 1.12
and python3-torchaudio 0.13 (apt-get install python3-torch python3-onnx python3-torchaudio).

Packs have random (seeded) or hand-set weights but exactly the tensor names and layouts of real
exports, so the studio's loading code is the same code that loads a user's model:
- tiny-captioner: an AST-shaped encoder and a 2-layer BART-shaped decoder in Hugging Face
  Optimum's layout (encoder_model.onnx, decoder_model.onnx + decoder_with_past_model.onnx, and
  decoder_model_merged.onnx with use_cache_branch), a byte-level BPE tokenizer.json, and
  generation_config.json. Marked "fixture": never offered to users as a model. Plus the int8
  counterparts Optimum's quantizer writes (*_quantized.onnx, dynamic MatMulInteger; see
  scripts/onnx_int8.py for why that quantizer is hand-written), listed under captioner.quantized.
- identity-separator: a Demucs-style waveform export, mix [1,2,L] -> stems [1,2,2,L], whose
  "vocals" stem is the input and "accompaniment" silence, to check chunking reconstructs input.
- passthrough-htdemucs: the two-branch htdemucs export layout (waveform [1,2,343980] and
  complex-as-channels spectrogram [1,4,2048,336] in; frequency and time branches out) that
  passes the spectrogram through for stem 0, to check the STFT/iSTFT around the graph.

The code for each lives in scripts/fixture_packs/ (a module per kind of fixture); this is the
command line.

Run: npm run fixtures:packs
     /usr/bin/python3 scripts/make-fixture-packs.py quantized   # only (re)write the int8 files from
     the float graphs already there, leaving every other fixture file byte for byte as it is
"""
import os
import sys

import torch

from fixture_packs import PACKS
from fixture_packs.captioner import export_captioner
from fixture_packs.features import ast_reference
from fixture_packs.quantized import add_quantized
from fixture_packs.separators import export_separators

if __name__ == "__main__":
    only = sys.argv[1:]
    if not only or "packs" in only:
        torch.manual_seed(1234)
        export_captioner(os.path.join(PACKS, "tiny-captioner"))
        add_quantized(os.path.join(PACKS, "tiny-captioner"))
        export_separators()
    if "quantized" in only:
        add_quantized(os.path.join(PACKS, "tiny-captioner"))
    if not only or "features" in only:
        ast_reference()
    print("fixture packs written to", PACKS)
