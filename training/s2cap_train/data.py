"""Reads the studio's Hugging Face audiofolder export (EXPORT_DIR/{train,validation,test}/
metadata.jsonl with file_name, vocals_file_name, caption, …; see the studio's
src/core/export/audiofolder.ts) into examples, and turns them into batches: AST features of the
mix and of the vocal stem, caption token ids.

A batch (Collate) holds: features [B, 1024, 128]; vocal_features [B, 1024, 128] or None when the
export has no stems; labels [B, T] (`<s> … </s>`, padded with -100, what cross-entropy ignores);
decoder_input_ids (labels shifted right behind decoder_start_token_id, pads → pad id: teacher
forcing as HF BART's shift_tokens_right); caption_ids + caption_attention_mask (the same tokens
padded with the pad id, for the BART text encoder CRESCENDO embeds); ids; captions.

Features are computed once per clip: FeatureCache keeps them in memory (least recently used out
past a bound) and, given a folder (RUN_DIR/cache), on disk as <sha256 of the clip>.npy, so later
epochs, DataLoader workers and a resumed run read them instead of recomputing fbank. Each clip is
read for its hash once per fit: verify_export returns the digests it checked against the manifest
(a verified file's manifest sha256 is its content hash) and the cache takes them as its keys."""
from __future__ import annotations

import hashlib
import json
import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import torch

from .config import read_json_object
from .features import FRAMES, MEL_BINS, file_features
from .fsutil import atomic_write

SPLITS = ("train", "validation", "test")
METADATA = "metadata.jsonl"
MANIFEST = "manifest.json"


@dataclass
class Example:
    id: str
    audio: str  # absolute path of the clip
    vocals: Optional[str]  # absolute path of its vocal stem clip, when exported
    caption: str
    split: str


def _clip_path(split_dir: str, rel: Any, where: str, key: str) -> str:
    if not isinstance(rel, str) or not rel:
        raise ValueError(f"{where}: {key} is missing or not a string")
    parts = rel.replace("\\", "/").split("/")
    if os.path.isabs(rel) or rel.startswith("/") or ".." in parts:
        raise ValueError(f"{where}: {key} {rel!r} must be a path inside the split folder")
    path = os.path.join(split_dir, *parts)
    if not os.path.isfile(path):
        raise ValueError(f"{where}: {key} {rel} does not exist ({path})")
    return path


