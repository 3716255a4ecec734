"""Hugging Face checkpoint folders: the hand-written safetensors reader against a writer that
follows the format's specification (8-byte little-endian header length, JSON header, raw
little-endian data), a checkpoint written as safetensors and as pytorch_model.bin in Hugging
Face's layouts (ASTForAudioClassification with its classifier, BartModel without lm_head) loading
to identical outputs, and one-line errors naming the folder for what cannot load."""
import json
import os
import struct
import tempfile
import unittest

import torch

import helpers  # noqa: F401
from helpers import tiny_config
from s2cap_train.models.captioner import S2CapModel
from s2cap_train.weights import (decoder_config_from_hf, encoder_config_from_hf, init_decoder, init_encoder,
                                 load_checkpoint_folder, read_safetensors)
from test_models import randomize

_CODES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
          torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}


def write_safetensors(path: str, tensors: dict, metadata: dict = None) -> None:
    """The safetensors format from its specification: tensors back to back in header order,
    the header padded with spaces to a multiple of 8 bytes."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous()
        # raw bytes through a same-width integer view (numpy has no bfloat16)
        width = t.element_size()
        ints = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}[width]
        raw = (t.to(torch.uint8) if t.dtype == torch.bool else t).view(ints).numpy().astype(f"<i{width}" if width > 1 else "u1").tobytes()
        header[name] = {"dtype": _CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def hf_encoder_config(cfg) -> dict:
    return {"architectures": ["ASTForAudioClassification"], "model_type": "audio-spectrogram-transformer",
            "qkv_bias": True, "initializer_range": 0.02, "id2label": {"0": "a", "1": "b"}, **vars(cfg)}


def hf_decoder_config(cfg) -> dict:
    # facebook/bart-base's config.json carries these legacy keys too
    return {"architectures": ["BartModel"], "model_type": "bart", "normalize_before": False,
            "add_final_layer_norm": False, "normalize_embedding": True, "static_position_embeddings": False,
            "add_bias_logits": False, "init_std": 0.02, "classifier_dropout": 0.0, **vars(cfg)}


def write_folder(folder: str, config: dict, state: dict, fmt: str) -> str:
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f)
    if fmt == "safetensors":
        write_safetensors(os.path.join(folder, "model.safetensors"), state, {"format": "pt"})
    else:
        torch.save(state, os.path.join(folder, "pytorch_model.bin"))
    return folder


class SafetensorsReader(unittest.TestCase):
    def test_every_dtype_round_trips(self):
        g = torch.Generator().manual_seed(0)
        tensors = {"f64": torch.randn(3, 2, generator=g, dtype=torch.float64), "f32": torch.randn(5, generator=g),
                   "f16": torch.randn(2, 3, generator=g).half(), "bf16": torch.randn(4, 1, generator=g).bfloat16(),
                   "i64": torch.tensor([-(2 ** 40), 7]), "i32": torch.tensor([[1, -2]], dtype=torch.int32),
                   "i16": torch.tensor([300, -300], dtype=torch.int16), "i8": torch.tensor([-5], dtype=torch.int8),
                   "u8": torch.tensor([250, 3], dtype=torch.uint8), "bool": torch.tensor([True, False, True]),
                   "scalar": torch.tensor(2.5), "empty": torch.zeros(0, 4)}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.safetensors")
            write_safetensors(path, tensors, {"format": "pt"})
            got = read_safetensors(path)
        self.assertEqual(set(got), set(tensors))
        for k, t in tensors.items():
            self.assertEqual(got[k].dtype, t.dtype, k)
            self.assertEqual(got[k].shape, t.shape, k)
            self.assertTrue(torch.equal(got[k], t), k)

    def test_malformed_files_name_the_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.safetensors")
            write_safetensors(path, {"w": torch.ones(4)})
            with open(path, "rb") as f:
                data = f.read()
            for bad in (data[:5], struct.pack("<Q", 1 << 40) + data[8:], data[:-4],
                        data[:8] + b"{nope" + data[13:]):
                with open(path, "wb") as f:
                    f.write(bad)
                with self.assertRaises(ValueError) as e:
                    read_safetensors(path)
                self.assertIn(path, str(e.exception))
                self.assertNotIn("\n", str(e.exception))


class CheckpointFolders(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.cfg = tiny_config()
        self.src = S2CapModel(self.cfg).eval()
        randomize(self.src, 11)
        g = torch.Generator().manual_seed(12)
        self.x = torch.randn(2, self.cfg.encoder.max_length, self.cfg.encoder.num_mel_bins, generator=g)
        self.ids = torch.randint(3, self.cfg.decoder.vocab_size, (2, 6), generator=g)

    def tearDown(self):
        self.tmp.cleanup()

    def outputs(self, model):
        model.eval()
        with torch.no_grad():
            return model.encoder(self.x), model(self.x, self.ids)

    def ast_classifier_state(self):
        """ASTForAudioClassification's layout: the prefix, plus a classifier."""
        state = {"audio_spectrogram_transformer." + k: v.clone() for k, v in self.src.encoder.state_dict().items()}
        h = self.cfg.encoder.hidden_size
        state.update({"classifier.layernorm.weight": torch.ones(h), "classifier.layernorm.bias": torch.zeros(h),
                      "classifier.dense.weight": torch.randn(2, h), "classifier.dense.bias": torch.zeros(2)})
        return state

    def bart_full_state(self):
        """BartForConditionalGeneration's file as save_pretrained writes it: tied copies dropped."""
        state = {k: v.clone() for k, v in self.src.bart.state_dict().items()}
        for k in ("model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight", "lm_head.weight"):
            del state[k]
        return state

    def bart_model_state(self):
        """BartModel's layout (facebook/bart-base): no `model.` prefix, no lm_head, no final_logits_bias."""
        state = {k[len("model."):]: v.clone() for k, v in self.src.bart.state_dict().items() if k.startswith("model.")}
        state["encoder.version"] = torch.tensor([2.0])
        return state

    def load(self, enc_folder, dec_folder):
        model = S2CapModel(self.cfg)
        with torch.no_grad():
            model.audio_projection.load_state_dict(self.src.audio_projection.state_dict())
        notes = init_encoder(model, enc_folder) + init_decoder(model, dec_folder)
        return model, notes

    def test_both_formats_load_to_identical_outputs(self):
        enc_cfg, dec_cfg = hf_encoder_config(self.cfg.encoder), hf_decoder_config(self.cfg.decoder)
        st_model, st_notes = self.load(
            write_folder(os.path.join(self.dir, "ast-st"), enc_cfg, self.ast_classifier_state(), "safetensors"),
            write_folder(os.path.join(self.dir, "bart-st"), dec_cfg, self.bart_full_state(), "safetensors"))
        bin_model, bin_notes = self.load(
            write_folder(os.path.join(self.dir, "ast-bin"), enc_cfg, self.ast_classifier_state(), "bin"),
            write_folder(os.path.join(self.dir, "bart-bin"), dec_cfg, self.bart_full_state(), "bin"))
        want = self.outputs(self.src)
        for got in (self.outputs(st_model), self.outputs(bin_model)):
            for a, b in zip(got, want):
                self.assertTrue(torch.equal(a, b))
        self.assertEqual(st_notes, bin_notes)
        self.assertTrue(any("classifier.dense.weight" in n for n in st_notes), st_notes)
        self.assertIs(st_model.bart.lm_head.weight, st_model.bart.model.shared.weight)

    def test_bart_model_layout_gains_prefix_and_ties_lm_head(self):
        folder = write_folder(os.path.join(self.dir, "bart-base"), hf_decoder_config(self.cfg.decoder),
                              self.bart_model_state(), "safetensors")
        model = S2CapModel(self.cfg)
        notes = init_decoder(model, folder)
        for k, v in self.src.bart.state_dict().items():
            want = torch.zeros_like(v) if k == "final_logits_bias" else v
            self.assertTrue(torch.equal(model.bart.state_dict()[k], want), k)
        self.assertTrue(any("final_logits_bias" in n for n in notes), notes)
        self.assertTrue(any("lm_head.weight tied" in n for n in notes), notes)
        self.assertTrue(any("encoder.version" in n for n in notes), notes)

    def test_half_precision_checkpoints_load_as_float32(self):
        state = {k: v.half() for k, v in self.ast_classifier_state().items()}
        folder = write_folder(os.path.join(self.dir, "ast16"), hf_encoder_config(self.cfg.encoder), state, "safetensors")
        model = S2CapModel(self.cfg)
        init_encoder(model, folder)
        for k, v in self.src.encoder.state_dict().items():
            got = model.encoder.state_dict()[k]
            self.assertEqual(got.dtype, torch.float32)
            self.assertTrue(torch.equal(got, v.half().float()), k)

    def assert_one_line_error(self, fn, folder, *fragments):
        with self.assertRaises(ValueError) as e:
            fn(S2CapModel(self.cfg), folder)
        msg = str(e.exception)
        self.assertNotIn("\n", msg)
        for f in (folder,) + fragments:
            self.assertIn(f, msg)

    def test_missing_and_misshaped_weights_are_one_line_errors_naming_folder_and_keys(self):
        state = self.ast_classifier_state()
        del state["audio_spectrogram_transformer.encoder.layer.1.output.dense.bias"]
        folder = write_folder(os.path.join(self.dir, "a"), hf_encoder_config(self.cfg.encoder), state, "bin")
        self.assert_one_line_error(init_encoder, folder, "missing 1", "encoder.layer.1.output.dense.bias")

        state = self.bart_full_state()
        state["model.decoder.layers.0.fc1.weight"] = torch.zeros(3, 3)
        folder = write_folder(os.path.join(self.dir, "b"), hf_decoder_config(self.cfg.decoder), state, "safetensors")
        self.assert_one_line_error(init_decoder, folder, "mis-shaped", "model.decoder.layers.0.fc1.weight [3, 3]")

    def test_folders_that_are_not_checkpoints(self):
        empty = os.path.join(self.dir, "empty")
        os.makedirs(empty)
        self.assert_one_line_error(init_encoder, empty, "no config.json")
        with open(os.path.join(empty, "config.json"), "w") as f:
            json.dump(hf_encoder_config(self.cfg.encoder), f)
        self.assert_one_line_error(init_encoder, empty, "no model.safetensors or pytorch_model.bin")
        self.assert_one_line_error(init_encoder, os.path.join(self.dir, "nowhere"), "not a folder")
        with open(os.path.join(empty, "config.json"), "wb") as f:
            f.write(b'{"hidden_size": "\xff"}')  # not UTF-8
        self.assert_one_line_error(init_encoder, empty, "config.json: cannot read")
        # a different architecture in config.json
        wider = dict(hf_encoder_config(self.cfg.encoder), hidden_size=64)
        folder = write_folder(os.path.join(self.dir, "wide"), wider, self.ast_classifier_state(), "safetensors")
        self.assert_one_line_error(init_encoder, folder, "hidden_size: model 32, folder 64")
        # an mBART-style config these modules do not implement
        mbart = dict(hf_decoder_config(self.cfg.decoder), normalize_before=True)
        folder = write_folder(os.path.join(self.dir, "mbart"), mbart, self.bart_full_state(), "safetensors")
        self.assert_one_line_error(init_decoder, folder, "normalize_before=True is not supported")

    def test_sharded_checkpoints_load_as_one(self):
        # save_pretrained's sharded layout: model.safetensors.index.json (or pytorch_model.bin.index.json)
        # mapping each weight to its shard file
        state = self.bart_full_state()
        names = sorted(state)
        shards = {"model-00001-of-00002": names[:len(names) // 2], "model-00002-of-00002": names[len(names) // 2:]}
        for fmt, index in (("safetensors", "model.safetensors.index.json"), ("bin", "pytorch_model.bin.index.json")):
            folder = write_folder(os.path.join(self.dir, "sharded-" + fmt), hf_decoder_config(self.cfg.decoder), {}, fmt)
            os.remove(os.path.join(folder, "model.safetensors" if fmt == "safetensors" else "pytorch_model.bin"))
            weight_map = {}
            for shard, keys in shards.items():
                path = os.path.join(folder, f"{shard}.{fmt}")
                part = {k: state[k] for k in keys}
                write_safetensors(path, part) if fmt == "safetensors" else torch.save(part, path)
                weight_map.update({k: os.path.basename(path) for k in keys})
            with open(os.path.join(folder, index), "w") as f:
                json.dump({"metadata": {}, "weight_map": weight_map}, f)
            model = S2CapModel(self.cfg)
            init_decoder(model, folder)
            for k, v in self.src.bart.state_dict().items():
                self.assertTrue(torch.equal(model.bart.state_dict()[k], v), (fmt, k))
            # an index that is not a JSON object with a weight_map object: one line naming the index
            for bad in ("[]", '{"weight_map": ["x"]}'):
                with open(os.path.join(folder, index), "w") as f:
                    f.write(bad)
                self.assert_one_line_error(init_decoder, folder, index + ": ")

    def test_config_json_maps_onto_our_configs(self):
        self.assertEqual(encoder_config_from_hf(hf_encoder_config(self.cfg.encoder)), self.cfg.encoder)
        self.assertEqual(decoder_config_from_hf(hf_decoder_config(self.cfg.decoder)), self.cfg.decoder)
        # facebook/bart-base omits nothing we need; absent fields take BartConfig's defaults
        dec = decoder_config_from_hf({"d_model": 768, "vocab_size": 50265, "forced_bos_token_id": None})
        self.assertIsNone(dec.forced_bos_token_id)
        folder = write_folder(os.path.join(self.dir, "c"), {"hidden_size": 32}, {"w": torch.ones(1)}, "bin")
        config, state = load_checkpoint_folder(folder)
        self.assertEqual(config, {"hidden_size": 32})
        self.assertTrue(torch.equal(state["w"], torch.ones(1)))


if __name__ == "__main__":
    unittest.main()
