"""`export` end to end: a tiny model trained for a few steps on a synthetic export is written as a
pack, the studio installs it unchanged (`node bin/s2cap.js models install` into a temporary
library: manifest, checksums, ONNX tensor contract, tokenizer, generation config) and captions
clips with it (`s2cap caption --beams 1` and `--beams 4`, CPU), and those captions equal the
PyTorch model's own greedy and beam captions (text, and the mean token log-prob to 5e-4). Also:
model.json's content, the graphs' Optimum tensor names, refusing an existing folder, leaving
nothing behind on failure, int8 graphs the studio accepts, and the `export`/`caption` commands."""
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import warnings
from unittest import mock

import helpers
import onnx
from synthetic import make_export

from s2cap_train import export_pack
from s2cap_train import train as train_mod
from s2cap_train.data import export_fingerprint, load_export
from s2cap_train.export_pack import export, kv_names
from s2cap_train.progress import Progress
from s2cap_train.runs import caption_files, load_run
from s2cap_train.tokenizer import BART_CONFIG, ByteLevelBPE

NODE = shutil.which("node")
S2CAP = os.path.join(helpers.ROOT, "bin", "s2cap.js")
STATE: dict = {}


def setUpModule():
    """One short real fit (1 CRESCENDO epoch + 3 cross-entropy epochs, 12 steps) and its pack."""
    tmp = tempfile.mkdtemp(prefix="s2cap-export-test-")
    data = make_export(os.path.join(tmp, "data"), n=12, seed=5)
    cfg = helpers.tiny_config(stage1={"epochs": 1, "lr": 1e-3}, stage2={"epochs": 3, "lr": 3e-3}, eval_every_epochs=1)
    run = os.path.join(tmp, "run")
    train_mod.fit(cfg, data, run, device="cpu", progress=Progress(out=io.StringIO(), log=io.StringIO()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on constant shapes
        result = export(run, os.path.join(tmp, "pack"), name="tiny-retrained", version="0.1.0")
    splits = load_export(data)
    clips = [ex.audio for ex in splits["validation"] + splits["test"]][:3]
    STATE.update(tmp=tmp, data=data, run=run, pack=result["pack"], result=result, clips=clips)


def tearDownModule():
    shutil.rmtree(STATE["tmp"], ignore_errors=True)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class PackContents(unittest.TestCase):
    def test_model_json_lists_every_file_with_its_sha256(self):
        pack = STATE["pack"]
        m = read_json(os.path.join(pack, "model.json"))
        on_disk = sorted(f for f in os.listdir(pack) if f != "model.json")
        self.assertEqual(sorted(m["files"]), on_disk)
        for f, entry in m["files"].items():
            self.assertEqual(entry["sha256"], sha256(os.path.join(pack, f)), f)
        self.assertEqual(STATE["result"]["bytes"], sum(os.path.getsize(os.path.join(pack, f)) for f in os.listdir(pack)))

    def test_model_json_describes_the_captioner_and_its_training(self):
        m = read_json(os.path.join(STATE["pack"], "model.json"))
        self.assertEqual((m["format"], m["name"], m["version"], m["roles"], m["fixture"]), (1, "tiny-retrained", "0.1.0", ["captioner"], False))
        self.assertEqual(m["captioner"], {
            "sampleRate": 16000, "encoder": "encoder_model.onnx", "decoder": "decoder_model.onnx",
            "decoderWithPast": "decoder_with_past_model.onnx", "tokenizer": "tokenizer.json",
            "tokenizerConfig": "tokenizer_config.json", "generationConfig": "generation_config.json"})
        t = m["training"]
        self.assertEqual(t["recipe"], "S2Cap AST+BART, CRESCENDO + demixing KL")
        self.assertEqual(t["data"]["manifestSha256"], export_fingerprint(STATE["data"]))
        self.assertEqual(t["data"]["clips"], {"train": 8, "validation": 2, "test": 2})
        self.assertEqual(t["plannedEpochs"], {"stage1": 1, "stage2": 3})
        self.assertEqual(t["epochs"]["stage1"], 1)  # stage 2 epochs: up to the best one
        # the metrics are those best.pt was chosen by, on the validation split
        best = read_json(os.path.join(STATE["run"], "run.json"))["best"]
        self.assertEqual(t["checkpoint"], {"file": "best.pt", "stage": best["stage"], "epoch": best["epoch"], "step": best["step"]})
        self.assertEqual(t["epochs"]["stage2"], best["epoch"])
        self.assertEqual(t["metrics"], {"split": "validation", **best["metrics"]})
        self.assertIn("cider_d", t["metrics"])

    def test_graphs_have_optimum_tensor_names(self):
        pack = STATE["pack"]

        def names(f):
            g = onnx.load(os.path.join(pack, f)).graph
            inits = {i.name for i in g.initializer}
            return [i.name for i in g.input if i.name not in inits], [o.name for o in g.output]

        self.assertEqual(names("encoder_model.onnx"), (["input_values"], ["last_hidden_state"]))
        self.assertEqual(names("decoder_model.onnx"),
                         (["input_ids", "encoder_attention_mask", "encoder_hidden_states"], ["logits"] + kv_names("present", 2)))
        self.assertEqual(names("decoder_with_past_model.onnx"),
                         (["input_ids", "encoder_attention_mask"] + kv_names("past_key_values", 2),
                          ["logits"] + kv_names("present", 2, with_encoder=False)))
        enc = onnx.load(os.path.join(pack, "encoder_model.onnx")).graph.input[0].type.tensor_type.shape.dim
        self.assertEqual([d.dim_param or d.dim_value for d in enc], ["batch_size", 1024, 128])

    def test_generation_and_tokenizer_files_are_the_runs(self):
        pack, run = STATE["pack"], load_run(STATE["run"])
        gen = read_json(os.path.join(pack, "generation_config.json"))
        g = run.cfg.generation
        self.assertEqual(gen, {"decoder_start_token_id": 2, "bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1, "forced_bos_token_id": 0,
                               "num_beams": g.num_beams, "max_length": g.max_length, "min_length": g.min_length,
                               "no_repeat_ngram_size": g.no_repeat_ngram_size, "length_penalty": g.length_penalty,
                               "early_stopping": g.early_stopping})
        self.assertEqual(sha256(os.path.join(pack, "tokenizer.json")), sha256(os.path.join(STATE["run"], "tokenizer.json")))
        cfg = read_json(os.path.join(pack, "config.json"))
        self.assertEqual((cfg["model_type"], cfg["d_model"], cfg["decoder_layers"], cfg["vocab_size"]),
                         ("bart", 32, 2, run.cfg.decoder.vocab_size))

    def test_a_run_without_tokenizer_config_gets_barts(self):
        # a run folder holding only tokenizer.json: the pack's tokenizer_config.json is BART's, whose
        # settings are the defaults the run's own tokenizer decoded with
        with tempfile.TemporaryDirectory() as tmp:
            run = os.path.join(tmp, "run")
            shutil.copytree(STATE["run"], run, ignore=shutil.ignore_patterns("cache", "last.pt", "tokenizer_config.json"))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pack = export(run, os.path.join(tmp, "pack"))["pack"]
            self.assertEqual(read_json(os.path.join(pack, "tokenizer_config.json")), BART_CONFIG)
            ours = load_run(run).tokenizer()
            ids = ours.encode("a soft , breathy voice .")
            self.assertEqual(ByteLevelBPE.from_file(os.path.join(pack, "tokenizer.json")).decode(ids), ours.decode(ids))


class ExportRefusals(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="s2cap-export-refusal-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_an_existing_pack_folder_is_refused_and_left_alone(self):
        out = os.path.join(self.tmp, "pack")
        os.mkdir(out)
        with open(os.path.join(out, "keep.txt"), "w") as f:
            f.write("mine")
        with self.assertRaisesRegex(ValueError, f"^{out}: already exists"):
            export(STATE["run"], out)
        self.assertEqual(os.listdir(out), ["keep.txt"])
        self.assertEqual(os.listdir(self.tmp), ["pack"])

    def test_a_failed_export_leaves_nothing_behind(self):
        run = os.path.join(self.tmp, "run")
        shutil.copytree(STATE["run"], run, ignore=shutil.ignore_patterns("cache", "last.pt"))
        cfg = read_json(os.path.join(run, "config.json"))
        cfg["decoder"]["decoder_ffn_dim"] = 48  # the weights no longer fit the config
        with open(os.path.join(run, "config.json"), "w") as f:
            json.dump(cfg, f)
        with self.assertRaisesRegex(ValueError, "best.pt: weights do not fit .*config.json"):
            export(run, os.path.join(self.tmp, "pack"))
        # a failure after the temporary folder exists (here: writing generation_config.json, after the
        # graphs) removes it too
        os.remove(os.path.join(run, "config.json"))
        shutil.copyfile(os.path.join(STATE["run"], "config.json"), os.path.join(run, "config.json"))
        with mock.patch.object(export_pack, "generation_config", side_effect=OSError("disk full")):
            with self.assertRaisesRegex(OSError, "disk full"):
                export(run, os.path.join(self.tmp, "pack"))
        self.assertEqual(sorted(os.listdir(self.tmp)), ["run"])

    def test_bad_names_are_refused(self):
        with self.assertRaisesRegex(ValueError, "--name 'a b'"):
            export(STATE["run"], os.path.join(self.tmp, "pack"), name="a b")
        with self.assertRaisesRegex(ValueError, "no checkpoint"):
            export(self.tmp, os.path.join(self.tmp, "pack"))
        self.assertEqual(os.listdir(self.tmp), [])


def recipe(*args):
    env = {**os.environ, "PYTHONPATH": helpers.TRAINING}
    return subprocess.run([sys.executable, "-W", "ignore", "-m", "s2cap_train", *args], capture_output=True, text=True, env=env)


class Commands(unittest.TestCase):
    def test_export_command(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "p")
            r = recipe("export", STATE["run"], "--out", out, "--json")
            self.assertEqual(r.returncode, 0, r.stderr)
            res = json.loads(r.stdout)
            self.assertEqual(res["pack"], out)
            self.assertTrue(res["id"].startswith("s2cap-run@1.0.0+"), res["id"])
            r = recipe("export", STATE["run"], "--out", out)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stderr, f"s2cap_train: {out}: already exists (give a new folder for the pack)\n")

    def test_a_terminated_export_leaves_nothing_behind(self):
        # The studio cancels a train job during its export with SIGTERM: the half-written temporary
        # pack folder must go too (here the signal arrives while the graphs are being written).
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "p")
            script = ("import os, signal, sys\n"
                      "from s2cap_train import export_pack\n"
                      "from s2cap_train.cli import main\n"
                      "export_pack.export_graphs = lambda model, folder: os.kill(os.getpid(), signal.SIGTERM)\n"
                      f"sys.exit(main(['export', {STATE['run']!r}, '--out', {out!r}]))\n")
            env = {**os.environ, "PYTHONPATH": helpers.TRAINING}
            r = subprocess.run([sys.executable, "-W", "ignore", "-c", script], capture_output=True, text=True, env=env)
            self.assertEqual(r.returncode, 130, r.stderr)
            self.assertEqual(r.stderr, "s2cap_train: interrupted; nothing was written\n")
            self.assertEqual(os.listdir(tmp), [])

    def test_caption_command_prints_the_models_captions(self):
        clip = STATE["clips"][0]
        r = recipe("caption", STATE["run"], clip, "--beams", "1", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        want = caption_files(load_run(STATE["run"]), [clip], num_beams=1)
        self.assertEqual(json.loads(r.stdout), [{**want[0], "beams": 1}])
        r = recipe("caption", "--checkpoint", os.path.join(STATE["run"], "best.pt"), clip, "nope.wav", "--json")
        self.assertEqual((r.returncode, r.stderr), (2, "s2cap_train: nope.wav: no such audio file\n"))


class StudioRoundTrip(unittest.TestCase):
    """The acceptance test of the export: what the studio says with the pack is what PyTorch says."""

    @classmethod
    def setUpClass(cls):
        if NODE is None:
            print("\nStudioRoundTrip skipped: node is not on PATH (the studio CLI needs Node.js)", file=sys.stderr)
            raise unittest.SkipTest("node is not on PATH")
        cls.tmp = tempfile.mkdtemp(prefix="s2cap-roundtrip-")
        cls.db = os.path.join(cls.tmp, "lib.db")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def studio(self, *args):
        r = subprocess.run([NODE, S2CAP, *args, "--db", self.db, "--json"], capture_output=True, text=True, cwd=helpers.ROOT)
        self.assertEqual(r.returncode, 0, f"s2cap {' '.join(args)}: {r.stderr.strip()}")
        return json.loads(r.stdout)

    def test_studio_captions_equal_pytorch_greedy_and_beam(self):
        installed = self.studio("models", "install", STATE["pack"])
        self.assertEqual(installed["pack"]["id"], "tiny-retrained@0.1.0")
        self.assertEqual(installed["assumptions"], [])
        run = load_run(STATE["run"])
        for beams in (1, 4):
            want = caption_files(run, STATE["clips"], num_beams=beams)
            for clip, w in zip(STATE["clips"], want):
                got = self.studio("caption", clip, "--pack", "tiny-retrained@0.1.0", "--beams", str(beams), "--ep", "cpu")
                where = f"{os.path.basename(clip)} with {beams} beam(s)"
                self.assertEqual(got["text"], w["text"], where)
                self.assertAlmostEqual(got["score"], w["score"], delta=5e-4, msg=where)
            # real sentences, not an immediate end of sequence (equal, but vacuously)
            self.assertTrue(all(len(w["tokens"]) > 4 and w["text"] for w in want), want)

    def test_quantized_pack_installs_and_runs_int8(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = export(STATE["run"], os.path.join(self.tmp, "q"), name="tiny-int8", version="0.1.0", quantize=True)
        m = read_json(os.path.join(res["pack"], "model.json"))
        self.assertEqual(m["captioner"]["quantized"], {"encoder": "encoder_model_quantized.onnx", "decoder": "decoder_model_quantized.onnx",
                                                       "decoderWithPast": "decoder_with_past_model_quantized.onnx"})
        self.assertEqual(self.studio("models", "install", res["pack"])["pack"]["id"], "tiny-int8@0.1.0")
        self.studio("models", "settings", "int8", "on")
        got = self.studio("caption", STATE["clips"][0], "--pack", "tiny-int8@0.1.0", "--beams", "2", "--ep", "cpu")
        self.assertEqual(got["ep"], "encoder cpu int8, decoder cpu int8")


if __name__ == "__main__":
    unittest.main()
