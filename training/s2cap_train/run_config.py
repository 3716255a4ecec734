"""How a run's config is checked, resolved and compared: model sizes from the --init folders'
config.json, vocabulary and special ids from the tokenizer (the captions' own byte-level BPE, or
the --init-decoder folder's tokenizer.json), settings that make no sense rejected before any work,
and a resume refused when the recipe changed (only run-control settings such as max_steps may)."""
from __future__ import annotations

import dataclasses
import json
import os
from typing import Any, Optional

from .config import Config, StageConfig, read_json_object
from .data import Example
from .tokenizer import ByteLevelBPE
from .weights import decoder_config_from_hf, encoder_config_from_hf

STAGES = ("stage1", "stage2")
METRICS = ("bleu_4", "rouge_l", "cider_d")
# TrainConfig fields that steer a run without changing what it computes: a resume may change them.
RUN_CONTROL = ("max_steps", "num_workers", "log_every_steps", "feature_cache_items", "disk_cache", "feature_cache_dir")


def check_config(cfg: Config) -> None:
    t = cfg.train
    if t.select_metric not in METRICS:
        raise ValueError(f"config train.select_metric: {t.select_metric!r} is not one of {', '.join(METRICS)}")
    if t.scheduler not in ("linear", "constant"):
        raise ValueError(f"config train.scheduler: {t.scheduler!r} is not linear or constant")
    if t.batch_size < 1 or t.eval_every_epochs < 1 or t.max_steps < 0 or t.warmup_steps < 0:
        raise ValueError("config train: batch_size and eval_every_epochs must be ≥ 1, max_steps and warmup_steps ≥ 0")
    # each would otherwise fail (or train wrongly) only once a stage reaches it
    if not t.kl_temperature > 0:
        raise ValueError(f"config train.kl_temperature: must be > 0, got {t.kl_temperature}")
    if t.grad_clip < 0:
        raise ValueError(f"config train.grad_clip: must be ≥ 0 (0: no clipping), got {t.grad_clip}")
    if t.max_caption_tokens < 2:
        raise ValueError(f"config train.max_caption_tokens: must be ≥ 2 (<s> and </s> count), got {t.max_caption_tokens}")
    for name in STAGES:
        s: StageConfig = getattr(t, name)
        if s.train not in ("encoder", "all"):
            raise ValueError(f"config train.{name}.train: {s.train!r} is not encoder or all")
        if s.epochs < 0 or s.lr <= 0 or min(s.ce_weight, s.crescendo_weight, s.kl_weight) < 0:
            raise ValueError(f"config train.{name}: epochs must be ≥ 0, lr > 0 and loss weights ≥ 0")
        if s.epochs and not (s.ce_weight or s.crescendo_weight or s.kl_weight):
            raise ValueError(f"config train.{name}: every loss weight is 0, so the stage trains nothing")
    if not any(getattr(t, n).epochs for n in STAGES):
        raise ValueError("config train: both stages have 0 epochs")


# training-time settings: the run's config keeps its own (a checkpoint's config.json describes the model)
TRAINING_ONLY = ("dropout", "attention_dropout", "activation_dropout", "hidden_dropout_prob",
                 "attention_probs_dropout_prob")


def _from_folder(folder_cfg: Any, run_cfg: Any) -> Any:
    """The folder's model config with the run's dropout settings."""
    return dataclasses.replace(folder_cfg, **{k: getattr(run_cfg, k) for k in TRAINING_ONLY if hasattr(run_cfg, k)})


def resolve_config(cfg: Config, tok: ByteLevelBPE, init_encoder: Optional[str], init_decoder: Optional[str]) -> Config:
    """Model sizes and token ids from the --init folders' config.json (as weights.py reads them, so
    the loaded weights fit), vocabulary and special ids from the tokenizer otherwise."""
    enc = cfg.encoder
    if init_encoder:
        path = os.path.join(init_encoder, "config.json")
        enc = _from_folder(encoder_config_from_hf(read_json_object(path, "the checkpoint's config"), path), cfg.encoder)
    if init_decoder:
        path = os.path.join(init_decoder, "config.json")
        dec = _from_folder(decoder_config_from_hf(read_json_object(path, "the checkpoint's config"), path), cfg.decoder)
        if tok.vocab_size > dec.vocab_size:
            raise ValueError(f"{init_decoder}: tokenizer.json has {tok.vocab_size} tokens, the model only {dec.vocab_size}")
    else:
        ids = {k: v for k, v in (("pad_token_id", tok.pad_token_id), ("bos_token_id", tok.bos_token_id),
                                 ("eos_token_id", tok.eos_token_id), ("decoder_start_token_id", tok.eos_token_id),
                                 ("forced_bos_token_id", tok.bos_token_id)) if v is not None}
        dec = dataclasses.replace(cfg.decoder, vocab_size=tok.vocab_size, **ids)
    return dataclasses.replace(cfg, encoder=enc, decoder=dec)


def comparable(cfg_dict: dict) -> dict:
    d = json.loads(json.dumps(cfg_dict))
    for k in RUN_CONTROL:
        d["train"].pop(k, None)
    return d


def first_difference(a: Any, b: Any, where: str = "") -> Optional[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            diff = first_difference(a.get(k), b.get(k), f"{where}.{k}" if where else k)
            if diff:
                return diff
        return None
    return None if a == b else f"{where} was {json.dumps(a)}, now {json.dumps(b)}"


def make_tokenizer(train: list[Example], cfg: Config, init_decoder: Optional[str]) -> ByteLevelBPE:
    if init_decoder:
        path = os.path.join(init_decoder, "tokenizer.json")
        if not os.path.isfile(path):
            raise ValueError(f"{init_decoder}: no tokenizer.json "
                             "(the BART checkpoint's tokenizer is needed with --init-decoder)")
        return ByteLevelBPE.from_file(path)
    return ByteLevelBPE.build([ex.caption for ex in train], vocab_size=cfg.train.tokenizer_vocab_size)
