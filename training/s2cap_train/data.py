"""Reads the studio's Hugging Face audiofolder export (EXPORT_DIR/{train,validation,test}/
metadata.jsonl with file_name, vocals_file_name, caption, …; see the studio's
src/core/export/audiofolder.ts) into examples, and turns them into batches: AST features of the
mix and of the vocal stem, caption token ids."""
from dataclasses import dataclass
from typing import Optional


@dataclass
class Example:
    id: str
    audio: str  # absolute path of the clip
    vocals: Optional[str]  # absolute path of its vocal stem clip, when exported
    caption: str
    split: str


def load_export(folder: str) -> dict[str, list[Example]]:
    """Examples per split present. Clear ValueError naming the file for a missing folder,
    malformed metadata line, or a clip that does not exist."""
    raise NotImplementedError


def export_fingerprint(folder: str) -> str:
    """sha256 of the export's manifest.json (the training data manifest hash in model.json)."""
    raise NotImplementedError
