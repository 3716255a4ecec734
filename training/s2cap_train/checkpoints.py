"""Writing and reading a run's files so an interruption (a kill, a full disk, a power cut) never
leaves a half-written checkpoint or run.json behind: every file goes through fsutil.atomic_write
(a temporary name in the same folder, fsynced, renamed over the old one).
Also the random-number state a resumed run must restore to continue exactly as the uninterrupted
run would have: torch (CPU and CUDA), numpy and Python's `random`, as plain lists and tensors, so
checkpoints load with torch.load(weights_only=True) on current PyTorch as on 1.13."""
from __future__ import annotations

import json
import pickle
import random
from typing import Any

import numpy as np
import torch

from .fsutil import atomic_write
from .progress import json_safe


def save_torch(obj: Any, path: str) -> None:
    atomic_write(path, lambda f: torch.save(obj, f))


def save_json(obj: Any, path: str) -> None:
    """`obj` as indented UTF-8 JSON; a non-finite number (a diverged loss) is written as null."""
    data = (json.dumps(json_safe(obj), indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    atomic_write(path, lambda f: f.write(data))


def load_torch(path: str) -> dict:
    """A checkpoint this package wrote (tensors, numbers, strings, lists, dicts only), read with
    torch's weights-only unpickler; torch 1.13's cannot read floats (pickle opcode BINFLOAT), so
    there, and only there, the run's own file is read with the full unpickler."""
    try:
        try:
            obj = torch.load(path, map_location="cpu", weights_only=True)
        except TypeError:  # a torch without weights_only
            obj = torch.load(path, map_location="cpu")
        except pickle.UnpicklingError:
            if int(torch.__version__.split(".")[0]) >= 2:
                raise
            obj = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as e:  # zip, pickle and torch errors alike
        raise ValueError(f"{path}: not a readable checkpoint ({e})") from e
    if not isinstance(obj, dict):
        raise ValueError(f"{path}: not a run checkpoint")
    return obj


def rng_state() -> dict:
    np_state = np.random.get_state()
    py_state = random.getstate()
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "numpy": [np_state[0], torch.from_numpy(np_state[1].astype(np.int64)), int(np_state[2]), int(np_state[3]),
                  float(np_state[4])],
        "python": [py_state[0], list(py_state[1]), py_state[2]],
    }


def set_rng_state(state: dict) -> None:
    torch.set_rng_state(state["torch"])
    if state.get("cuda") and torch.cuda.is_available() and len(state["cuda"]) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(state["cuda"])
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
