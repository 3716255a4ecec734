"""A trained run folder as `export` and `caption` read it: RUN_DIR/config.json (the resolved
Config), tokenizer.json, run.json and a checkpoint (best.pt, else last.pt; a dict holding at least
the model's state dict under 'model'). Also the PyTorch model's own captions of audio files, which
the export's round-trip test holds the studio's captions of the exported pack against."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional

import torch

from .checkpoints import load_torch
from .config import Config, load_config, read_json_object
from .models.captioner import S2CapModel

CHECKPOINTS = ("best.pt", "last.pt")


@dataclass
class Run:
    dir: str
    cfg: Config
    model: S2CapModel
    checkpoint_path: str
    checkpoint: dict  # everything the checkpoint holds besides the weights
    tokenizer_path: str
    info: dict = field(default_factory=dict)  # run.json ({} when absent)

    def tokenizer(self):
        from .tokenizer import ByteLevelBPE
        return ByteLevelBPE.from_file(self.tokenizer_path)


def find_checkpoint(run_dir: str) -> str:
    """best.pt, else last.pt; a clear error naming the folder when it holds neither."""
    if not os.path.isdir(run_dir):
        raise ValueError(f"{run_dir}: not a run folder (not a directory)")
    for name in CHECKPOINTS:
        path = os.path.join(run_dir, name)
        if os.path.isfile(path):
            return path
    raise ValueError(f"{run_dir}: no checkpoint (best.pt or last.pt); train first with `fit`")


def load_run(run_dir: Optional[str] = None, checkpoint: Optional[str] = None) -> Run:
    """Loads the model (eval mode, CPU) from RUN_DIR's best/last checkpoint, or from the checkpoint
    file given, whose folder then holds config.json and tokenizer.json."""
    if checkpoint is None:
        if run_dir is None:
            raise ValueError("give a run folder or --checkpoint FILE")
        checkpoint = find_checkpoint(run_dir)
    elif not os.path.isfile(checkpoint):
        raise ValueError(f"{checkpoint}: no such checkpoint file")
    folder = run_dir if run_dir is not None else os.path.dirname(os.path.abspath(checkpoint))
    cfg = load_config(os.path.join(folder, "config.json"))
    tokenizer_path = os.path.join(folder, "tokenizer.json")
    if not os.path.isfile(tokenizer_path):
        raise ValueError(f"{tokenizer_path}: missing (the run's tokenizer)")
    info_path = os.path.join(folder, "run.json")
    info = read_json_object(info_path, "run.json") if os.path.exists(info_path) else {}
    ckpt = load_torch(checkpoint)
    if not isinstance(ckpt.get("model"), dict):
        raise ValueError(f"{checkpoint}: not a run checkpoint (no 'model' state dict)")
    model = S2CapModel(cfg)
    try:
        model.load_state_dict(ckpt["model"])
    except RuntimeError as e:
        first = str(e).strip().splitlines()
        raise ValueError(f"{checkpoint}: weights do not fit {os.path.join(folder, 'config.json')} "
                         f"({first[1].strip() if len(first) > 1 else first[0]})") from e
    model.eval()
    rest = {k: v for k, v in ckpt.items() if k not in ("model", "optimizer", "scheduler", "scaler")}
    return Run(dir=folder, cfg=cfg, model=model, checkpoint_path=checkpoint, checkpoint=rest,
               tokenizer_path=tokenizer_path, info=info)


@torch.no_grad()
def caption_files(run: Run, paths: list[str], num_beams: Optional[int] = None) -> list[dict]:
    """The PyTorch model's captions of each audio file (greedy when num_beams is 1):
    [{audio, text, tokens, score}] in the order given, as the studio's Captioner reports them:
    tokens generated after the decoder start token, text decoded without special tokens and
    trimmed, score the mean of the tokens' log-probs."""
    from .features import file_features
    from .generate import generate_with_scores

    tok = run.tokenizer()
    feats = []
    for p in paths:  # every file read before any is captioned: a bad one fails fast, naming itself
        if not os.path.isfile(p):
            raise ValueError(f"{p}: no such audio file")
        feats.append(file_features(p))
    out = []
    for p, f in zip(paths, feats):  # one at a time, as the studio's `caption` runs them
        r = generate_with_scores(run.model, f.unsqueeze(0), run.cfg.generation, run.cfg.decoder, num_beams=num_beams)[0]
        ids = [int(t) for t in r.tokens]
        lp = r.token_logprobs
        out.append({"audio": os.path.abspath(p), "text": tok.decode(ids, skip_special_tokens=True), "tokens": ids,
                    "score": sum(lp) / len(lp) if lp else 0.0})
    return out
