"""`export`: a trained run → a studio model pack (DESIGN.md "Model packs"): encoder_model.onnx
(S2CapModel.encode_audio: AST with eager attention + audio_projection, input_values [B,1024,128] →
last_hidden_state [B,S,d_model]), decoder_model.onnx + decoder_with_past_model.onnx in Hugging Face
Optimum's layout with a KV cache (the tensor names scripts/make-fixture-packs.py uses and
src/core/inference/packs/contract.ts checks), tokenizer.json, tokenizer_config.json,
generation_config.json, config.json and model.json (files with sha256, and a `training` section:
data manifest hash, validation metrics, epochs, recipe). With quantize, the int8 counterparts
(*_quantized.onnx, scripts/onnx_int8.py) too.

No merged decoder: the studio runs the split pair when a pack has it (a merged graph passes the
whole cross-attention cache in and out each step), and merging the two graphs without Optimum
would store every decoder weight twice. The pack is written into a temporary folder beside
PACK_DIR, fsynced, and renamed into place, so a failed export leaves nothing half-written."""
from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import sys
import time
import uuid
from typing import Optional

import torch
from torch import nn

from .data import sha256_file
from .fsutil import fsync_dir
from .runs import Run, load_run
from .tokenizer import BART_CONFIG

OPSET = 14
RECIPE = "S2Cap AST+BART, CRESCENDO + demixing KL"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # model.json's rules (packs/manifest.ts)
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+_-]{0,31}$")
SCRIPTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "scripts")


def kv_names(prefix: str, layers: int, with_encoder: bool = True) -> list[str]:
    """Optimum's cache tensor names: {prefix}.{i}.decoder.{key,value}[, .encoder.{key,value}]."""
    names = []
    for i in range(layers):
        names += [f"{prefix}.{i}.decoder.key", f"{prefix}.{i}.decoder.value"]
        if with_encoder:
            names += [f"{prefix}.{i}.encoder.key", f"{prefix}.{i}.encoder.value"]
    return names


def decoder_io(layers: int) -> dict[str, tuple[list[str], list[str], dict]]:
    """(input names, output names, dynamic axes) of decoder_model.onnx ("decoder": no cache in,
    every layer's self and cross cache out) and decoder_with_past_model.onnx ("decoderWithPast":
    the cache in, the grown self cache out), in Optimum's layout. scripts/make-fixture-packs.py
    exports the fixture pack's decoders with these too."""
    def cache_axes(names: list[str], self_len: str) -> dict:
        return {n: {0: "batch_size", 2: self_len if ".decoder." in n else "encoder_sequence_length_out"} for n in names}
    present, past = kv_names("present", layers), kv_names("past_key_values", layers)
    self_present = kv_names("present", layers, with_encoder=False)
    first = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
             "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
             "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
             "logits": {0: "batch_size", 1: "decoder_sequence_length"},
             **cache_axes(present, "past_decoder_sequence_length + 1")}
    later = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
             "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
             "logits": {0: "batch_size", 1: "decoder_sequence_length"},
             **cache_axes(past, "past_decoder_sequence_length"), **cache_axes(self_present, "past_decoder_sequence_length + 1")}
    return {"decoder": (["input_ids", "encoder_attention_mask", "encoder_hidden_states"], ["logits"] + present, first),
            "decoderWithPast": (["input_ids", "encoder_attention_mask"] + past, ["logits"] + self_present, later)}


class EncoderGraph(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_values):
        return self.model.encode_audio(input_values)


class DecoderGraph(nn.Module):
    """First step: no cache in; logits and every layer's self and cross cache out."""

    def __init__(self, bart):
        super().__init__()
        self.bart = bart

    def forward(self, input_ids, encoder_attention_mask, encoder_hidden_states):
        logits, cache = self.bart.decode(input_ids, encoder_hidden_states, encoder_attention_mask, None, use_cache=True)
        return (logits, *[t for layer in cache for t in layer])


class DecoderWithPastGraph(nn.Module):
    """Later steps: the cache in (cross-attention keys/values from the first step), logits and the
    grown self-attention cache out (the cross cache never changes, so it is not returned)."""

    def __init__(self, bart, layers: int):
        super().__init__()
        self.bart, self.layers = bart, layers

    def forward(self, input_ids, encoder_attention_mask, *past):
        cache = [tuple(past[4 * i:4 * i + 4]) for i in range(self.layers)]
        # with a cache, decode() reads the cross-attention keys/values from it, not encoder states
        logits, new = self.bart.decode(input_ids, None, encoder_attention_mask, cache, use_cache=True)
        return (logits, *[t for layer in new for t in layer[:2]])


def _onnx_export(module: nn.Module, args: tuple, path: str, inputs: list[str], outputs: list[str], dynamic: dict) -> None:
    """torch.onnx.export with the TorchScript exporter on every torch (2.x's dynamo exporter is
    opt-in before 2.9 and the default after; its graphs differ)."""
    kwargs = dict(input_names=inputs, output_names=outputs, dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True)
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    with torch.no_grad():
        torch.onnx.export(module, args, path, **kwargs)


