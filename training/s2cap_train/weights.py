"""Loads Hugging Face checkpoints from local folders (config.json + model.safetensors or
pytorch_model.bin, or their sharded *.index.json forms) into our modules by parameter name, with
no `transformers` and no `safetensors` package (the safetensors format is an 8-byte header
length, a JSON header and raw little-endian tensors; reading it is a few lines, and the package
is not in Debian). Loading is strict: a missing or mis-shaped weight is a one-line ValueError
naming the folder and the keys; keys we do not use (AST's classifier, BART's `*.version`,
classification heads) are ignored and reported in the returned notes."""
from __future__ import annotations

import dataclasses
import json
import math
import os
from typing import Any

import torch

from .config import DecoderConfig, EncoderConfig, read_json_object
from .models.ast import ASTEncoder
from .models.bart import BartForConditionalGeneration
from .models.captioner import S2CapModel

_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
}
AST_PREFIX = "audio_spectrogram_transformer."
# BART's encoder/decoder embeddings and lm_head are the shared embedding (tied, as HF saves them).
_BART_TIED = ("model.shared.weight", "model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight")


def read_safetensors(path: str) -> dict[str, torch.Tensor]:
    """Every tensor of a .safetensors file, on the CPU; a ValueError naming the file when it is malformed.
    The data is read once into one buffer, and each tensor copied out of it once."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            head = f.read(8)
            if len(head) < 8:
                raise ValueError(f"{path}: not a safetensors file (shorter than its 8-byte header length)")
            n = int.from_bytes(head, "little")
            if n > size - 8:
                raise ValueError(f"{path}: not a safetensors file (header length {n} exceeds the file)")
            header_bytes = f.read(n)
            body = bytearray(size - 8 - n)  # writable, so torch.frombuffer shares it without warnings
            got = f.readinto(body)
    except OSError as e:
        raise ValueError(f"{path}: cannot read: {e}") from e
    if len(header_bytes) != n or got != len(body):
        raise ValueError(f"{path}: the file changed size while it was read")
    try:
        header = json.loads(header_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: unreadable safetensors header: {e}") from e
    if not isinstance(header, dict):
        raise ValueError(f"{path}: the safetensors header is not a JSON object")
    out: dict[str, torch.Tensor] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype = _DTYPES[info["dtype"]]
            shape = [int(s) for s in info["shape"]]
            begin, end = (int(o) for o in info["data_offsets"])
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"{path}: tensor {name!r}: bad header entry {info!r}") from e
        count = math.prod(shape)
        nbytes = count * torch.empty((), dtype=dtype).element_size()
        if not 0 <= begin <= end <= len(body) or end - begin != nbytes:
            raise ValueError(f"{path}: tensor {name!r}: data_offsets {begin}..{end} do not hold "
                             f"{info['dtype']} {shape} ({nbytes} bytes) within {len(body)} bytes of data")
        if count == 0:
            out[name] = torch.empty(shape, dtype=dtype)
        else:
            out[name] = torch.frombuffer(body, dtype=dtype, count=count, offset=begin).reshape(shape).clone()
    return out


def _torch_load(path: str) -> dict[str, torch.Tensor]:
    try:
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except TypeError:  # a torch without weights_only
            state = torch.load(path, map_location="cpu")
    except Exception as e:  # pickle, zip and torch errors alike: the file is not a state dict we can read
        raise ValueError(f"{path}: cannot load: {e}") from e
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError(f"{path}: not a state dict of tensors")
    return state


def _read_weights(folder: str) -> dict[str, torch.Tensor]:
    for name, reader in (("model.safetensors", read_safetensors), ("pytorch_model.bin", _torch_load)):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return reader(path)
        index = path + ".index.json"
        if os.path.isfile(index):
            weight_map = read_json_object(index, "the shard index").get("weight_map")
            if not isinstance(weight_map, dict) or not all(isinstance(v, str) for v in weight_map.values()):
                raise ValueError(f"{index}: the shard index has no weight_map object of weight → shard file names")
            shards = sorted(set(weight_map.values()))
            state: dict[str, torch.Tensor] = {}
            for shard in shards:
                state.update(reader(os.path.join(folder, shard)))
            return state
    raise ValueError(f"{folder}: no model.safetensors or pytorch_model.bin (a Hugging Face checkpoint folder has one)")


def load_checkpoint_folder(folder: str) -> tuple[dict, dict[str, torch.Tensor]]:
    """(config.json as a dict, state dict) from FOLDER; a clear ValueError naming the folder when
    neither weight file is there or the config is missing."""
    if not os.path.isdir(folder):
        raise ValueError(f"{folder}: not a folder")
    cfg_path = os.path.join(folder, "config.json")
    if not os.path.isfile(cfg_path):
        raise ValueError(f"{folder}: no config.json (a Hugging Face checkpoint folder has one)")
    config = read_json_object(cfg_path, "the checkpoint's config")
    return config, _read_weights(folder)


def _fields(cls: Any, hf: dict, where: str, checks: dict[str, Any]) -> dict[str, Any]:
    for key, want in checks.items():
        if key in hf and hf[key] != want:
            raise ValueError(f"{where}: {key}={hf[key]!r} is not supported (this BART/AST expects {want!r})")
    nullable = {"forced_bos_token_id"}
    return {f.name: hf[f.name] for f in dataclasses.fields(cls)
            if f.name in hf and (hf[f.name] is not None or f.name in nullable)}


def encoder_config_from_hf(hf: dict, where: str = "config.json") -> EncoderConfig:
    """ASTConfig's config.json → EncoderConfig (same names; absent fields take ASTConfig's defaults)."""
    return EncoderConfig(**_fields(EncoderConfig, hf, where, {"qkv_bias": True}))


def decoder_config_from_hf(hf: dict, where: str = "config.json") -> DecoderConfig:
    """BartConfig's config.json → DecoderConfig. Rejects the mBART-style variants (pre-LayerNorm,
    final layer norms) and untied lm_heads, which these modules do not implement."""
    return DecoderConfig(**_fields(DecoderConfig, hf, where, {
        "normalize_before": False, "add_final_layer_norm": False, "add_bias_logits": False,
        "tie_word_embeddings": True, "static_position_embeddings": False, "normalize_embedding": True}))


def _architecture(cfg: Any) -> dict[str, Any]:
    # dropout and token ids do not shape the weights; a run may set them as it likes
    skip = {"dropout", "attention_dropout", "activation_dropout", "hidden_dropout_prob", "attention_probs_dropout_prob",
            "pad_token_id", "bos_token_id", "eos_token_id", "decoder_start_token_id", "forced_bos_token_id"}
    return {k: v for k, v in dataclasses.asdict(cfg).items() if k not in skip}


def _check_config(model_cfg: Any, folder_cfg: Any, folder: str) -> None:
    ours, theirs = _architecture(model_cfg), _architecture(folder_cfg)
    diff = [f"{k}: model {ours[k]!r}, folder {theirs[k]!r}" for k in ours if ours[k] != theirs[k]]
    if diff:
        raise ValueError(f"{folder}: config.json does not match the model's configuration ({'; '.join(diff)})")


def load_into(module: torch.nn.Module, state: dict[str, torch.Tensor], folder: str) -> None:
    """Copies `state` into `module` by name: every parameter and buffer must be there with its shape."""
    own = module.state_dict()
    missing = sorted(k for k in own if k not in state)
    shapes = sorted(f"{k} {list(state[k].shape)} ≠ {list(own[k].shape)}" for k in own
                    if k in state and state[k].shape != own[k].shape)
    if missing or shapes:
        parts = ([f"missing {len(missing)} weights: {', '.join(missing[:8])}{' …' if len(missing) > 8 else ''}"]
                 if missing else []) + ([f"mis-shaped: {', '.join(shapes[:8])}{' …' if len(shapes) > 8 else ''}"]
                                        if shapes else [])
        raise ValueError(f"{folder}: checkpoint does not fit the model ({'; '.join(parts)})")
    with torch.no_grad():
        for k, t in own.items():
            t.copy_(state[k].to(t.dtype))


def _ast_state(state: dict[str, torch.Tensor], own_keys: set) -> tuple[dict[str, torch.Tensor], list[str]]:
    """An ASTModel / ASTForAudioClassification state dict → ASTEncoder's keys, and notes."""
    mapped: dict[str, torch.Tensor] = {}
    for k, t in state.items():
        mapped[k[len(AST_PREFIX):] if k.startswith(AST_PREFIX) else k] = t
    ignored = sorted(k for k in mapped if k not in own_keys)
    notes = [f"ignored {len(ignored)} AST weights the encoder does not use: {', '.join(ignored)}"] if ignored else []
    return {k: t for k, t in mapped.items() if k in own_keys}, notes


