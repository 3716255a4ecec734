"""`fit`: both stages of the recipe over an export, evaluation each epoch, best and last
checkpoints, resume after an interruption.

Stage 1 (CRESCENDO) trains AST + audio_projection only when its `train` is "encoder": BART is
frozen and in eval mode, its encoder embedding the captions as the fixed target. Stage 2 trains
every parameter with cross-entropy + the demixing KL (skipped, with a note, when the export has no
vocal stems). Each stage has its own AdamW and learning-rate schedule. Validation (greedy/beam
generate → the studio's BLEU-4/ROUGE-L/CIDEr-D, the clip's caption the reference) runs
after each epoch of a stage that trains with the caption loss (ce_weight > 0); after a
CRESCENDO-only epoch the decoder has never been trained on audio, its captions say nothing about
the run, and beam search over the validation split would cost minutes an epoch, so it is skipped.
best.pt = the model with the highest `select_metric` so far (the latest model until a first
evaluation); last.pt = everything a resume
needs (weights, optimizer, scheduler, scaler, stage/epoch/step, every RNG and generator state,
best so far, history), written after each epoch. A resume loads last.pt and replays exactly what
the uninterrupted run does next (same weights at the end, checked by the tests); a partial epoch
(cut by a kill or train.max_steps) is redone from its start.

RUN_DIR holds config.json (resolved config), tokenizer.json, run.json (data fingerprint, config,
metrics history), best.pt, last.pt and cache/ (AST features per clip)."""
from __future__ import annotations

import json
import math
import os
import random
from typing import Any, Optional

import numpy as np
import torch

from . import weights
from .checkpoints import load_torch, rng_state, save_json, save_torch, set_rng_state
from .config import Config, StageConfig
from .data import CaptionDataset, Collate, Example, FeatureCache, export_fingerprint, load_export, verify_export
from .generate import generate
from .losses import caption_ce_loss, crescendo_loss, demix_kl_loss
from .metrics import caption_metrics
from .models.captioner import S2CapModel
from .progress import Progress
from .run_config import STAGES, check_config, comparable, first_difference, make_tokenizer, resolve_config
from .specaugment import apply_masks, draw_masks
from .tokenizer import ByteLevelBPE

def _device(name: Optional[str]) -> torch.device:
    if name is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name not in ("cpu", "cuda"):
        raise ValueError(f"--device {name}: use cpu or cuda")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda: this torch sees no CUDA device (torch.cuda.is_available() is False)")
    return torch.device(name)


def _schedule(cfg: Config, total: int):
    warm = cfg.train.warmup_steps

    def factor(step: int) -> float:  # Hugging Face's get_linear_schedule_with_warmup
        if step < warm:
            return step / max(1, warm)
        if cfg.train.scheduler == "constant":
            return 1.0
        return max(0.0, (total - step) / max(1, total - warm))
    return factor


def _set_trainable(model: S2CapModel, stage: StageConfig) -> list[torch.nn.Parameter]:
    encoder_only = stage.train == "encoder"
    for p in model.bart.parameters():
        p.requires_grad_(not encoder_only)
    for p in list(model.encoder.parameters()) + list(model.audio_projection.parameters()):
        p.requires_grad_(True)
    return [p for p in model.parameters() if p.requires_grad]


