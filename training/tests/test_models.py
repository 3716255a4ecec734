"""The AST and BART modules: Hugging Face's parameter names and shapes (so checkpoints load by
name), AST's patch layout, the KV cache (cached decoding equals a full pass), causality, and
padding masks (padding changes nothing for the real tokens)."""
import unittest

import torch
from torch.nn import functional as F

import helpers  # noqa: F401  (puts training/ on sys.path)
from helpers import tiny_config
from s2cap_train.models.ast import ASTEncoder, patch_grid
from s2cap_train.models.bart import BartForConditionalGeneration
from s2cap_train.models.captioner import S2CapModel


def randomize(module: torch.nn.Module, seed: int, std: float = 0.5) -> None:
    """Every parameter and buffer random (zero-initialised tokens, biases and final_logits_bias
    included), so no wrong wiring hides behind a zero; LayerNorm weights around 1."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in list(module.named_parameters()) + list(module.named_buffers()):
            noise = torch.randn(t.shape, generator=g) * std
            t.copy_(1 + 0.1 * noise if name.endswith("norm.weight") or "layer_norm.weight" in name
                    or "layernorm_embedding.weight" in name else noise)


def ast_expected_keys(cfg) -> dict:
    """ASTModel's state_dict, by the rules of transformers'
    src/transformers/models/audio_spectrogram_transformer/modeling_audio_spectrogram_transformer.py
    (ASTEmbeddings, ASTPatchEmbeddings, ASTLayer, ASTModel.layernorm)."""
    h, i = cfg.hidden_size, cfg.intermediate_size
    f, t = patch_grid(cfg)
    keys = {"embeddings.cls_token": [1, 1, h], "embeddings.distillation_token": [1, 1, h],
            "embeddings.position_embeddings": [1, f * t + 2, h],
            "embeddings.patch_embeddings.projection.weight": [h, 1, cfg.patch_size, cfg.patch_size],
            "embeddings.patch_embeddings.projection.bias": [h],
            "layernorm.weight": [h], "layernorm.bias": [h]}
    for n in range(cfg.num_hidden_layers):
        p = f"encoder.layer.{n}."
        for lin, shape in (("attention.attention.query", [h, h]), ("attention.attention.key", [h, h]),
                           ("attention.attention.value", [h, h]), ("attention.output.dense", [h, h]),
                           ("intermediate.dense", [i, h]), ("output.dense", [h, i])):
            keys[p + lin + ".weight"] = shape
            keys[p + lin + ".bias"] = [shape[0]]
        for ln in ("layernorm_before", "layernorm_after"):
            keys[p + ln + ".weight"] = [h]
            keys[p + ln + ".bias"] = [h]
    return keys


def bart_expected_keys(cfg) -> dict:
    """BartForConditionalGeneration's state_dict, by the rules of transformers'
    src/transformers/models/bart/modeling_bart.py (BartModel.shared shared by both stacks as
    embed_tokens, BartLearnedPositionalEmbedding with 2 extra rows, BartEncoderLayer,
    BartDecoderLayer, lm_head, the final_logits_bias buffer)."""
    d, v = cfg.d_model, cfg.vocab_size
    keys = {"model.shared.weight": [v, d], "lm_head.weight": [v, d], "final_logits_bias": [1, v]}

    def attn(p):
        for proj in ("k_proj", "v_proj", "q_proj", "out_proj"):
            keys[f"{p}.{proj}.weight"] = [d, d]
            keys[f"{p}.{proj}.bias"] = [d]

    def norm(p):
        keys[p + ".weight"] = [d]
        keys[p + ".bias"] = [d]

    for stack, n, ffn in (("encoder", cfg.encoder_layers, cfg.encoder_ffn_dim), ("decoder", cfg.decoder_layers, cfg.decoder_ffn_dim)):
        s = f"model.{stack}."
        keys[s + "embed_tokens.weight"] = [v, d]
        keys[s + "embed_positions.weight"] = [cfg.max_position_embeddings + 2, d]
        norm(s + "layernorm_embedding")
        for i in range(n):
            p = f"{s}layers.{i}."
            attn(p + "self_attn")
            norm(p + "self_attn_layer_norm")
            if stack == "decoder":
                attn(p + "encoder_attn")
                norm(p + "encoder_attn_layer_norm")
            keys[p + "fc1.weight"], keys[p + "fc1.bias"] = [ffn, d], [ffn]
            keys[p + "fc2.weight"], keys[p + "fc2.bias"] = [d, ffn], [d]
            norm(p + "final_layer_norm")
    return keys


def shapes(module) -> dict:
    return {k: list(t.shape) for k, t in module.state_dict().items()}


def _ln(x, sd, p, eps=1e-5):
    return F.layer_norm(x, x.shape[-1:], sd[p + ".weight"], sd[p + ".bias"], eps)


def _lin(x, sd, p):
    return F.linear(x, sd[p + ".weight"], sd[p + ".bias"])


def _mha(q_in, kv_in, sd, p, names, heads, bias=None):
    """Multi-head attention from a state dict, written out as HF's eager attention computes it."""
    b, tq, d = q_in.shape
    dh = d // heads
    q, k, v = (_lin(x, sd, p + n).view(b, -1, heads, dh).transpose(1, 2) for x, n in zip((q_in, kv_in, kv_in), names))
    w = q @ k.transpose(-1, -2) / dh ** 0.5
    if bias is not None:
        w = w + bias
    return (w.softmax(-1) @ v).transpose(1, 2).reshape(b, tq, d)


