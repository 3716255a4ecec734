"""build_tokenizer: the tiny captioner's tokenizer.json and tokenizer_config.json — a real
byte-level BPE as BART's (every byte a token, merges for the words captions use), so the studio's
tokenizer code runs on it exactly as on a user's model. The tokenizer.json layout is the recipe's
(s2cap_train.tokenizer.bart_tokenizer_json); only the merges are hand-picked here."""
from s2cap_train.byte_level import bytes_to_unicode
from s2cap_train.tokenizer import bart_tokenizer_json

WORDS = """a an the and with of in is are this song track voice singer sings sung male female man woman
low high medium pitch pitched tempo slow fast moderate volume loud soft quiet mood happy sad calm energetic
dark bright warm breathy raspy clear smooth powerful gentle timbre genre pop rock jazz opera folk soul
ballad electronic hip hop r&b country classical vocals vocal over beat guitar piano drums strings melody
features delivers emotional tender melancholic uplifting dreamy passionate""".split()


def build_tokenizer():
    """A real byte-level BPE (as BART's): every byte is a token, plus merges for caption words."""
    b2u = bytes_to_unicode()
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for b in range(256):
        vocab.setdefault(b2u[b], len(vocab))
    merges = []
    for w in WORDS + [",", "."]:
        sym = "".join(b2u[b] for b in (" " + w).encode("utf-8")) if w not in (",", ".") else w
        cur = sym[0]
        for ch in sym[1:]:
            nxt = cur + ch
            if nxt not in vocab:
                merges.append(f"{cur} {ch}")
                vocab[nxt] = len(vocab)
            cur = nxt
    vocab["<mask>"] = len(vocab)
    tok = bart_tokenizer_json(vocab, merges)
    config = {"tokenizer_class": "BartTokenizer", "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>",
              "unk_token": "<unk>", "mask_token": "<mask>", "model_max_length": 1024, "add_prefix_space": False}
    return tok, config, len(vocab)
