"""One config for a training run: model sizes (AST-base + BART-base unless an --init folder's
config.json says otherwise), both stages' epochs, learning rates and loss weights, batch size,
SpecAugment masks and generation settings. Defaults are the S2Cap paper's (arXiv 2409.09866);
a run's config is a JSON file (`--config`) holding any subset of these fields, nested as here.
The resolved config is written to RUN_DIR/config.json so a run can be resumed and exported.
read_json_object is the package's one reader of such JSON objects (a --config, a run's config.json
and run.json, an --init folder's config.json), with one-line errors naming the file."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class EncoderConfig:
    """AST (ASTConfig's names): 16 kHz, 128 mel bins, 1024 frames, 16×16 patches, stride 10."""
    hidden_size: int = 768
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    hidden_act: str = "gelu"
    layer_norm_eps: float = 1e-12
    patch_size: int = 16
    frequency_stride: int = 10
    time_stride: int = 10
    max_length: int = 1024
    num_mel_bins: int = 128
    # ASTConfig's dropout (0 in the released AST checkpoints); used in training only.
    hidden_dropout_prob: float = 0.0
    attention_probs_dropout_prob: float = 0.0


@dataclass
class DecoderConfig:
    """BART (BartConfig's names); vocab_size follows the tokenizer in use."""
    vocab_size: int = 50265
    d_model: int = 768
    encoder_layers: int = 6
    decoder_layers: int = 6
    encoder_attention_heads: int = 12
    decoder_attention_heads: int = 12
    encoder_ffn_dim: int = 3072
    decoder_ffn_dim: int = 3072
    max_position_embeddings: int = 1024
    activation_function: str = "gelu"
    scale_embedding: bool = False
    pad_token_id: int = 1
    bos_token_id: int = 0
    eos_token_id: int = 2
    decoder_start_token_id: int = 2
    forced_bos_token_id: int | None = 0
    # BartConfig's dropout, as facebook/bart-base sets it; used in training only.
    dropout: float = 0.1
    attention_dropout: float = 0.1
    activation_dropout: float = 0.1


@dataclass
class SpecAugmentConfig:
    """Frequency and time masks on the (normalised) fbank features, as AST's recipe applies them.
    The S2Cap paper applies SpecAugment to AST's input (issue 14's summary of it); the widths are
    AST's own AudioSet recipe (Gong et al. 2021, freqm 48 / timem 192 of 128 bins / 1024 frames),
    since the text of the paper available here gives none. Training only; the mix and its vocal
    stem get the same masks, so the demixing KL compares the same positions."""
    freq_mask: int = 48
    time_mask: int = 192
    freq_masks: int = 1
    time_masks: int = 1


@dataclass
class StageConfig:
    epochs: int
    lr: float
    # loss = ce·CE + crescendo·CRESCENDO + kl·KL(vocal ‖ mix)
    ce_weight: float
    crescendo_weight: float
    kl_weight: float
    # which parameters train: "encoder" (AST + projection only) or "all"
    train: str = "all"


@dataclass
class GenerationConfig:
    """Written to the pack's generation_config.json; used for validation decoding too."""
    num_beams: int = 4
    max_length: int = 64
    min_length: int = 1
    no_repeat_ngram_size: int = 3
    length_penalty: float = 1.0
    early_stopping: bool = True


@dataclass
class TrainConfig:
    """Where the numbers come from. The S2Cap paper (arXiv 2409.09866v2, method: "CRESCENDO" and
    "demixing supervision"; as issue 14 summarises it) fixes the structure: AST encoder + BART-base
    decoder, stage 1 = CRESCENDO alignment for 10 epochs, stage 2 = full fine-tuning with
    cross-entropy + the demixing KL for 20 epochs. The copy of the paper reachable while this was
    written held only its abstract and introduction, so the optimiser numbers below are NOT
    verified against its experimental section; they are the usual choices for fine-tuning these
    two pretrained models (AdamW; 5e-5 as BART fine-tuning uses, a larger 1e-4 for stage 1 where
    the projection starts from random; linear decay after warmup as HF's Trainer does; weight
    decay 0.01 = torch's AdamW default; loss weights 1). Check them against the paper's
    implementation details before quoting a run as the paper's recipe."""
    seed: int = 0
    batch_size: int = 16  # not verified against the paper (see above)
    weight_decay: float = 0.01
    warmup_steps: int = 0  # per stage: lr rises linearly over these optimizer steps, then `scheduler`
    scheduler: str = "linear"  # "linear": decays to 0 at the stage's last step | "constant"
    grad_clip: float = 1.0  # max global gradient norm (0: no clipping); not in the paper
    max_caption_tokens: int = 64  # <s> … </s> included; longer captions are truncated
    kl_temperature: float = 1.0  # τ = 1: a plain KL (no temperature in the text available here)
    amp: bool = True  # mixed precision on CUDA (ignored on CPU)
    num_workers: int = 0
    # AST features per clip are cached in memory (this many clips) and, with disk_cache, on disk
    # (0.5 MB per clip) in feature_cache_dir ("": RUN_DIR/cache; runs over one export may share a folder)
    feature_cache_items: int = 2048
    disk_cache: bool = True
    feature_cache_dir: str = ""
    # vocabulary of the byte-level BPE built from the training captions when no --init-decoder is given
    tokenizer_vocab_size: int = 1024
    # best checkpoint by this validation metric (higher is better): cider_d | bleu_4 | rouge_l
    select_metric: str = "cider_d"
    eval_every_epochs: int = 1
    log_every_steps: int = 10  # a `step` progress event every this many optimizer steps
    # stop early after this many steps in total (0: no limit); tests use it
    max_steps: int = 0
    # stage 1 (paper: CRESCENDO, 10 epochs, stop-gradient on the BART side; here AST + projection only train)
    stage1: StageConfig = field(default_factory=lambda: StageConfig(
        epochs=10, lr=1e-4, ce_weight=0.0, crescendo_weight=1.0, kl_weight=0.0, train="encoder"))
    # stage 2 (paper: cross-entropy + demixing KL, 20 epochs, all parameters)
    stage2: StageConfig = field(default_factory=lambda: StageConfig(
        epochs=20, lr=5e-5, ce_weight=1.0, crescendo_weight=0.0, kl_weight=1.0, train="all"))
    specaugment: SpecAugmentConfig = field(default_factory=SpecAugmentConfig)


@dataclass
class Config:
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    decoder: DecoderConfig = field(default_factory=DecoderConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    generation: GenerationConfig = field(default_factory=GenerationConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _merge(obj: Any, values: dict[str, Any], where: str) -> Any:
    """Returns a copy of dataclass `obj` with `values` applied; unknown keys are an error."""
    known = {f.name: f for f in dataclasses.fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ValueError(f"{where}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise ValueError(f"{where}.{key}: expected an object")
            changes[key] = _merge(current, value, f"{where}.{key}")
        else:
            changes[key] = value
    return dataclasses.replace(obj, **changes)


def config_from_dict(values: dict[str, Any], base: Config | None = None) -> Config:
    return _merge(base or Config(), values, "config")


def read_json_object(path: str, what: str) -> dict[str, Any]:
    """The JSON object in the file at `path` (a --config file, a run's config.json or run.json, an
    --init folder's config.json); a one-line ValueError naming the file and `what` it should hold
    when it is missing, unreadable, not UTF-8 JSON or not an object."""
    try:
        with open(path, encoding="utf-8") as f:
            values = json.load(f)
    except FileNotFoundError:
        raise ValueError(f"{path}: missing ({what})") from None
    except (OSError, ValueError) as e:  # ValueError: JSONDecodeError and UnicodeDecodeError alike
        raise ValueError(f"{path}: cannot read {what} ({getattr(e, 'strerror', None) or e})") from None
    if not isinstance(values, dict):
        raise ValueError(f"{path}: {what} must be a JSON object")
    return values


def load_config(path: str | None) -> Config:
    """The paper's defaults, overridden by the JSON file at `path` (if any)."""
    if path is None:
        return Config()
    values = read_json_object(path, "the config")
    try:
        return config_from_dict(values)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from e
