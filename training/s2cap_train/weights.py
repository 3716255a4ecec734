"""Loads Hugging Face checkpoints from local folders (config.json + model.safetensors or
pytorch_model.bin) into our modules by parameter name, with no `transformers` and no
`safetensors` package (the safetensors format is an 8-byte header length, a JSON header and raw
little-endian tensors; reading it is a few lines, and the package is not in Debian)."""
import torch


def read_safetensors(path: str) -> dict[str, torch.Tensor]:
    raise NotImplementedError


def load_checkpoint_folder(folder: str) -> tuple[dict, dict[str, torch.Tensor]]:
    """(config.json as a dict, state dict) from FOLDER; a clear ValueError naming the folder when
    neither weight file is there or the config is missing."""
    raise NotImplementedError


def init_encoder(model, folder: str) -> list[str]:
    """Loads AST weights into model.encoder (prefix `audio_spectrogram_transformer.` stripped,
    classifier ignored); returns notes (ignored keys). Missing or mis-shaped weights: ValueError."""
    raise NotImplementedError


def init_decoder(model, folder: str) -> list[str]:
    """Loads BART weights into model.bart (BartModel keys gain `model.`; lm_head tied to
    model.shared when absent); returns notes. Missing or mis-shaped weights: ValueError."""
    raise NotImplementedError