def export_graphs(model, folder: str) -> dict[str, str]:
    """Writes the three ONNX graphs of `model` (an S2CapModel in eval mode) into folder."""
    dec_cfg = model.cfg.decoder
    layers = dec_cfg.decoder_layers
    model.eval()
    # Example sizes all distinct (batch 2, 3 tokens, S encoder states), so no size is mistaken for another.
    feats = torch.randn(2, model.cfg.encoder.max_length, model.cfg.encoder.num_mel_bins, generator=torch.Generator().manual_seed(0))
    _onnx_export(EncoderGraph(model), (feats,), os.path.join(folder, "encoder_model.onnx"), ["input_values"], ["last_hidden_state"],
                 {"input_values": {0: "batch_size"}, "last_hidden_state": {0: "batch_size", 1: "encoder_sequence_length"}})
    with torch.no_grad():
        hidden = model.encode_audio(feats)
    ids = torch.tensor([[dec_cfg.decoder_start_token_id, dec_cfg.bos_token_id, 5]] * 2, dtype=torch.int64) % dec_cfg.vocab_size
    mask = torch.ones(2, hidden.shape[1], dtype=torch.int64)
    io = decoder_io(layers)
    first = DecoderGraph(model.bart)
    _onnx_export(first, (ids, mask, hidden), os.path.join(folder, "decoder_model.onnx"), *io["decoder"])
    with torch.no_grad():
        past = list(first(ids, mask, hidden)[1:])
    _onnx_export(DecoderWithPastGraph(model.bart, layers), (ids[:, -1:], mask, *past),
                 os.path.join(folder, "decoder_with_past_model.onnx"), *io["decoderWithPast"])
    return {"encoder": "encoder_model.onnx", "decoder": "decoder_model.onnx", "decoderWithPast": "decoder_with_past_model.onnx"}


def quantize_graphs(folder: str, graphs: dict[str, str]) -> dict[str, str]:
    """int8 counterparts (dynamic MatMulInteger, as Optimum's quantizer writes them) of each graph."""
    if SCRIPTS not in sys.path:
        sys.path.insert(0, SCRIPTS)
    try:
        from onnx_int8 import quantize_dynamic_int8
    except ImportError as e:
        raise ValueError(f"--quantize needs {os.path.join(SCRIPTS, 'onnx_int8.py')} and the onnx package ({e})") from e
    import onnx
    out = {}
    for role, name in graphs.items():
        qname = name.replace(".onnx", "_quantized.onnx")
        onnx.save(quantize_dynamic_int8(onnx.load(os.path.join(folder, name))), os.path.join(folder, qname))
        out[role] = qname
    return out


def generation_config(run: Run) -> dict:
    g, d = run.cfg.generation, run.cfg.decoder
    out = {"decoder_start_token_id": d.decoder_start_token_id, "bos_token_id": d.bos_token_id, "eos_token_id": d.eos_token_id,
           "pad_token_id": d.pad_token_id}
    if d.forced_bos_token_id is not None:
        out["forced_bos_token_id"] = d.forced_bos_token_id
    out.update({"num_beams": g.num_beams, "max_length": g.max_length, "min_length": g.min_length,
                "no_repeat_ngram_size": g.no_repeat_ngram_size, "length_penalty": g.length_penalty, "early_stopping": g.early_stopping})
    return out


def model_config(run: Run) -> dict:
    """config.json as Optimum's folders carry it (BART's names), the audio encoder's sizes beside."""
    cfg = run.cfg.to_dict()
    return {"model_type": "bart", "architectures": ["S2CapModel"], "is_encoder_decoder": True, **cfg["decoder"],
            "audio_encoder": {"model_type": "audio-spectrogram-transformer", **cfg["encoder"]},
            "audio_projection": [run.cfg.encoder.hidden_size, run.cfg.decoder.d_model]}


def training_section(run: Run) -> dict:
    """Where the weights came from, as train.py records it: the export's manifest sha256, the
    validation metrics of the exported weights (best.pt carries them; last.pt's are its final
    epoch's, when that epoch was evaluated), the epochs trained per stage, the recipe."""
    info, ck = run.info, run.checkpoint
    data = info.get("data") if isinstance(info.get("data"), dict) else {}
    best_like = "history" not in ck  # best.pt: {model, stage (1-based), epoch, step, metric, value, metrics, data_fingerprint}
    if best_like:
        metrics, stage, epoch, step = ck.get("metrics"), ck.get("stage"), ck.get("epoch"), ck.get("step")
    else:  # last.pt: stage 0-based, history of every epoch
        last = (ck.get("history") or [{}])[-1]
        metrics, stage, epoch, step = last.get("metrics"), last.get("stage"), last.get("epoch"), ck.get("global_step")
    history = [h for h in (info.get("history") or ck.get("history") or []) if isinstance(h, dict)]
    if isinstance(step, int):
        history = [h for h in history if isinstance(h.get("step"), int) and h["step"] <= step]
    t = run.cfg.train
    return {
        "recipe": RECIPE,
        "data": {"manifestSha256": ck.get("data_fingerprint") or data.get("fingerprint"), "clips": data.get("counts")},
        "checkpoint": {"file": os.path.basename(run.checkpoint_path), "stage": stage, "epoch": epoch, "step": step},
        "epochs": {"stage1": sum(1 for h in history if h.get("stage") == 1), "stage2": sum(1 for h in history if h.get("stage") == 2)},
        "plannedEpochs": {"stage1": t.stage1.epochs, "stage2": t.stage2.epochs},
        "metrics": {"split": "validation", **{k: float(v) for k, v in (metrics or {}).items() if isinstance(v, (int, float))}},
        "selectMetric": t.select_metric,
    }


