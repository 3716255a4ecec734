#!/usr/bin/python3
"""Builds the tiny ONNX model packs the tests use (test/fixtures/packs) and the AST feature
reference vectors (test/fixtures/features), with Debian's python3-torch 1.13, python3-onnx 1.12
and python3-torchaudio 0.13 (apt-get install python3-torch python3-onnx python3-torchaudio).

Packs have random (seeded) or hand-set weights but exactly the tensor names and layouts of real
exports, so the studio's loading code is the same code that loads a user's model:
- tiny-captioner: an AST-shaped encoder and a 2-layer BART-shaped decoder in Hugging Face
  Optimum's layout (encoder_model.onnx, decoder_model.onnx + decoder_with_past_model.onnx, and
  decoder_model_merged.onnx with use_cache_branch), a byte-level BPE tokenizer.json, and
  generation_config.json. Marked "fixture": never offered to users as a model. Plus the int8
  counterparts Optimum's quantizer writes (*_quantized.onnx, dynamic MatMulInteger; see
  scripts/onnx_int8.py for why that quantizer is hand-written), listed under captioner.quantized.
- identity-separator: a Demucs-style waveform export, mix [1,2,L] -> stems [1,2,2,L], whose
  "vocals" stem is the input and "accompaniment" silence, to check chunking reconstructs input.
- passthrough-htdemucs: the two-branch htdemucs export layout (waveform [1,2,343980] and
  complex-as-channels spectrogram [1,4,2048,336] in; frequency and time branches out) that
  passes the spectrogram through for stem 0, to check the STFT/iSTFT around the graph.

Run: npm run fixtures:packs
     /usr/bin/python3 scripts/make-fixture-packs.py quantized   # only (re)write the int8 files from
     the float graphs already there, leaving every other fixture file byte for byte as it is
"""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import helper

from onnx_int8 import count_ops, quantize_dynamic_int8

# One home each, in the training recipe (training/s2cap_train): GPT-2's byte table (byte_level.py),
# Optimum's decoder tensor names and dynamic axes (export_pack.py), the sha256 of a file (data.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "training"))
from s2cap_train.byte_level import bytes_to_unicode  # noqa: E402
from s2cap_train.data import sha256_file  # noqa: E402
from s2cap_train.export_pack import decoder_io, kv_names  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
PACKS = os.path.join(ROOT, "test", "fixtures", "packs")
FEATURES = os.path.join(ROOT, "test", "fixtures", "features")
torch.manual_seed(1234)
OPSET = 14

# ----------------------------------------------------------------------------- tokenizer

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
    added = [
        {"id": vocab[t], "content": t, "single_word": False, "lstrip": t == "<mask>", "rstrip": False, "normalized": False, "special": True}
        for t in ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    ]
    tok = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0], "trim_offsets": True, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "", "end_of_word_suffix": "",
                  "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": merges},
    }
    config = {"tokenizer_class": "BartTokenizer", "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>",
              "unk_token": "<unk>", "mask_token": "<mask>", "model_max_length": 1024, "add_prefix_space": False}
    return tok, config, len(vocab)


# ----------------------------------------------------------------------------- captioner

D, H, DH, LAYERS, ENC_S = 32, 2, 16, 2, 64


