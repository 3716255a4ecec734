"""Shared test helpers: a tiny model configuration (seconds on 2 CPU cores), paths to the
studio's fixtures, and running the studio's own TypeScript (node + tsx) as an oracle, so each test
module states only what it checks."""
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRAINING = os.path.join(ROOT, "training")
if TRAINING not in sys.path:
    sys.path.insert(0, TRAINING)

from s2cap_train.config import Config, config_from_dict  # noqa: E402

FIXTURES = os.path.join(ROOT, "test", "fixtures")
HAS_STUDIO = shutil.which("node") is not None and os.path.isdir(os.path.join(ROOT, "node_modules", "tsx"))


def studio_script(script: str, job):
    """Runs an ES-module script in the studio's tree (`node --import tsx`, so it may import
    src/**/*.ts) with `job` as JSON on stdin; returns its stdout parsed as JSON."""
    res = subprocess.run(["node", "--import", "tsx", "--input-type=module", "-e", script], cwd=ROOT,
                         input=json.dumps(job), capture_output=True, text=True, timeout=120)
    if res.returncode != 0:
        raise AssertionError(f"node failed: {res.stderr[-2000:]}")
    return json.loads(res.stdout)


def tiny_config(vocab_size: int = 300, **train) -> Config:
    """AST and BART with the real structure at toy sizes; `train` overrides TrainConfig fields."""
    return config_from_dict({
        "encoder": {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64,
                    "frequency_stride": 16, "time_stride": 16},
        "decoder": {"vocab_size": vocab_size, "d_model": 32, "encoder_layers": 2, "decoder_layers": 2,
                    "encoder_attention_heads": 2, "decoder_attention_heads": 2, "encoder_ffn_dim": 64,
                    "decoder_ffn_dim": 64, "max_position_embeddings": 128},
        "train": {"batch_size": 4, "amp": False, **train},
        "generation": {"max_length": 32, "num_beams": 2},
    })