def _bart_state(state: dict[str, torch.Tensor], own_keys: set) -> tuple[dict[str, torch.Tensor], list[str]]:
    """A BartForConditionalGeneration / BartModel state dict → our keys (tied embeddings filled
    from whichever alias the file holds, final_logits_bias zero when absent), and notes."""
    mapped = {(k if k.startswith("model.") or k in ("lm_head.weight", "final_logits_bias") else "model." + k): t
              for k, t in state.items()}
    notes: list[str] = []
    shared = next((mapped[k] for k in _BART_TIED + ("lm_head.weight",) if k in mapped), None)
    if shared is not None:
        for k in _BART_TIED:
            mapped.setdefault(k, shared)
        if "lm_head.weight" not in mapped:
            notes.append("lm_head.weight tied to model.shared.weight")
        mapped["lm_head.weight"] = mapped["model.shared.weight"]
    if "final_logits_bias" not in mapped and "model.shared.weight" in mapped:
        mapped["final_logits_bias"] = torch.zeros(1, mapped["model.shared.weight"].shape[0])
        notes.append("final_logits_bias absent: zeros")
    ignored = sorted(k for k in mapped if k not in own_keys)
    if ignored:
        notes.append(f"ignored {len(ignored)} BART weights the model does not use: {', '.join(ignored)}")
    return {k: t for k, t in mapped.items() if k in own_keys}, notes