class Encoder(nn.Module):
    """AST-shaped: [B, 1024, 128] fbank frames in, [B, 64, D] hidden states out (projection inside)."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(128, D)
        self.pos = nn.Parameter(torch.randn(ENC_S, D) * 0.1)

    def forward(self, input_values):
        x = input_values.reshape(-1, ENC_S, 16, 128).mean(2)
        return torch.tanh(self.proj(x) + self.pos)


def split_heads(x):  # [B, T, D] -> [B, H, T, DH]
    return x.reshape(x.shape[0], x.shape[1], H, DH).transpose(1, 2)


def merge_heads(x):
    return x.transpose(1, 2).reshape(x.shape[0], x.shape[2], D)


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
        self.cq, self.ck, self.cv, self.co = (nn.Linear(D, D) for _ in range(4))
        self.ff1, self.ff2 = nn.Linear(D, 64), nn.Linear(64, D)
        self.n1, self.n2, self.n3 = nn.LayerNorm(D), nn.LayerNorm(D), nn.LayerNorm(D)

    def attend(self, q, k, v, bias):
        w = torch.softmax(q @ k.transpose(-1, -2) / DH ** 0.5 + bias, dim=-1)
        return merge_heads(w @ v)

    def forward(self, x, self_k, self_v, cross_k, cross_v, self_bias, cross_bias):
        q = split_heads(self.q(x))
        x = self.n1(x + self.o(self.attend(q, self_k, self_v, self_bias)))
        x = self.n2(x + self.co(self.attend(split_heads(self.cq(x)), cross_k, cross_v, cross_bias)))
        return self.n3(x + self.ff2(torch.relu(self.ff1(x))))


class Decoder(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.embed = nn.Embedding(vocab, D)
        self.pos = nn.Embedding(64, D)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.head = nn.Linear(D, vocab, bias=False)
        # Make the random model less flat, so beams and greedy differ in tests.
        with torch.no_grad():
            self.head.weight.mul_(6.0)

    def run(self, input_ids, enc_mask, past_len, past_self, cross):
        T = input_ids.shape[1]
        positions = torch.arange(T, dtype=torch.int64) + past_len
        x = self.embed(input_ids) + self.pos(positions).unsqueeze(0)
        total = past_len + T
        # causal: query i (absolute past_len + i) sees keys j <= past_len + i
        qi = (torch.arange(T) + past_len).unsqueeze(1)
        kj = torch.arange(total).unsqueeze(0)
        self_bias = torch.where(kj <= qi, torch.zeros(()), torch.full((), -1e9))
        cross_bias = (1.0 - enc_mask.to(torch.float32))[:, None, None, :] * -1e9
        presents = []
        for i, layer in enumerate(self.layers):
            k_new, v_new = split_heads(layer.k(x)), split_heads(layer.v(x))
            if past_self is not None:
                k_all = torch.cat([past_self[i][0], k_new], dim=2)
                v_all = torch.cat([past_self[i][1], v_new], dim=2)
            else:
                k_all, v_all = k_new, v_new
            ck, cv = cross[i]
            x = layer(x, k_all, v_all, ck, cv, self_bias, cross_bias)
            presents.append((k_all, v_all))
        return self.head(x), presents

    def cross_kv(self, enc):
        return [(split_heads(l.ck(enc)), split_heads(l.cv(enc))) for l in self.layers]


class DecoderNoPast(nn.Module):
    def __init__(self, dec):
        super().__init__()
        self.dec = dec

    def forward(self, input_ids, encoder_attention_mask, encoder_hidden_states):
        cross = self.dec.cross_kv(encoder_hidden_states)
        logits, presents = self.dec.run(input_ids, encoder_attention_mask, 0, None, cross)
        out = [logits]
        for (k, v), (ck, cv) in zip(presents, cross):
            out += [k, v, ck, cv]
        return tuple(out)


class DecoderWithPast(nn.Module):
    def __init__(self, dec):
        super().__init__()
        self.dec = dec

    def forward(self, input_ids, encoder_attention_mask, *past):
        past_self = [(past[4 * i], past[4 * i + 1]) for i in range(LAYERS)]
        cross = [(past[4 * i + 2], past[4 * i + 3]) for i in range(LAYERS)]
        past_len = past[0].shape[2]
        logits, presents = self.dec.run(input_ids, encoder_attention_mask, past_len, past_self, cross)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


def export_captioner(out):
    tok, tok_config, vocab = build_tokenizer()
    os.makedirs(out, exist_ok=True)
    enc, dec = Encoder().eval(), Decoder(vocab).eval()
    B = 2
    feats = torch.randn(B, 1024, 128)
    torch.onnx.export(enc, (feats,), f"{out}/encoder_model.onnx", input_names=["input_values"], output_names=["last_hidden_state"],
                      dynamic_axes={"input_values": {0: "batch_size"}, "last_hidden_state": {0: "batch_size", 1: "encoder_sequence_length"}},
                      opset_version=OPSET)
    hidden = enc(feats)
    ids = torch.tensor([[2, 0, 7], [2, 0, 9]], dtype=torch.int64)
    mask = torch.ones(B, ENC_S, dtype=torch.int64)
    io = decoder_io(LAYERS)
    names, outputs, dyn = io["decoder"]
    torch.onnx.export(DecoderNoPast(dec), (ids, mask, hidden), f"{out}/decoder_model.onnx",
                      input_names=names, output_names=outputs, dynamic_axes=dyn, opset_version=OPSET)
    with torch.no_grad():
        outs = DecoderNoPast(dec)(ids, mask, hidden)
    past = list(outs[1:])
    names, outputs, dyn = io["decoderWithPast"]
    torch.onnx.export(DecoderWithPast(dec), (ids[:, -1:], mask, *past), f"{out}/decoder_with_past_model.onnx",
                      input_names=names, output_names=outputs, dynamic_axes=dyn, opset_version=OPSET)
    merge_decoders(f"{out}/decoder_model.onnx", f"{out}/decoder_with_past_model.onnx", f"{out}/decoder_model_merged.onnx")
    with open(f"{out}/tokenizer.json", "w") as f:
        json.dump(tok, f, ensure_ascii=False)
    with open(f"{out}/tokenizer_config.json", "w") as f:
        json.dump(tok_config, f, indent=1)
    gen = {"decoder_start_token_id": 2, "bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1, "forced_bos_token_id": 0,
           "num_beams": 4, "max_length": 24, "min_length": 4, "no_repeat_ngram_size": 3, "length_penalty": 1.0, "early_stopping": True}
    with open(f"{out}/generation_config.json", "w") as f:
        json.dump(gen, f, indent=1)
    config = {"model_type": "bart", "d_model": D, "decoder_layers": LAYERS, "decoder_attention_heads": H, "vocab_size": vocab,
              "is_encoder_decoder": True}
    with open(f"{out}/config.json", "w") as f:
        json.dump(config, f, indent=1)
    write_manifest(out, {
        "name": "tiny-captioner", "version": "1.0.0", "roles": ["captioner"], "fixture": True, "license": "MIT",
        "description": "Random-weight test fixture with the tensor names of an AST encoder + BART decoder exported by Optimum.",
        "sources": ["scripts/make-fixture-packs.py"],
        "captioner": {"sampleRate": 16000, "encoder": "encoder_model.onnx", "decoderMerged": "decoder_model_merged.onnx",
                      "decoder": "decoder_model.onnx", "decoderWithPast": "decoder_with_past_model.onnx",
                      "tokenizer": "tokenizer.json", "tokenizerConfig": "tokenizer_config.json", "generationConfig": "generation_config.json"},
    })


QUANTIZED = {"encoder": "encoder_model.onnx", "decoderMerged": "decoder_model_merged.onnx", "decoder": "decoder_model.onnx",
             "decoderWithPast": "decoder_with_past_model.onnx"}


def add_quantized(folder):
    """Writes <name>_quantized.onnx beside each float graph of a captioner pack, and lists them in
    its model.json (files with their sha256, captioner.quantized), changing nothing else."""
    with open(os.path.join(folder, "model.json")) as f:
        manifest = json.load(f)
    quantized = {}
    for role, name in QUANTIZED.items():
        if manifest["captioner"].get(role) != name:
            continue
        out = name.replace(".onnx", "_quantized.onnx")
        q = quantize_dynamic_int8(onnx.load(os.path.join(folder, name)))
        onnx.save(q, os.path.join(folder, out))
        print(f"{out}: {count_ops(q, 'MatMulInteger')} MatMulInteger")
        manifest["files"][out] = {"sha256": sha256_file(os.path.join(folder, out))}
        quantized[role] = out
    manifest["files"] = dict(sorted(manifest["files"].items()))
    manifest["captioner"]["quantized"] = quantized
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump(manifest, f, indent=1)


def merge_decoders(no_past_path, with_past_path, out_path):
    """Hugging Face Optimum's merged decoder: one graph, an If on use_cache_branch choosing the
    with-past branch (True) or the first-step branch (False); every output in the same order."""
    a, b = onnx.load(no_past_path), onnx.load(with_past_path)

    def prefixed(g, p):
        rename = {i.name: p + i.name for i in g.initializer}
        for n in g.node:
            for k, o in enumerate(n.output):
                if o not in [x.name for x in g.output]:
                    rename.setdefault(o, p + o)
        for init in g.initializer:
            init.name = rename[init.name]
        for n in g.node:
            n.name = p + (n.name or n.op_type)
            n.input[:] = [rename.get(x, x) for x in n.input]
            n.output[:] = [rename.get(x, x) for x in n.output]
        return g

    ga, gb = prefixed(a.graph, "nopast_"), prefixed(b.graph, "past_")
    order = ["logits"] + kv_names("present", LAYERS)
    # Branch outputs must be uniquely named: rename each branch's final outputs.
    def branch(g, p, passthrough):
        nodes = list(g.node)
        outs = []
        for name in order:
            if name in [o.name for o in g.output]:
                src = name
            else:  # encoder cache: unchanged in the with-past step
                src = passthrough[name]
            nodes.append(helper.make_node("Identity", [src], [p + "out_" + name], name=p + "id_" + name))
            outs.append(helper.make_tensor_value_info(p + "out_" + name, onnx.TensorProto.FLOAT, None))
        return helper.make_graph(nodes, p + "branch", [], outs)

    passthrough = {f"present.{i}.encoder.{kv}": f"past_key_values.{i}.encoder.{kv}" for i in range(LAYERS) for kv in ("key", "value")}
    then_g = branch(gb, "past_", passthrough)
    else_g = branch(ga, "nopast_", {})
    inputs = {i.name: i for i in list(ga.input) + list(gb.input)}
    use_cache = helper.make_tensor_value_info("use_cache_branch", onnx.TensorProto.BOOL, [1])
    main_inputs = [inputs["input_ids"], inputs["encoder_attention_mask"], inputs["encoder_hidden_states"]] + [inputs[n] for n in kv_names("past_key_values", LAYERS)] + [use_cache]
    cond = helper.make_node("Squeeze", ["use_cache_branch", "squeeze_axes"], ["use_cache_scalar"], name="squeeze_cond")
    axes = helper.make_tensor("squeeze_axes", onnx.TensorProto.INT64, [1], [0])
    if_node = helper.make_node("If", ["use_cache_scalar"], order, name="optimum::if", then_branch=then_g, else_branch=else_g)
    outputs = {o.name: o for o in list(ga.output) + list(gb.output)}
    graph = helper.make_graph([cond, if_node], "merged_decoder", main_inputs, [outputs[n] for n in order],
                              initializer=list(ga.initializer) + list(gb.initializer) + [axes])
    model = helper.make_model(graph, opset_imports=a.opset_import, producer_name="s2cap-fixtures")
    model.ir_version = a.ir_version
    onnx.checker.check_model(model)
    onnx.save(model, out_path)


# ----------------------------------------------------------------------------- separators

class IdentitySeparator(nn.Module):
    def forward(self, mix):  # [1, 2, L] -> [1, 2, 2, L]: vocals = mix, accompaniment = 0
        return torch.stack([mix, mix * 0.0], dim=1)


class PassthroughHTDemucs(nn.Module):
    """Two-branch layout: stem 0's spectrogram is the input spectrogram, every time branch is 0."""

    def forward(self, input, x):  # input [1,2,L], x [1,4,2048,T]
        freq = torch.stack([x, x * 0.0, x * 0.0, x * 0.0], dim=1)  # [1, 4, 4, 2048, T]
        time = torch.stack([input * 0.0] * 4, dim=1)  # [1, 4, 2, L]
        return freq, time