def reference_ast(sd, cfg, x):
    """ASTModel.forward from its state dict, following modeling_audio_spectrogram_transformer.py."""
    w = sd["embeddings.patch_embeddings.projection.weight"]
    h = F.conv2d(x.unsqueeze(1).transpose(2, 3), w, sd["embeddings.patch_embeddings.projection.bias"],
                 stride=(cfg.frequency_stride, cfg.time_stride)).flatten(2).transpose(1, 2)
    b = x.shape[0]
    h = torch.cat([sd["embeddings.cls_token"].expand(b, -1, -1), sd["embeddings.distillation_token"].expand(b, -1, -1), h], 1)
    h = h + sd["embeddings.position_embeddings"]
    for i in range(cfg.num_hidden_layers):
        p = f"encoder.layer.{i}."
        a = _ln(h, sd, p + "layernorm_before", cfg.layer_norm_eps)
        a = _mha(a, a, sd, p + "attention.attention.", ("query", "key", "value"), cfg.num_attention_heads)
        h = _lin(a, sd, p + "attention.output.dense") + h
        m = F.gelu(_lin(_ln(h, sd, p + "layernorm_after", cfg.layer_norm_eps), sd, p + "intermediate.dense"))
        h = _lin(m, sd, p + "output.dense") + h
    return _ln(h, sd, "layernorm", cfg.layer_norm_eps)


def reference_bart_logits(sd, cfg, ids, enc):
    """BartDecoder + lm_head + final_logits_bias from the state dict, following modeling_bart.py (post-LN)."""
    t = ids.shape[1]
    h = F.embedding(ids, sd["model.shared.weight"]) + sd["model.decoder.embed_positions.weight"][2:2 + t]
    h = _ln(h, sd, "model.decoder.layernorm_embedding")
    causal = torch.full((t, t), torch.finfo(torch.float32).min).triu(1)
    names = ("q_proj", "k_proj", "v_proj")
    heads = cfg.decoder_attention_heads
    for i in range(cfg.decoder_layers):
        p = f"model.decoder.layers.{i}."
        h = _ln(h + _lin(_mha(h, h, sd, p + "self_attn.", names, heads, causal), sd, p + "self_attn.out_proj"),
                sd, p + "self_attn_layer_norm")
        h = _ln(h + _lin(_mha(h, enc, sd, p + "encoder_attn.", names, heads), sd, p + "encoder_attn.out_proj"),
                sd, p + "encoder_attn_layer_norm")
        h = _ln(h + _lin(F.gelu(_lin(h, sd, p + "fc1")), sd, p + "fc2"), sd, p + "final_layer_norm")
    return F.linear(h, sd["lm_head.weight"]) + sd["final_logits_bias"]


