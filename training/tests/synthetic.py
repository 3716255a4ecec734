"""A synthetic export in exactly the layout the studio's audiofolder export writes
(src/core/export/audiofolder.ts, audiofolderCard.ts, manifest.ts, runExport.ts), so the training
tests read what a user's export holds without a library, Demucs or a real model:

  DIR/{train,validation,test}/metadata.jsonl   one line per clip, AudiofolderRecord's keys in the
                                               studio's order, no nulls, floats with a decimal point
  DIR/<split>/clips/<id>.wav                   16 kHz mono PCM16: a voice over an accompaniment
  DIR/<split>/vocals/<id>.wav                  the same span of the "vocal stem": the voice alone
  DIR/README.md                                a minimal dataset card
  DIR/manifest.json                            schemaVersion 1, counts, sha256 of every other file

The voice is a harmonic tone with vibrato whose pitch follows gender and pitch (male low/high
110/180 Hz, female 230/380 Hz) and whose timbre follows gender (male: more, stronger upper
harmonics); the accompaniment is noise bursts (drum clicks) at a slow or fast tempo; the level is
soft or loud. The caption is generated from those parameters with a few templates, so a model can
learn to say it from the audio. Splits are by index after a seeded shuffle (n=12: 8/2/2), since
synthetic clips have no source track whose content hash would pick one (studio: splits.ts).
Standard library + numpy (+ s2cap_train.data.sha256_file for the manifest); the same seed writes
the same bytes."""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import wave

import numpy as np

import helpers  # noqa: F401  (puts training/ on sys.path)
from s2cap_train.data import sha256_file

RATE = 16000
CAPTION_ATTRIBUTES = ["gender", "pitch", "tempo", "volume", "mood", "timbre", "genre"]
F0 = {("male", "low"): 110.0, ("male", "high"): 180.0, ("female", "low"): 230.0, ("female", "high"): 380.0}
TEMPO_BPM = {"slow": 70.0, "fast": 160.0}
LEVEL = {"soft": 0.12, "loud": 0.5}
TEMPLATES = [
    "a {gender} singer with a {pitch} pitched voice sings at a {tempo} tempo with {volume} volume.",
    "a {pitch} pitched {gender} vocal at a {tempo} tempo, sung with {volume} volume.",
    "this song has a {gender} singer with a {pitch} voice, a {tempo} tempo and {volume} volume.",
]


def _params(n: int, rng: np.random.Generator) -> list[dict[str, str]]:
    """Every (gender, pitch, tempo, volume) combination in a seeded order, cycled to n."""
    combos = list(itertools.product(["male", "female"], ["low", "high"], ["slow", "fast"], ["soft", "loud"]))
    order = rng.permutation(len(combos))
    return [dict(zip(("gender", "pitch", "tempo", "volume"), combos[order[i % len(combos)]])) for i in range(n)]


def _voice(p: dict[str, str], seconds: float, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = F0[(p["gender"], p["pitch"])] * (1.0 + 0.03 * rng.uniform(-1, 1))
    vib = 0.02 * np.sin(2 * np.pi * 5.5 * t)  # ±2 % vibrato at 5.5 Hz
    phase = 2 * np.pi * np.cumsum(f0 * (1.0 + vib)) / RATE
    harmonics = 8 if p["gender"] == "male" else 4
    rolloff = 0.8 if p["gender"] == "male" else 0.45
    x = sum((rolloff ** (k - 1)) * np.sin(k * phase) for k in range(1, harmonics + 1))
    env = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.05)  # 50 ms fade in/out
    return x / np.max(np.abs(x)) * env


