"""Byte-level BPE tokenizer (GPT-2/BART/RoBERTa family) read from a Hugging Face tokenizer.json,
in plain Python (no `tokenizers` package): encode as BART's tokenizer does (<s> … </s>) and
decode as the studio's @huggingface/tokenizers does, so captions match across the two. Also
builds a small byte-level BPE from the training captions when no pretrained tokenizer is given."""


class ByteLevelBPE:
    @classmethod
    def from_file(cls, path: str) -> "ByteLevelBPE":
        raise NotImplementedError

    @classmethod
    def build(cls, captions: list[str], vocab_size: int = 1024) -> "ByteLevelBPE":
        """Every byte a token, plus merges learned from the captions; special tokens <s>=0,
        <pad>=1, </s>=2, <unk>=3 and <mask> last, as BART's."""
        raise NotImplementedError

    def encode(self, text: str, max_length: int | None = None) -> list[int]:
        """[bos] + tokens + [eos], truncated to max_length (eos kept)."""
        raise NotImplementedError

    def decode(self, ids: list[int], skip_special_tokens: bool = True) -> str:
        raise NotImplementedError

    @property
    def vocab_size(self) -> int:
        raise NotImplementedError

    def to_json(self) -> dict:
        """tokenizer.json content the studio (@huggingface/tokenizers) loads."""
        raise NotImplementedError

    def save(self, folder: str) -> None:
        """tokenizer.json + tokenizer_config.json into folder."""
        raise NotImplementedError