def reference_bart_encoder(sd, cfg, ids, mask):
    """BartEncoder from the state dict, following modeling_bart.py (post-LN, padding masked as keys)."""
    t = ids.shape[1]
    h = F.embedding(ids, sd["model.shared.weight"]) + sd["model.encoder.embed_positions.weight"][2:2 + t]
    h = _ln(h, sd, "model.encoder.layernorm_embedding")
    pad = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    names = ("q_proj", "k_proj", "v_proj")
    for i in range(cfg.encoder_layers):
        p = f"model.encoder.layers.{i}."
        h = _ln(h + _lin(_mha(h, h, sd, p + "self_attn.", names, cfg.encoder_attention_heads, pad),
                         sd, p + "self_attn.out_proj"), sd, p + "self_attn_layer_norm")
        h = _ln(h + _lin(F.gelu(_lin(h, sd, p + "fc1")), sd, p + "fc2"), sd, p + "final_layer_norm")
    return h


class AgainstWrittenOutReferences(unittest.TestCase):
    """The modules against their computations written out from HF's source over the state dict
    (the same weights by name; the GPU check in tools/hf_parity.py compares with transformers itself)."""

    def test_ast(self):
        cfg = tiny_config().encoder
        enc = ASTEncoder(cfg).eval()
        randomize(enc, 7)
        x = torch.randn(2, cfg.max_length, cfg.num_mel_bins, generator=torch.Generator().manual_seed(8))
        with torch.no_grad():
            self.assertTrue(torch.allclose(enc(x), reference_ast(enc.state_dict(), cfg, x), atol=1e-4))

    def test_bart_decoder(self):
        cfg = tiny_config().decoder
        bart = BartForConditionalGeneration(cfg).eval()
        randomize(bart, 9)
        g = torch.Generator().manual_seed(10)
        ids, enc = torch.randint(0, cfg.vocab_size, (2, 7), generator=g), torch.randn(2, 5, cfg.d_model, generator=g)
        with torch.no_grad():
            got, _ = bart.decode(ids, enc)
            self.assertTrue(torch.allclose(got, reference_bart_logits(bart.state_dict(), cfg, ids, enc), atol=1e-4))

    def test_bart_encoder(self):
        cfg = tiny_config().decoder
        bart = BartForConditionalGeneration(cfg).eval()
        randomize(bart, 13)
        ids = torch.randint(3, cfg.vocab_size, (2, 7), generator=torch.Generator().manual_seed(14))
        mask = torch.tensor([[1] * 7, [1] * 4 + [0] * 3])
        with torch.no_grad():
            got = bart.encode_text(ids, mask)
            want = reference_bart_encoder(bart.state_dict(), cfg, ids, mask)
        self.assertTrue(torch.allclose(got, want, atol=1e-4))


class HuggingFaceNames(unittest.TestCase):
    def test_ast_state_dict_is_astmodels(self):
        cfg = tiny_config().encoder
        self.assertEqual(shapes(ASTEncoder(cfg)), ast_expected_keys(cfg))

    def test_bart_state_dict_is_bart_for_conditional_generations(self):
        cfg = tiny_config().decoder
        self.assertEqual(shapes(BartForConditionalGeneration(cfg)), bart_expected_keys(cfg))

    def test_lm_head_and_embeddings_are_one_tensor(self):
        bart = BartForConditionalGeneration(tiny_config().decoder)
        shared = bart.model.shared.weight
        for t in (bart.lm_head.weight, bart.model.encoder.embed_tokens.weight, bart.model.decoder.embed_tokens.weight):
            self.assertIs(t, shared)
        # one parameter, trained once
        self.assertEqual(sum(1 for p in bart.parameters() if p is shared), 1)