def _param_groups(model: S2CapModel, weight_decay: float) -> list[dict]:
    """AdamW groups as Hugging Face's Trainer makes them: no weight decay on biases and LayerNorm
    weights (decaying a norm's gain towards 0 only hurts), decay on every other trained weight."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        exempt = name.endswith(".bias") or "layernorm" in name.lower() or "layer_norm" in name.lower()
        (no_decay if exempt else decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def _set_mode(model: S2CapModel, stage: StageConfig) -> None:
    model.train()
    if stage.train == "encoder":
        model.bart.eval()  # frozen: its dropout would only add noise to CRESCENDO's target


def _scaler(enabled: bool):
    if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler"):  # current PyTorch
        return torch.amp.GradScaler("cuda", enabled=enabled)
    return torch.cuda.amp.GradScaler(enabled=enabled)


def _loss(model: S2CapModel, batch: dict, stage: StageConfig, cfg: Config, dev: torch.device,
          sa_gen: torch.Generator, use_amp: bool) -> tuple[torch.Tensor, dict]:
    # the stem (present only when the stage trains the KL: CaptionDataset(vocals=…)) gets the mix's masks
    feats, vfeats = batch["features"], batch["vocal_features"]
    masks = draw_masks(*feats.shape, cfg.train.specaugment, sa_gen)
    feats = apply_masks(feats, masks)
    if vfeats is not None:
        vfeats = apply_masks(vfeats, masks)
    parts: dict[str, Optional[torch.Tensor]] = {"ce": None, "crescendo": None, "kl": None}
    with torch.autocast(device_type=dev.type, enabled=use_amp):
        audio = model.encode_audio(feats.to(dev))
        if stage.ce_weight:
            logits = model(None, batch["decoder_input_ids"].to(dev), audio_states=audio)
            parts["ce"] = caption_ce_loss(logits, batch["labels"].to(dev))
        if stage.crescendo_weight:
            mask = batch["caption_attention_mask"].to(dev)
            with torch.no_grad():
                text = model.bart.encode_text(batch["caption_ids"].to(dev), mask)
            parts["crescendo"] = crescendo_loss(audio, text, mask)
        if vfeats is not None:
            with torch.no_grad():
                vocal = model.encode_audio(vfeats.to(dev))
            parts["kl"] = demix_kl_loss(audio, vocal, cfg.train.kl_temperature)
    weights_ = {"ce": stage.ce_weight, "crescendo": stage.crescendo_weight, "kl": stage.kl_weight}
    total = sum(weights_[k] * v for k, v in parts.items() if v is not None)
    return total, {k: (None if v is None else float(v.detach())) for k, v in parts.items()}


@torch.no_grad()
def evaluate(model: S2CapModel, examples: list[Example], tok: ByteLevelBPE, cfg: Config, dev: torch.device,
             cache: FeatureCache) -> tuple[dict, dict[str, str], dict[str, list[str]]]:
    """(metrics, candidates by clip id, references by clip id) on `examples`: each clip's one
    caption is its reference (load_export refuses an id that occurs twice)."""
    refs = {ex.id: [ex.caption] for ex in examples}
    candidates: dict[str, str] = {}
    bs = cfg.train.batch_size
    for i in range(0, len(examples), bs):
        chunk = examples[i:i + bs]
        feats = torch.stack([cache.get(ex.audio) for ex in chunk]).to(dev)
        for ex, seq in zip(chunk, generate(model, feats, cfg.generation, cfg.decoder)):
            candidates[ex.id] = tok.decode(seq, skip_special_tokens=True)
    return caption_metrics(candidates, refs), candidates, refs


def fit(cfg: Config, data_dir: str, run_dir: str, init_encoder: Optional[str] = None,
        init_decoder: Optional[str] = None, resume: bool = True, device: Optional[str] = None,
        progress: Optional[Progress] = None) -> dict:
    """Trains both stages; returns {run_dir, best, metrics, complete, history}. ValueError (one
    line naming the file or setting) for bad input."""
    check_config(cfg)
    progress = progress or Progress(every=cfg.train.log_every_steps)
    dev = _device(device)
    splits = load_export(data_dir)
    train, val = splits.get("train", []), splits.get("validation", [])
    if not train:
        raise ValueError(f"{data_dir}: the export has no train split (train/metadata.jsonl)")
    # a clip missing or changed since export: one line naming it, before any work; its digests key the feature cache
    digests = verify_export(data_dir)
    fingerprint = export_fingerprint(data_dir)
    if os.path.exists(run_dir) and not os.path.isdir(run_dir):
        raise ValueError(f"{run_dir}: exists and is not a folder")
    os.makedirs(run_dir, exist_ok=True)
    paths = {n: os.path.join(run_dir, n) for n in ("last.pt", "best.pt", "run.json", "config.json", "tokenizer.json")}
    ckpt = load_torch(paths["last.pt"]) if resume and os.path.isfile(paths["last.pt"]) else None
    tok = ByteLevelBPE.from_file(paths["tokenizer.json"]) if ckpt else make_tokenizer(train, cfg, init_decoder)
    cfg = resolve_config(cfg, tok, init_encoder, init_decoder)
    if ckpt:
        if ckpt.get("data_fingerprint") != fingerprint:
            raise ValueError(f"{paths['last.pt']}: this run was trained on another export (manifest sha256 "
                             f"{ckpt.get('data_fingerprint')}); pass --no-resume or a new --out")
        diff = first_difference(comparable(json.loads(ckpt["config"])), comparable(cfg.to_dict()))
        if diff:
            raise ValueError(f"{paths['last.pt']}: the config differs from the run's ({diff}); "
                             f"resume with the same --config, or pass --no-resume")

    t = cfg.train
    torch.manual_seed(t.seed)
    np.random.seed(t.seed)
    random.seed(t.seed)
    shuffle_gen = torch.Generator().manual_seed(t.seed + 1)
    sa_gen = torch.Generator().manual_seed(t.seed + 2)
    model = S2CapModel(cfg)
    if not ckpt:
        for folder, load in ((init_encoder, weights.init_encoder), (init_decoder, weights.init_decoder)):
            for note in (load(model, folder) if folder else []):
                progress.log(f"{folder}: {note}")
        # Every input is checked by now: only a fresh start that will run replaces an older run's
        # files (a refused one, e.g. a wrong --init folder with --no-resume, loses nothing).
        for n in ("last.pt", "best.pt", "run.json"):
            if os.path.exists(paths[n]):
                os.remove(paths[n])  # a fresh start must not leave an older run's checkpoints beside its own
        tok.save(run_dir)
    save_json(cfg.to_dict(), paths["config.json"])
    model.to(dev)
    use_amp = bool(t.amp and dev.type == "cuda")

    state = {"stage": 0, "epoch": 0, "global_step": 0, "best": None, "history": []}
    if ckpt:
        model.load_state_dict(ckpt["model"])
        set_rng_state(ckpt["rng"])
        shuffle_gen.set_state(ckpt["shuffle_generator"])
        sa_gen.set_state(ckpt["specaugment_generator"])
        state = {k: ckpt[k] for k in state}

    has_stems = all(ex.vocals for ex in train)
    if not has_stems and any(getattr(t, n).kl_weight and getattr(t, n).epochs for n in STAGES):
        progress.log("the export has no vocal stems (vocals_file_name), so the demixing KL term is skipped; "
                     "export with vocal stems to train with it")
    if not val:
        progress.log("the export has no validation split: best.pt is the latest model, no metrics are computed")
    cache_dir = (t.feature_cache_dir or os.path.join(run_dir, "cache")) if t.disk_cache else None
    cache = FeatureCache(cache_dir, memory_items=t.feature_cache_items, digests=digests)
    collate = Collate(pad_id=cfg.decoder.pad_token_id, decoder_start_token_id=cfg.decoder.decoder_start_token_id)
    steps_per_epoch = math.ceil(len(train) / t.batch_size)
    run_info = {"data": {"dir": os.path.abspath(data_dir), "fingerprint": fingerprint,
                         "counts": {s: len(e) for s, e in splits.items()}},
                "init": {"encoder": init_encoder, "decoder": init_decoder}, "device": str(dev)}
    stages_info = [{"name": n, "stage": i + 1, "epochs": getattr(t, n).epochs, "lr": getattr(t, n).lr,
                    "train": getattr(t, n).train} for i, n in enumerate(STAGES)]
    progress.start(os.path.abspath(run_dir), stages_info, sum(s["epochs"] for s in stages_info), steps_per_epoch,
                   str(dev), {"stage": state["stage"] + 1, "epoch": state["epoch"]} if ckpt else None)

    def write_run_json(status: str) -> None:
        save_json({**run_info, "status": status, "config": cfg.to_dict(), "best": state["best"],
                   "history": state["history"]}, paths["run.json"])

    complete = True
    for si, name in enumerate(STAGES):
        stage: StageConfig = getattr(t, name)
        if si < state["stage"] or (si == state["stage"] and state["epoch"] >= stage.epochs) or not stage.epochs:
            continue
        start_epoch = state["epoch"] if si == state["stage"] else 0
        params = _set_trainable(model, stage)
        opt = torch.optim.AdamW(_param_groups(model, t.weight_decay), lr=stage.lr)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, _schedule(cfg, stage.epochs * steps_per_epoch))
        scaler = _scaler(use_amp)
        if ckpt and si == ckpt["stage"] and start_epoch > 0:
            opt.load_state_dict(ckpt["optimizer"])
            sched.load_state_dict(ckpt["scheduler"])
            scaler.load_state_dict(ckpt["scaler"])
        dataset = CaptionDataset(train, tok, t.max_caption_tokens, cache, vocals=bool(has_stems and stage.kl_weight))
        for epoch in range(start_epoch, stage.epochs):
            if t.max_steps and state["global_step"] >= t.max_steps:  # resumed past max_steps already
                complete = False
                break
            _set_mode(model, stage)
            order = torch.randperm(len(train), generator=shuffle_gen).tolist()
            batches = [order[i:i + t.batch_size] for i in range(0, len(order), t.batch_size)]
            loader = torch.utils.data.DataLoader(dataset, batch_sampler=batches, collate_fn=collate,
                                                 num_workers=t.num_workers, generator=torch.Generator().manual_seed(0))
            losses, done_batches = [], 0
            for batch in loader:
                loss, parts = _loss(model, batch, stage, cfg, dev, sa_gen, use_amp)
                opt.zero_grad(set_to_none=True)
                scaler.scale(loss).backward()
                if t.grad_clip:
                    scaler.unscale_(opt)
                    torch.nn.utils.clip_grad_norm_(params, t.grad_clip)
                scaler.step(opt)
                scaler.update()
                sched.step()
                state["global_step"] += 1
                done_batches += 1
                losses.append(float(loss.detach()))
                progress.step(si + 1, epoch + 1, state["global_step"], losses[-1], parts)
                if t.max_steps and state["global_step"] >= t.max_steps:
                    break
            if done_batches < len(batches):  # cut by max_steps: the partial epoch is redone on resume
                complete = False
                break
            mean_loss = sum(losses) / len(losses)
            progress.epoch(si + 1, epoch + 1, mean_loss)
            entry: dict[str, Any] = {"stage": si + 1, "epoch": epoch + 1, "step": state["global_step"], "loss": mean_loss}
            evaluated = bool(val) and stage.ce_weight > 0 and (
                (epoch + 1) % t.eval_every_epochs == 0 or epoch + 1 == stage.epochs)
            best = state["best"]
            if evaluated:
                metrics, cands, refs = evaluate(model, val, tok, cfg, dev, cache)
                entry["metrics"] = metrics
                entry["samples"] = [{"id": c, "caption": cands[c], "references": refs[c]} for c in list(cands)[:3]]
                value = metrics[t.select_metric]
                is_best = best is None or best["value"] is None or value > best["value"]
            else:
                metrics, value = None, None
                is_best = best is None or best["value"] is None  # the latest model until something is evaluated
            if is_best:
                state["best"] = {"stage": si + 1, "epoch": epoch + 1, "step": state["global_step"],
                                 "metric": t.select_metric, "value": value, "metrics": metrics}
                save_torch({"model": model.state_dict(), **state["best"], "data_fingerprint": fingerprint},
                           paths["best.pt"])
            if evaluated:
                progress.eval(si + 1, epoch + 1, metrics, is_best)
            if is_best:
                progress.checkpoint(paths["best.pt"])
            state["history"].append(entry)
            state["stage"], state["epoch"] = si, epoch + 1
            save_torch({"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
                        "scaler": scaler.state_dict(), **state, "rng": rng_state(),
                        "shuffle_generator": shuffle_gen.get_state(), "specaugment_generator": sa_gen.get_state(),
                        "config": json.dumps(cfg.to_dict()), "data_fingerprint": fingerprint}, paths["last.pt"])
            progress.checkpoint(paths["last.pt"])
            write_run_json("running")
            if t.max_steps and state["global_step"] >= t.max_steps:
                complete = epoch + 1 == stage.epochs and not any(getattr(t, n).epochs for n in STAGES[si + 1:])
                break
        if not complete:
            break
    write_run_json("done" if complete else "stopped")
    best = state["best"]
    progress.done(best, best["metrics"] if best else None, os.path.abspath(run_dir), complete)
    return {"run_dir": os.path.abspath(run_dir), "best": best, "metrics": best["metrics"] if best else None,
            "complete": complete, "history": state["history"]}