def _write_json(path: str, value) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, ensure_ascii=False)
        f.write("\n")


def _fsync_file(path: str) -> None:
    """fsync a file written by another writer (torch.onnx.export, onnx.save, shutil); opened for
    writing, which Windows' FlushFileBuffers requires."""
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def default_name(run: Run) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", os.path.basename(os.path.abspath(run.dir))).strip("-._") or "run"
    return ("s2cap-" + base)[:64]


def export(run_dir: str, out_dir: str, name: Optional[str] = None, version: Optional[str] = None, quantize: bool = False,
           checkpoint: Optional[str] = None, license: Optional[str] = None) -> dict:
    """Writes the pack of RUN_DIR's best (else last) checkpoint to OUT_DIR (which must not exist,
    or be an empty folder); returns {pack, name, version, files, bytes, seconds}."""
    t0 = time.perf_counter()
    out_dir = os.path.abspath(out_dir)
    if os.path.exists(out_dir) and (not os.path.isdir(out_dir) or os.listdir(out_dir)):
        raise ValueError(f"{out_dir}: already exists (give a new folder for the pack)")
    run = load_run(run_dir, checkpoint)
    name = name or default_name(run)
    if not NAME_RE.match(name):
        raise ValueError(f"--name {name!r}: letters, digits, . _ - (at most 64, starting with a letter or digit)")
    version = version or "1.0.0+" + sha256_file(run.checkpoint_path)[:8]
    if not VERSION_RE.match(version):
        raise ValueError(f"--version {version!r}: letters, digits, . + _ - (at most 32, starting with a letter or digit)")
    parent = os.path.dirname(out_dir)
    os.makedirs(parent, exist_ok=True)
    tmp = os.path.join(parent, f".{os.path.basename(out_dir)}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    os.mkdir(tmp)
    try:
        graphs = export_graphs(run.model, tmp)
        quantized = quantize_graphs(tmp, graphs) if quantize else {}
        shutil.copyfile(run.tokenizer_path, os.path.join(tmp, "tokenizer.json"))
        tok_config = os.path.join(run.dir, "tokenizer_config.json")
        if os.path.isfile(tok_config):
            shutil.copyfile(tok_config, os.path.join(tmp, "tokenizer_config.json"))
        else:
            _write_json(os.path.join(tmp, "tokenizer_config.json"), BART_CONFIG)  # the defaults its tokenizer decoded with
        _write_json(os.path.join(tmp, "generation_config.json"), generation_config(run))
        _write_json(os.path.join(tmp, "config.json"), model_config(run))
        files = {}
        for f in sorted(os.listdir(tmp)):
            files[f] = {"sha256": sha256_file(os.path.join(tmp, f))}
        captioner = {"sampleRate": 16000, **graphs, "tokenizer": "tokenizer.json", "tokenizerConfig": "tokenizer_config.json",
                     "generationConfig": "generation_config.json"}
        if quantized:
            captioner["quantized"] = quantized
        sources = ["training/s2cap_train (S2Cap recipe, arXiv 2409.09866)"]
        init = run.info.get("init") if isinstance(run.info.get("init"), dict) else {}
        sources += [f"initial {k} weights: {os.path.basename(os.path.normpath(v))}" for k, v in init.items() if v]
        manifest = {
            "format": 1, "name": name, "version": version, "roles": ["captioner"], "fixture": False,
            "license": license or "unspecified (the training data's and the initial weights' licenses apply)",
            "description": f"S2Cap captioner (AST encoder + BART decoder) retrained with `python -m s2cap_train fit`; "
                           f"weights from {os.path.basename(run.checkpoint_path)}.",
            "sources": sources, "captioner": captioner, "files": files, "training": training_section(run),
        }
        _write_json(os.path.join(tmp, "model.json"), manifest)
        for f in os.listdir(tmp):
            _fsync_file(os.path.join(tmp, f))
        fsync_dir(tmp)
        os.rename(tmp, out_dir)
        fsync_dir(parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    size = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir))
    return {"pack": out_dir, "name": name, "version": version, "id": f"{name}@{version}", "files": sorted(os.listdir(out_dir)),
            "bytes": size, "seconds": round(time.perf_counter() - t0, 3)}