class AstLayout(unittest.TestCase):
    def test_patches_read_time_by_mel_windows_frequency_major(self):
        # ASTPatchEmbeddings: input [B, T, F] → [B, 1, F, T] → Conv2d → flatten: patch (f, t) at index f·T' + t
        cfg = tiny_config().encoder
        enc = ASTEncoder(cfg)
        randomize(enc, 1)
        x = torch.randn(2, cfg.max_length, cfg.num_mel_bins, generator=torch.Generator().manual_seed(2))
        with torch.no_grad():
            patches = enc.embeddings.patch_embeddings(x)
        conv = enc.embeddings.patch_embeddings.projection
        f_n, t_n = patch_grid(cfg)
        self.assertEqual(list(patches.shape), [2, f_n * t_n, cfg.hidden_size])
        p = cfg.patch_size
        for f, t in ((0, 0), (1, 0), (0, 1), (f_n - 1, t_n - 1), (3, 17)):
            window = x[:, t * cfg.time_stride:t * cfg.time_stride + p, f * cfg.frequency_stride:f * cfg.frequency_stride + p]
            # the kernel's rows are mel bins, its columns frames
            want = torch.einsum("hft,bft->bh", conv.weight[:, 0], window.transpose(1, 2)) + conv.bias
            self.assertTrue(torch.allclose(patches[:, f * t_n + t], want, atol=1e-4), (f, t))

    def test_output_is_cls_distillation_and_patches_after_the_final_layernorm(self):
        cfg = tiny_config().encoder
        enc = ASTEncoder(cfg).eval()
        randomize(enc, 3)
        out = enc(torch.randn(1, cfg.max_length, cfg.num_mel_bins))
        self.assertEqual(list(out.shape), [1, enc.sequence_length, cfg.hidden_size])
        # after the final LayerNorm each position is normalised then scaled: (out - bias) / weight has mean 0, var 1
        z = (out - enc.layernorm.bias) / enc.layernorm.weight
        self.assertTrue(torch.allclose(z.mean(-1), torch.zeros(1, enc.sequence_length), atol=1e-4))
        with self.assertRaisesRegex(ValueError, "AST input must be"):
            enc(torch.randn(1, 100, cfg.num_mel_bins))