def _accompaniment(p: dict[str, str], seconds: float, rng: np.random.Generator) -> np.ndarray:
    frames = int(seconds * RATE)
    out = np.zeros(frames)
    period = int(RATE * 60.0 / TEMPO_BPM[p["tempo"]])
    click = rng.standard_normal(int(0.03 * RATE)) * np.exp(-np.arange(int(0.03 * RATE)) / (0.006 * RATE))
    for start in range(int(rng.integers(0, period // 4 + 1)), frames - len(click), period):
        out[start:start + len(click)] += click
    out += 0.02 * rng.standard_normal(frames)  # a little hiss
    return out / max(1e-9, np.max(np.abs(out)))


def _pcm16(x: np.ndarray) -> bytes:
    return (np.clip(x, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()


def write_wav(path: str, samples: np.ndarray, rate: int = RATE) -> None:
    """16-bit mono (samples [frames]) or interleaved multi-channel (samples [frames, channels]) WAV."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(_pcm16(samples.reshape(-1)))


def _float(v: float) -> str:
    """The studio's metadataLine: real-number columns always carry a decimal point."""
    s = json.dumps(float(v))
    return s if any(c in s for c in ".eE") else s + ".0"


def metadata_line(rec: dict) -> str:
    parts = []
    for k, v in rec.items():
        js = _float(v) if k in ("begin", "end", "suggestion_score") else json.dumps(v, ensure_ascii=False, separators=(",", ":"))
        parts.append(f"{json.dumps(k)}:{js}")
    return "{" + ",".join(parts) + "}"


def split_sizes(n: int) -> tuple[int, int, int]:
    """train/validation/test counts: a sixth each to validation and test (at least one each from n=3)."""
    if n < 3:
        return n, 0, 0
    held = max(1, round(n / 6))
    return n - 2 * held, held, held


def caption_of(p: dict[str, str], template: int = 0) -> str:
    return TEMPLATES[template % len(TEMPLATES)].format(**p)


def make_export(folder: str, n: int = 12, seed: int = 0, vocals: bool = True, seconds: float = 2.5) -> str:
    """Writes a synthetic audiofolder export into `folder` (created; must not hold an export yet)
    and returns its path. Clips are `seconds` long (± 0.5 s), captions depend on the audio."""
    if os.path.exists(os.path.join(folder, "manifest.json")):
        raise ValueError(f"{folder}: already holds an export")
    rng = np.random.default_rng(seed)
    params = _params(n, rng)
    n_train, n_val, _ = split_sizes(n)
    order = rng.permutation(n)
    split_of = {int(i): ("train" if r < n_train else "validation" if r < n_train + n_val else "test") for r, i in enumerate(order)}
    records: dict[str, list[dict]] = {"train": [], "validation": [], "test": []}
    exported: dict[str, list] = {}
    for i, p in enumerate(params):
        dur = round(seconds + float(rng.uniform(-0.5, 0.5)), 2)
        voice = _voice(p, dur, rng)
        acc = _accompaniment(p, dur, rng)
        level = LEVEL[p["volume"]] * (1.0 + 0.1 * float(rng.uniform(-1, 1)))
        voice_level = 0.7 * level
        mix = voice_level * voice + 0.35 * level * acc
        split = split_of[i]
        track_sha = hashlib.sha256(f"synthetic-track-{seed}-{i}".encode()).hexdigest()
        seg_id = i + 1
        rid = f"{track_sha[:12]}-{seg_id}"
        begin = float(round(float(rng.uniform(0, 60)), 2))
        write_wav(os.path.join(folder, split, "clips", f"{rid}.wav"), mix)
        if vocals:
            write_wav(os.path.join(folder, split, "vocals", f"{rid}.wav"), voice_level * voice)
        rec: dict = {"file_name": f"clips/{rid}.wav"}
        if vocals:
            rec["vocals_file_name"] = f"vocals/{rid}.wav"
        attributes = {a: p.get(a, "") for a in CAPTION_ATTRIBUTES}
        rec.update({
            "id": rid, "caption": caption_of(p, int(rng.integers(0, len(TEMPLATES)))), "begin": begin, "end": round(begin + dur, 2),
            "track_sha256": track_sha, "source_path": f"/synthetic/track-{i}.wav",
            "suggestion": "", "suggestion_model": "", "suggestion_score": 0.0, "has_suggestion_score": False,
            "annotator": "synthetic", "reviewer": "", "revision_id": seg_id, "status": "approved", "edited": False,
            "edit_distance": -1, "attributes": attributes, "split": split,
        })
        records[split].append(rec)
        exported[rid] = [seg_id, rec["begin"], rec["end"]]
    for split, lines in records.items():
        if lines:
            with open(os.path.join(folder, split, "metadata.jsonl"), "w", encoding="utf-8") as f:
                f.write("\n".join(metadata_line(r) for r in lines) + "\n")
    with open(os.path.join(folder, "README.md"), "w", encoding="utf-8") as f:
        f.write("---\npretty_name: \"S2Cap Studio caption export\"\n---\n\n# S2Cap Studio caption export\n\n"
                f"Synthetic export (training/tests/synthetic.py, seed {seed}): {n} clips, 16 kHz mono.\n")
    files = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            files[os.path.relpath(path, folder).replace(os.sep, "/")] = sha256_file(path)
    request = {"format": "audiofolder", "vocals": vocals, "status": ["approved"], "splits": [0.8, 0.1, 0.1]}
    manifest = {
        "schemaVersion": 1, "studioVersion": "synthetic", "format": "audiofolder", "createdAt": "2024-01-01T00:00:00.000Z",
        "query": request, "maxRevisionId": n,
        "counts": {"total": n, "bySplit": {s: len(r) for s, r in records.items()}, "byStatus": {"approved": n}},
        "packs": [], "files": dict(sorted(files.items())), "exported": exported, "withdrawn": [],
    }
    with open(os.path.join(folder, "manifest.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(manifest, indent=2) + "\n")
    return folder
