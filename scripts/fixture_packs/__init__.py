"""The pieces of scripts/make-fixture-packs.py (which says what each fixture is for), one module
per kind of fixture, so the entry script stays a short command line and scripts/make-bench-models.py
can build its benchmark-sized packs from the same code:
- tokenizer: the byte-level BPE tokenizer.json of the tiny captioner;
- captioner: the AST-shaped encoder and BART-shaped decoder in Optimum's ONNX layout;
- quantized: the int8 *_quantized.onnx copies beside a captioner's float graphs;
- separators: the identity waveform and pass-through htdemucs separators;
- features: the AST feature reference vectors;
- manifest: a pack's model.json with the sha256 of every file.
Here: where fixtures go, the ONNX opset, and the training recipe (training/s2cap_train) on the
import path, which is the one home of GPT-2's byte table (byte_level.py), Optimum's decoder
tensor names and dynamic axes (export_pack.py) and the sha256 of a file (data.py)."""
import os
import sys

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.join(SCRIPTS, "..")
PACKS = os.path.join(ROOT, "test", "fixtures", "packs")
FEATURES = os.path.join(ROOT, "test", "fixtures", "features")
OPSET = 14

sys.path.insert(0, os.path.join(SCRIPTS, "..", "training"))
if SCRIPTS not in sys.path:  # onnx_int8.py, when this package is imported from elsewhere
    sys.path.insert(1, SCRIPTS)
