"""export_captioner: the tiny-captioner fixture pack — an AST-shaped encoder and a 2-layer
BART-shaped decoder with random (seeded) weights in Hugging Face Optimum's layout
(encoder_model.onnx, decoder_model.onnx + decoder_with_past_model.onnx, and
decoder_model_merged.onnx with use_cache_branch), the tokenizer, generation_config.json and
model.json. The sizes (D, H, DH, LAYERS, ENC_S) are module globals that
scripts/make-bench-models.py sets to AST/BART-base before it builds its benchmark captioner with
its own encoder and tokenizer."""
import json
import os

import onnx
import torch
import torch.nn as nn
from onnx import helper

from s2cap_train.export_pack import decoder_io, kv_names

from . import OPSET
from .manifest import write_manifest
from .tokenizer import build_tokenizer

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


def export_captioner(out, encoder=None, tokenizer=None):
    """Writes the pack into `out`; `encoder` (a module: [B, 1024, 128] → [B, ENC_S, D]) and
    `tokenizer` ((tokenizer.json, tokenizer_config.json, vocabulary size)) replace the tiny ones."""
    tok, tok_config, vocab = tokenizer if tokenizer is not None else build_tokenizer()
    os.makedirs(out, exist_ok=True)
    enc, dec = (encoder if encoder is not None else Encoder()).eval(), Decoder(vocab).eval()
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