def export_separators():
    out = os.path.join(PACKS, "identity-separator")
    os.makedirs(out, exist_ok=True)
    L = 22050
    torch.onnx.export(IdentitySeparator(), (torch.randn(1, 2, L),), f"{out}/separator.onnx", input_names=["mix"], output_names=["stems"], opset_version=OPSET)
    write_manifest(out, {
        "name": "identity-separator", "version": "1.0.0", "roles": ["separator"], "fixture": True, "license": "MIT",
        "description": "Test fixture: vocals = input, accompaniment = silence; checks Demucs-style chunking.",
        "sources": ["scripts/make-fixture-packs.py"],
        "separator": {"kind": "waveform", "model": "separator.onnx", "sampleRate": 44100, "channels": 2, "segmentSamples": L,
                      "sources": ["vocals", "accompaniment"], "inputs": {"waveform": "mix"}, "outputs": {"stems": "stems"}},
    })
    out = os.path.join(PACKS, "passthrough-htdemucs")
    os.makedirs(out, exist_ok=True)
    L, T = 343980, 336
    torch.onnx.export(PassthroughHTDemucs(), (torch.randn(1, 2, L), torch.randn(1, 4, 2048, T)), f"{out}/htdemucs.onnx",
                      input_names=["input", "x"], output_names=["output", "add_67"], opset_version=OPSET)
    write_manifest(out, {
        "name": "passthrough-htdemucs", "version": "1.0.0", "roles": ["separator"], "fixture": True, "license": "MIT",
        "description": "Test fixture in the two-branch htdemucs ONNX layout: stem 0 = the input via STFT/iSTFT.",
        "sources": ["scripts/make-fixture-packs.py"],
        "separator": {"kind": "htdemucs", "model": "htdemucs.onnx", "sampleRate": 44100, "channels": 2, "segmentSamples": L,
                      "sources": ["vocals", "drums", "bass", "other"],
                      "inputs": {"waveform": "input", "spectrogram": "x"}, "outputs": {"frequency": "output", "time": "add_67"}},
    })