def load_ast(encoder: ASTEncoder, config: dict, state: dict[str, torch.Tensor], where: str) -> list[str]:
    """An AST checkpoint (its config.json as a dict, its state dict) into `encoder`: the config must
    describe the encoder's architecture, the prefix `audio_spectrogram_transformer.` is stripped and
    the classifier ignored; returns notes. WHERE names the checkpoint in errors."""
    _check_config(encoder.cfg, encoder_config_from_hf(config, os.path.join(where, "config.json")), where)
    mapped, notes = _ast_state(state, set(encoder.state_dict()))
    load_into(encoder, mapped, where)
    return notes


def load_bart(bart: BartForConditionalGeneration, config: dict, state: dict[str, torch.Tensor], where: str) -> list[str]:
    """A BART checkpoint into `bart`, as load_ast (BartModel keys gain `model.`; lm_head tied to
    model.shared when absent)."""
    _check_config(bart.cfg, decoder_config_from_hf(config, os.path.join(where, "config.json")), where)
    mapped, notes = _bart_state(state, set(bart.state_dict()))
    load_into(bart, mapped, where)
    return notes


def init_encoder(model: S2CapModel, folder: str) -> list[str]:
    """Loads the AST checkpoint folder into model.encoder (load_ast); returns notes (ignored keys).
    Missing or mis-shaped weights: ValueError."""
    return load_ast(model.encoder, *load_checkpoint_folder(folder), folder)


def init_decoder(model: S2CapModel, folder: str) -> list[str]:
    """Loads the BART checkpoint folder into model.bart (load_bart); returns notes.
    Missing or mis-shaped weights: ValueError."""
    return load_bart(model.bart, *load_checkpoint_folder(folder), folder)
