"""add_quantized: the int8 counterparts Optimum's dynamic quantizer writes (*_quantized.onnx,
MatMulInteger; scripts/onnx_int8.py says why that quantizer is hand-written) beside a captioner
pack's float graphs, listed in its model.json under captioner.quantized."""
import json
import os

import onnx

from onnx_int8 import count_ops, quantize_dynamic_int8
from s2cap_train.data import sha256_file

QUANTIZED = {"encoder": "encoder_model.onnx", "decoderMerged": "decoder_model_merged.onnx", "decoder": "decoder_model.onnx",
             "decoderWithPast": "decoder_with_past_model.onnx"}


def add_quantized(folder):
    """Writes <name>_quantized.onnx beside each float graph of a captioner pack, and lists them in
    its model.json (files with their sha256, captioner.quantized), changing nothing else."""
    with open(os.path.join(folder, "model.json")) as f:
        manifest = json.load(f)
    quantized = {}
    for role, name in QUANTIZED.items():
        if manifest["captioner"].get(role) != name:
            continue
        out = name.replace(".onnx", "_quantized.onnx")
        q = quantize_dynamic_int8(onnx.load(os.path.join(folder, name)))
        onnx.save(q, os.path.join(folder, out))
        print(f"{out}: {count_ops(q, 'MatMulInteger')} MatMulInteger")
        manifest["files"][out] = {"sha256": sha256_file(os.path.join(folder, out))}
        quantized[role] = out
    manifest["files"] = dict(sorted(manifest["files"].items()))
    manifest["captioner"]["quantized"] = quantized
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump(manifest, f, indent=1)