class BartDecoding(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.cfg = tiny_config().decoder
        self.bart = BartForConditionalGeneration(self.cfg).eval()
        randomize(self.bart, 4)
        g = torch.Generator().manual_seed(5)
        self.states = torch.randn(3, 11, self.cfg.d_model, generator=g)
        self.ids = torch.randint(3, self.cfg.vocab_size, (3, 9), generator=g)

    def test_cached_decoding_equals_the_full_pass(self):
        with torch.no_grad():
            full, _ = self.bart.decode(self.ids, self.states)
            # one token at a time
            logits, past = self.bart.decode(self.ids[:, :1], self.states, use_cache=True)
            steps = [logits]
            for t in range(1, self.ids.shape[1]):
                logits, past = self.bart.decode(self.ids[:, t:t + 1], None, None, past, use_cache=True)
                steps.append(logits)
            self.assertTrue(torch.allclose(torch.cat(steps, 1), full, atol=1e-5))
            # several tokens per call after a cache (the causal mask must be offset by the past)
            a, past = self.bart.decode(self.ids[:, :4], self.states, use_cache=True)
            b, past = self.bart.decode(self.ids[:, 4:7], None, None, past, use_cache=True)
            c, past = self.bart.decode(self.ids[:, 7:], None, None, past, use_cache=True)
            self.assertTrue(torch.allclose(torch.cat([a, b, c], 1), full, atol=1e-5))
        # Optimum's layout: per layer self key, self value, cross key, cross value, [B, heads, T, Dh]
        self.assertEqual(len(past), self.cfg.decoder_layers)
        heads, dh = self.cfg.decoder_attention_heads, self.cfg.d_model // self.cfg.decoder_attention_heads
        self.assertEqual([list(t.shape) for t in past[0]], [[3, heads, 9, dh], [3, heads, 9, dh], [3, heads, 11, dh], [3, heads, 11, dh]])

    def test_decoder_is_causal(self):
        with torch.no_grad():
            a, _ = self.bart.decode(self.ids, self.states)
            changed = self.ids.clone()
            changed[:, 5] = (changed[:, 5] + 1) % self.cfg.vocab_size
            b, _ = self.bart.decode(changed, self.states)
        self.assertTrue(torch.allclose(a[:, :5], b[:, :5], atol=1e-6))
        self.assertFalse(torch.allclose(a[:, 5:], b[:, 5:], atol=1e-3))

    def test_encoder_attention_mask_hides_padded_states(self):
        junk = torch.randn(3, 5, self.cfg.d_model) * 10
        padded = torch.cat([self.states, junk], 1)
        mask = torch.cat([torch.ones(3, 11), torch.zeros(3, 5)], 1).long()
        with torch.no_grad():
            want, _ = self.bart.decode(self.ids, self.states)
            got, _ = self.bart.decode(self.ids, padded, mask)
            unmasked, _ = self.bart.decode(self.ids, padded)
        self.assertTrue(torch.allclose(got, want, atol=1e-5))
        self.assertFalse(torch.allclose(unmasked, want, atol=1e-3))

    def test_text_encoder_ignores_padding(self):
        pad = self.cfg.pad_token_id
        short = torch.tensor([[0, 7, 8, 9, 2]])
        batch = torch.tensor([[0, 7, 8, 9, 2, pad, pad], [0, 5, 6, 7, 8, 9, 2]])
        mask = (batch != pad).long()
        with torch.no_grad():
            alone = self.bart.encode_text(short, torch.ones_like(short))
            both = self.bart.encode_text(batch, mask)
            nomask = self.bart.encode_text(batch, torch.ones_like(batch))
        self.assertTrue(torch.allclose(both[0, :5], alone[0], atol=1e-5))
        self.assertFalse(torch.allclose(nomask[0, :5], alone[0], atol=1e-3))

    def test_positions_start_at_row_two_and_scale_embedding_multiplies_tokens(self):
        import dataclasses
        ids = torch.tensor([[4]])
        bart = self.bart
        emb = bart.model.decoder
        x = emb.embed(ids, 0)
        want = emb.layernorm_embedding(bart.model.shared.weight[4] + emb.embed_positions.weight[2])
        self.assertTrue(torch.allclose(x[0, 0], want, atol=1e-6))
        scaled = BartForConditionalGeneration(dataclasses.replace(self.cfg, scale_embedding=True)).eval()
        scaled.load_state_dict(bart.state_dict())
        x = scaled.model.decoder.embed(ids, 3)
        want = emb.layernorm_embedding(bart.model.shared.weight[4] * self.cfg.d_model ** 0.5 + emb.embed_positions.weight[5])
        self.assertTrue(torch.allclose(x[0, 0], want, atol=1e-5))

    def test_dropout_only_in_training(self):
        with torch.no_grad():
            a, _ = self.bart.decode(self.ids, self.states)
            b, _ = self.bart.decode(self.ids, self.states)
            self.assertTrue(torch.equal(a, b))
            self.bart.train()
            c, _ = self.bart.decode(self.ids, self.states)
        self.assertFalse(torch.allclose(a, c, atol=1e-3))


class Captioner(unittest.TestCase):
    def test_forward_is_teacher_forced_decoding_of_projected_audio(self):
        cfg = tiny_config()
        model = S2CapModel(cfg).eval()
        randomize(model, 6)
        x = torch.randn(2, cfg.encoder.max_length, cfg.encoder.num_mel_bins)
        ids = torch.tensor([[2, 0, 9, 10], [2, 0, 11, 12]])
        with torch.no_grad():
            states = model.encode_audio(x)
            self.assertEqual(list(states.shape), [2, model.encoder.sequence_length, cfg.decoder.d_model])
            want, _ = model.bart.decode(ids, states)
            self.assertTrue(torch.allclose(model(x, ids), want, atol=1e-5))


if __name__ == "__main__":
    unittest.main()