def _read_split(folder: str, split: str) -> list[Example]:
    split_dir = os.path.join(folder, split)
    meta = os.path.join(split_dir, METADATA)
    try:
        with open(meta, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"{meta}: cannot read it ({getattr(e, 'strerror', None) or e})") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{meta}:{n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{where}: not valid JSON ({e.msg})") from None
        if not isinstance(rec, dict):
            raise ValueError(f"{where}: not a JSON object")
        caption = rec.get("caption")
        if not isinstance(caption, str) or not caption.strip():
            raise ValueError(f"{where}: caption is missing or empty")
        audio = _clip_path(split_dir, rec.get("file_name"), where, "file_name")
        vocals = rec.get("vocals_file_name")
        vocals = None if vocals in (None, "") else _clip_path(split_dir, vocals, where, "vocals_file_name")
        rid = rec.get("id")
        rid = rid if isinstance(rid, str) and rid else os.path.splitext(os.path.basename(audio))[0]
        out.append(Example(id=rid, audio=os.path.abspath(audio), vocals=vocals and os.path.abspath(vocals),
                           caption=caption.strip(), split=split))
    if not out:
        raise ValueError(f"{meta}: no examples")
    return out


def load_export(folder: str) -> dict[str, list[Example]]:
    """Examples per split present. Clear ValueError naming the file for a missing folder,
    malformed metadata line, or a clip that does not exist."""
    if not os.path.isdir(folder):
        raise ValueError(f"{folder}: no such export folder")
    present = [s for s in SPLITS if os.path.isfile(os.path.join(folder, s, METADATA))]
    if not present:
        raise ValueError(f"{folder}: not an audiofolder export (no train/, validation/ or test/ with {METADATA}); "
                         f"export with `s2cap export --format audiofolder --vocals`")
    splits = {s: _read_split(folder, s) for s in present}
    seen: dict[str, str] = {}
    for s, examples in splits.items():
        for ex in examples:
            if ex.id in seen:
                raise ValueError(f"{os.path.join(folder, s, METADATA)}: id {ex.id} is also in {seen[ex.id]}")
            seen[ex.id] = s
    with_stems = sum(ex.vocals is not None for exs in splits.values() for ex in exs)
    if 0 < with_stems < len(seen):
        raise ValueError(f"{folder}: {with_stems} of {len(seen)} rows have a vocals_file_name; "
                         f"an export has a vocal stem for every row or for none")
    return splits


def sha256_file(path: str) -> str:
    """Hex sha256 of a file's bytes (as the studio's manifest.json records them)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_fingerprint(folder: str) -> str:
    """sha256 of the export's manifest.json (the training data manifest hash in model.json)."""
    path = os.path.join(folder, MANIFEST)
    try:
        return sha256_file(path)
    except OSError as e:
        raise ValueError(f"{path}: cannot read the export's manifest ({e.strerror or e})") from None


def verify_export(folder: str) -> dict[str, str]:
    """Checks every file manifest.json lists against its sha256: a ValueError naming the first
    file that is missing or differs (an export copied incompletely or edited after export).
    Returns {absolute path: sha256} of the files it hashed, for FeatureCache(digests=…), so a
    clip is not read a second time for its cache key."""
    path = os.path.join(folder, MANIFEST)
    files = read_json_object(path, "an export manifest").get("files")
    if not isinstance(files, dict):
        raise ValueError(f"{path}: no files map")
    digests: dict[str, str] = {}
    for rel, sha in sorted(files.items()):
        f = os.path.join(folder, *rel.split("/"))
        if not os.path.isfile(f):
            raise ValueError(f"{f}: listed in {MANIFEST} but missing")
        if sha256_file(f) != sha:
            raise ValueError(f"{f}: its sha256 differs from {MANIFEST}'s (changed after export)")
        digests[os.path.abspath(f)] = sha
    return digests


class FeatureCache:
    """AST features per clip: in memory (up to `memory_items`, least recently used dropped), and on
    disk as cache_dir/<sha256 of the clip bytes>.npy when cache_dir is given. `digests` ({absolute
    path: sha256}, what verify_export returns) are the keys of the clips just verified; any other
    clip is hashed when it is first looked up."""

    def __init__(self, cache_dir: str | None = None, memory_items: int = 2048,
                 digests: dict[str, str] | None = None):
        self.cache_dir = cache_dir
        self.memory_items = memory_items
        self.digests = dict(digests or {})
        self._mem: OrderedDict[str, torch.Tensor] = OrderedDict()
        self.computed = 0  # fbank computations (tests check the cache saves them)
        if cache_dir:
            os.makedirs(cache_dir, exist_ok=True)

    def get(self, path: str) -> torch.Tensor:
        hit = self._mem.get(path)
        if hit is not None:
            self._mem.move_to_end(path)
            return hit
        disk = os.path.join(self.cache_dir, self._digest(path) + ".npy") if self.cache_dir else None
        feats = self._from_disk(disk) if disk else None
        if feats is None:
            feats = file_features(path)
            self.computed += 1
            if disk:
                atomic_write(disk, lambda f: np.save(f, feats.numpy()))
        if self.memory_items > 0:
            self._mem[path] = feats
            while len(self._mem) > self.memory_items:
                self._mem.popitem(last=False)
        return feats

    def _digest(self, path: str) -> str:
        known = self.digests.get(os.path.abspath(path))
        return known if known is not None else sha256_file(path)

    @staticmethod
    def _from_disk(p: str) -> torch.Tensor | None:
        if not os.path.isfile(p):
            return None
        try:
            arr = np.load(p)
        except (OSError, ValueError):
            return None  # a damaged cache file is recomputed and replaced
        return torch.from_numpy(arr) if arr.shape == (FRAMES, MEL_BINS) and arr.dtype == np.float32 else None


class CaptionDataset(torch.utils.data.Dataset):
    """Examples → {id, caption, features, vocal_features (or None), tokens}."""

    def __init__(self, examples: list[Example], tokenizer: Any, max_caption_tokens: int = 64,
                 cache: FeatureCache | None = None, vocals: bool = True):
        self.examples = examples
        self.tokenizer = tokenizer
        self.max_caption_tokens = max_caption_tokens
        self.cache = cache or FeatureCache()
        self.vocals = vocals

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, i: int) -> dict[str, Any]:
        ex = self.examples[i]
        tokens = self.tokenizer.encode(ex.caption, self.max_caption_tokens)
        return {
            "id": ex.id,
            "caption": ex.caption,
            "features": self.cache.get(ex.audio),
            "vocal_features": self.cache.get(ex.vocals) if self.vocals and ex.vocals else None,
            "tokens": list(tokens),
        }


class Collate:
    """Items → a batch (see the header). A class, not a closure, so DataLoader workers can pickle it."""

    def __init__(self, pad_id: int = 1, decoder_start_token_id: int = 2):
        self.pad_id = pad_id
        self.decoder_start_token_id = decoder_start_token_id

    def __call__(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        b = len(items)
        t = max(len(it["tokens"]) for it in items)
        labels = torch.full((b, t), -100, dtype=torch.long)
        caption_ids = torch.full((b, t), self.pad_id, dtype=torch.long)
        mask = torch.zeros((b, t), dtype=torch.long)
        for i, it in enumerate(items):
            ids = torch.tensor(it["tokens"], dtype=torch.long)
            labels[i, :len(ids)] = ids
            caption_ids[i, :len(ids)] = ids
            mask[i, :len(ids)] = 1
        dec = torch.full((b, t), self.pad_id, dtype=torch.long)
        dec[:, 0] = self.decoder_start_token_id
        dec[:, 1:] = labels[:, :-1]
        dec[dec == -100] = self.pad_id
        stems = [it["vocal_features"] for it in items]
        return {
            "features": torch.stack([it["features"] for it in items]),
            "vocal_features": torch.stack(stems) if all(s is not None for s in stems) else None,
            "labels": labels,
            "decoder_input_ids": dec,
            "caption_ids": caption_ids,
            "caption_attention_mask": mask,
            "ids": [it["id"] for it in items],
            "captions": [it["caption"] for it in items],
        }