def write_manifest(folder, manifest):
    files = {}
    for name in sorted(os.listdir(folder)):
        if name == "model.json":
            continue
        files[name] = {"sha256": sha256_file(os.path.join(folder, name))}
    manifest = {"format": 1, **manifest, "files": files}
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump(manifest, f, indent=1)


# ----------------------------------------------------------------------------- AST features

def ast_reference():
    """Reference fbank features computed exactly as transformers' ASTFeatureExtractor does."""
    import torchaudio  # only needed here, so the bench models build where torchaudio is missing

    os.makedirs(FEATURES, exist_ok=True)
    wav = os.path.join(FEATURES, "voice16k.wav")
    subprocess.run(["sox", "-R", "-n", "-r", "16000", "-c", "1", "-b", "16", wav, "synth", "3", "sine", "180-260", "sine", "500-700",
                    "pinknoise", "vol", "0.4", "remix", "1v0.5,2v0.3,3v0.2"], check=True)
    waveform, sr = torchaudio.load(wav)  # float32 in [-1, 1], as the feature extractor receives it
    assert sr == 16000
    fbank = torchaudio.compliance.kaldi.fbank(waveform, sample_frequency=16000, htk_compat=True, window_type="hanning",
                                              num_mel_bins=128, dither=0.0, frame_shift=10)
    n = fbank.shape[0]
    fbank = torch.nn.ZeroPad2d((0, 0, 0, 1024 - n))(fbank) if n < 1024 else fbank[:1024]
    fbank = (fbank - (-4.2677393)) / (4.5689974 * 2)
    np.save(os.path.join(FEATURES, "voice16k.ast.npy"), fbank.numpy().astype(np.float32))
    # The same computation in float64: torch's float32 rounding aside, the two must agree.
    f64 = torchaudio.compliance.kaldi.fbank(waveform.double(), sample_frequency=16000, htk_compat=True, window_type="hanning",
                                            num_mel_bins=128, dither=0.0, frame_shift=10)
    f64 = torch.nn.ZeroPad2d((0, 0, 0, 1024 - f64.shape[0]))(f64)
    np.save(os.path.join(FEATURES, "voice16k.ast.f64.npy"), ((f64 - (-4.2677393)) / (4.5689974 * 2)).numpy().astype(np.float32))


if __name__ == "__main__":
    only = sys.argv[1:]
    if not only or "packs" in only:
        export_captioner(os.path.join(PACKS, "tiny-captioner"))
        add_quantized(os.path.join(PACKS, "tiny-captioner"))
        export_separators()
    if "quantized" in only:
        add_quantized(os.path.join(PACKS, "tiny-captioner"))
    if not only or "features" in only:
        ast_reference()
    print("fixture packs written to", PACKS)
