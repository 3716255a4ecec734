"""Shared test helpers: a tiny model configuration (seconds on 2 CPU cores) and paths to the
studio's fixtures, so each test module states only what it checks."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRAINING = os.path.join(ROOT, "training")
if TRAINING not in sys.path:
    sys.path.insert(0, TRAINING)

from s2cap_train.config import Config, config_from_dict  # noqa: E402

FIXTURES = os.path.join(ROOT, "test", "fixtures")


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
