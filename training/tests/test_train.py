"""fit() end to end on a synthetic export with a tiny model: the losses fall, an interrupted run
resumed from last.pt ends with exactly the uninterrupted run's weights, best.pt follows the
selected validation metric, an export without vocal stems trains without the KL term, the run
folder holds what export/caption read; and the `fit` command line's errors (one line, exit 2)."""
import collections
import contextlib
import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

import helpers
import torch

from synthetic import make_export
from s2cap_train import train as train_mod
from s2cap_train.checkpoints import load_torch
from s2cap_train.cli import main
from s2cap_train.data import export_fingerprint
from s2cap_train.progress import Progress


CACHE = tempfile.mkdtemp(prefix="s2cap-train-features-")  # AST features shared by the runs (removed at the end)


def config(stage1: int = 1, stage2: int = 2, lr1: float = 1e-3, lr2: float = 1e-3, **train):
    """Tiny model; the 6-clip export's 4 training clips in batches of 2 → 2 steps an epoch."""
    values = {"tokenizer_vocab_size": 300, "feature_cache_dir": CACHE, "log_every_steps": 1, "batch_size": 2,
              "stage1": {"epochs": stage1, "lr": lr1}, "stage2": {"epochs": stage2, "lr": lr2}}
    values.update(train)
    cfg = helpers.tiny_config(**values)
    # validation decodes at most 8 tokens: what is checked here is which model is kept, not its captions
    return dataclasses.replace(cfg, generation=dataclasses.replace(cfg.generation, max_length=8))


def tearDownModule():
    shutil.rmtree(CACHE, ignore_errors=True)


class Recorder(Progress):
    """Progress into memory; `on_last` is called with last.pt's path after each epoch's checkpoint."""

    def __init__(self, on_last=None):
        super().__init__(out=io.StringIO(), log=io.StringIO(), every=1)
        self.on_last = on_last

    def checkpoint(self, path):
        super().checkpoint(path)
        if self.on_last and path.endswith("last.pt"):
            self.on_last(path)

    def events(self, kind=None):
        out = [json.loads(line) for line in self.out.getvalue().splitlines()]
        return [e for e in out if kind is None or e["event"] == kind]


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def same_tensors(a, b) -> bool:
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same_tensors(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_tensors(x, y) for x, y in zip(a, b))
    return a == b


class Fit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(2)
        cls.tmp = tempfile.mkdtemp(prefix="s2cap-train-")
        cls.export = make_export(os.path.join(cls.tmp, "export"), n=6, seed=0)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def fit(self, name, cfg, progress=None, **kw):
        progress = progress or Recorder()
        result = train_mod.fit(cfg, self.export, os.path.join(self.tmp, name), device="cpu", progress=progress, **kw)
        return result, progress

    def test_losses_fall_in_both_stages(self):
        # one batch of the 4 training clips an epoch; stage 1 CRESCENDO, stage 2 CE + KL
        cfg = config(stage1=4, stage2=6, lr1=1e-2, lr2=5e-3, scheduler="constant", batch_size=4, eval_every_epochs=100)
        result, rec = self.fit("falls", cfg)
        self.assertTrue(result["complete"])
        epochs = rec.events("epoch")
        s1 = [e["loss"] for e in epochs if e["stage"] == 1]
        s2 = [e["loss"] for e in epochs if e["stage"] == 2]
        self.assertEqual((len(s1), len(s2)), (4, 6))
        self.assertLess(s1[-1], 0.9 * s1[0], f"CRESCENDO loss per epoch: {s1}")
        self.assertLess(s2[-1], 0.85 * s2[0], f"CE + KL loss per epoch: {s2}")
        steps = rec.events("step")
        self.assertEqual([s["step"] for s in steps], list(range(1, 11)))
        self.assertTrue(all(s["parts"]["crescendo"] is not None and s["parts"]["ce"] is None for s in steps[:4]))
        self.assertTrue(all(s["parts"]["ce"] is not None and s["parts"]["kl"] is not None for s in steps[4:]))
        # only stage 2 (which trains the decoder) is evaluated, and only at its last epoch here
        evals = rec.events("eval")
        self.assertEqual([(e["stage"], e["epoch"]) for e in evals], [(2, 6)])
        self.assertLessEqual({"bleu_4", "rouge_l", "cider_d"}, set(evals[0]["metrics"]))

    def test_resume_reproduces_the_uninterrupted_run(self):
        cfg = config(stage1=1, stage2=2)  # 2 + 4 steps
        whole, _ = self.fit("whole", cfg)
        self.assertTrue(whole["complete"])
        # cut in the middle of stage 2's first epoch (its partial epoch is redone), then at its end
        first, _ = self.fit("cut", config(stage1=1, stage2=2, max_steps=3))
        self.assertFalse(first["complete"])
        self.assertEqual(load_torch(os.path.join(self.tmp, "cut", "last.pt"))["global_step"], 2)
        second, rec2 = self.fit("cut", config(stage1=1, stage2=2, max_steps=4))
        self.assertEqual(rec2.events("start")[0]["resumed_from"], {"stage": 1, "epoch": 1})
        self.assertFalse(second["complete"])
        third, rec3 = self.fit("cut", cfg)
        self.assertEqual(rec3.events("start")[0]["resumed_from"], {"stage": 2, "epoch": 1})
        self.assertTrue(third["complete"])
        a = load_torch(os.path.join(self.tmp, "whole", "last.pt"))
        b = load_torch(os.path.join(self.tmp, "cut", "last.pt"))
        for key in ("model", "optimizer", "scheduler", "global_step", "shuffle_generator", "specaugment_generator"):
            self.assertTrue(same_tensors(a[key], b[key]), key)
        self.assertEqual(a["history"], b["history"])
        self.assertTrue(same_tensors(load_torch(os.path.join(self.tmp, "whole", "best.pt"))["model"],
                                     load_torch(os.path.join(self.tmp, "cut", "best.pt"))["model"]))
        # a finished run resumed does nothing more
        again, rec4 = self.fit("cut", cfg)
        self.assertTrue(again["complete"])
        self.assertEqual(rec4.events("step"), [])

        # the run folder: run.json with the export's fingerprint and history, loadable by export's reader
        info = read_json(os.path.join(self.tmp, "whole", "run.json"))
        self.assertEqual(info["data"]["fingerprint"], export_fingerprint(self.export))
        self.assertEqual(info["status"], "done")
        self.assertEqual([(h["stage"], h["epoch"]) for h in info["history"]], [(1, 1), (2, 1), (2, 2)])
        self.assertEqual(info["config"], read_json(os.path.join(self.tmp, "whole", "config.json")))
        from s2cap_train.runs import load_run
        run = load_run(os.path.join(self.tmp, "whole"))
        self.assertTrue(same_tensors(run.model.state_dict(), load_torch(os.path.join(self.tmp, "whole", "best.pt"))["model"]))

        # resuming with another recipe is refused; --no-resume starts over
        with self.assertRaisesRegex(ValueError, r"train\.kl_temperature"):
            self.fit("whole", config(stage1=1, stage2=2, kl_temperature=2.0))
        fresh, rec5 = self.fit("whole", config(stage1=1, stage2=0), resume=False)
        self.assertIsNone(rec5.events("start")[0]["resumed_from"])
        self.assertEqual(len(fresh["history"]), 1)

    def test_best_checkpoint_follows_the_selected_metric(self):
        scripted = [{"bleu_4": 0.5, "rouge_l": 0.1, "cider_d": 0.2},
                    {"bleu_4": 0.1, "rouge_l": 0.1, "cider_d": 0.9},
                    {"bleu_4": 0.7, "rouge_l": 0.1, "cider_d": 0.4}]
        for metric, best_epoch in (("cider_d", 2), ("bleu_4", 3)):
            snapshots = []
            rec = Recorder(on_last=lambda p: snapshots.append(load_torch(p)["model"]))
            with mock.patch.object(train_mod, "caption_metrics", side_effect=[dict(m) for m in scripted]):
                result, _ = self.fit(f"best-{metric}", config(stage1=0, stage2=3, select_metric=metric, batch_size=4),
                                     progress=rec)
            self.assertEqual(result["best"]["epoch"], best_epoch)
            self.assertEqual(result["metrics"], scripted[best_epoch - 1])
            best = load_torch(os.path.join(self.tmp, f"best-{metric}", "best.pt"))
            self.assertEqual(best["epoch"], best_epoch)
            self.assertEqual(len(snapshots), 3)
            for epoch, snap in enumerate(snapshots, 1):
                self.assertEqual(same_tensors(best["model"], snap), epoch == best_epoch, (metric, epoch))
            self.assertEqual([e["best"] for e in rec.events("eval")],
                             [True, True, False] if metric == "cider_d" else [True, False, True])
            self.assertEqual(rec.events("done")[0]["metrics"], scripted[best_epoch - 1])

    def test_init_folders_set_the_model_and_its_starting_weights(self):
        # Hugging Face-style folders (config.json + pytorch_model.bin [+ tokenizer.json]) of other sizes
        # than the run's config: the run takes their sizes, tokenizer and weights
        from s2cap_train.config import DecoderConfig, EncoderConfig
        from s2cap_train.models.ast import ASTEncoder
        from s2cap_train.models.bart import BartForConditionalGeneration
        from s2cap_train.tokenizer import ByteLevelBPE
        from s2cap_train.data import load_export
        tok = ByteLevelBPE.build([e.caption for e in load_export(self.export)["train"]], vocab_size=290)
        enc_cfg = EncoderConfig(hidden_size=48, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                                frequency_stride=16, time_stride=16)
        dec_cfg = DecoderConfig(vocab_size=tok.vocab_size + 3, d_model=40, encoder_layers=1, decoder_layers=1,
                                encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
                                decoder_ffn_dim=64, max_position_embeddings=64)
        torch.manual_seed(5)
        ast, bart = ASTEncoder(enc_cfg), BartForConditionalGeneration(dec_cfg)
        folders = {}
        ast_hf = {"audio_spectrogram_transformer." + k: v for k, v in ast.state_dict().items()}
        for name, cfg_, state in (("ast", enc_cfg, ast_hf), ("bart", dec_cfg, bart.state_dict())):
            folder = folders[name] = os.path.join(self.tmp, f"hf-{name}")
            os.makedirs(folder)
            with open(os.path.join(folder, "config.json"), "w") as f:
                json.dump(dataclasses.asdict(cfg_), f)
            torch.save(state, os.path.join(folder, "pytorch_model.bin"))
        tok.save(folders["bart"])
        result, rec = self.fit("init", config(stage1=0, stage2=1, lr2=1e-12, batch_size=4),
                               init_encoder=folders["ast"], init_decoder=folders["bart"])
        run = read_json(os.path.join(self.tmp, "init", "config.json"))
        self.assertEqual((run["encoder"]["hidden_size"], run["decoder"]["d_model"], run["decoder"]["vocab_size"]),
                         (48, 40, tok.vocab_size + 3))
        with open(os.path.join(self.tmp, "init", "tokenizer.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f), tok.to_json())
        trained = load_torch(os.path.join(self.tmp, "init", "last.pt"))["model"]
        for prefix, module in (("encoder.", ast), ("bart.", bart)):
            for k, v in module.state_dict().items():  # one step at lr 1e-12 moves nothing measurable
                self.assertTrue(torch.allclose(trained[prefix + k], v, atol=1e-8), prefix + k)

    def test_a_refused_fresh_start_keeps_the_previous_run(self):
        # --no-resume with an input that is refused (a missing --init-encoder folder) loses nothing:
        # the earlier run's checkpoints, run.json, config and tokenizer stay as they were
        self.fit("keep", config(stage1=1, stage2=0))
        folder = os.path.join(self.tmp, "keep")
        names = ("last.pt", "best.pt", "run.json", "config.json", "tokenizer.json")

        def contents():
            out = {}
            for n in names:
                with open(os.path.join(folder, n), "rb") as f:
                    out[n] = f.read()
            return out

        before = contents()
        missing = os.path.join(self.tmp, "no-such-ast")
        with self.assertRaisesRegex(ValueError, "no-such-ast"):
            self.fit("keep", config(stage1=1, stage2=0, tokenizer_vocab_size=280), resume=False, init_encoder=missing)
        self.assertEqual(contents(), before)

    def test_each_file_is_hashed_at_most_once_per_fit(self):
        # verify_export hashes every clip and stem; the feature cache keys its files with those
        # digests instead of reading each clip again in the first epoch (and in validation).
        from s2cap_train import data
        from s2cap_train.data import load_export
        counts = collections.Counter()

        def counting(path):
            counts[os.path.abspath(path)] += 1
            return real(path)
        real = data.sha256_file
        with mock.patch("s2cap_train.data.sha256_file", side_effect=counting):
            result, rec = self.fit("hash-once", config(stage1=0, stage2=1, batch_size=4))
        self.assertTrue(result["complete"])
        self.assertEqual(len(rec.events("eval")), 1, "validation clips went through the cache too")
        clips = {p for es in load_export(self.export).values() for e in es for p in (e.audio, e.vocals)}
        self.assertLessEqual(clips, set(counts), "verify_export hashed every clip and stem")
        self.assertEqual({p: n for p, n in counts.items() if n > 1}, {})

    def test_a_diverged_loss_is_recorded_as_null_not_a_crash(self):
        # A NaN loss (fp16 overflow, a too-high lr) must not stop the run when run.json is written:
        # JSON has no NaN, so run.json records null, as the progress events do.
        real = train_mod.crescendo_loss
        with mock.patch.object(train_mod, "crescendo_loss", side_effect=lambda *a: real(*a) * float("nan")):
            result, rec = self.fit("diverged", config(stage1=1, stage2=0))
        self.assertTrue(result["complete"])
        self.assertEqual([e["loss"] for e in rec.events("epoch")], [None])
        info = read_json(os.path.join(self.tmp, "diverged", "run.json"))
        self.assertEqual((info["status"], [h["loss"] for h in info["history"]]), ("done", [None]))

    def test_settings_that_would_break_training_are_refused_before_any_work(self):
        # a temperature of 0 fails only when stage 2 starts, a negative grad_clip flips the
        # gradients, a caption budget under 2 tokens cannot hold <s> … </s>
        for setting, value in (("kl_temperature", 0.0), ("grad_clip", -1.0), ("max_caption_tokens", 1)):
            run = os.path.join(self.tmp, f"refused-{setting}")
            with self.assertRaisesRegex(ValueError, f"^config train.{setting}: "):
                train_mod.fit(config(stage1=1, stage2=1, **{setting: value}), self.export, run, device="cpu",
                              progress=Recorder())
            self.assertFalse(os.path.exists(run), setting)

    def test_the_vocal_stem_gets_the_mix_s_masks(self):
        # The demixing KL compares the same positions, so SpecAugment must mask the stem exactly
        # as the mix: with the stem equal to the mix, the KL is then exactly 0.
        from s2cap_train.config import StageConfig
        from s2cap_train.models.captioner import S2CapModel
        from s2cap_train.specaugment import spec_augment
        cfg = config()
        model = S2CapModel(cfg).eval()
        feats = torch.randn(3, 1024, 128, generator=torch.Generator().manual_seed(0))
        batch = {"features": feats, "vocal_features": feats.clone()}
        stage = StageConfig(epochs=1, lr=1e-3, ce_weight=0.0, crescendo_weight=0.0, kl_weight=1.0)
        gen = torch.Generator().manual_seed(4)
        state = gen.get_state()
        with torch.no_grad():
            _, parts = train_mod._loss(model, batch, stage, cfg, torch.device("cpu"), gen, False)
            self.assertEqual(parts["kl"], 0.0)
            # the check can fail: a stem masked otherwise gives a KL above 0
            other = {"features": feats,
                     "vocal_features": spec_augment(feats, cfg.train.specaugment, torch.Generator().manual_seed(9))}
            gen.set_state(state)
            self.assertGreater(train_mod._loss(model, other, stage, cfg, torch.device("cpu"), gen, False)[1]["kl"], 0.0)

    def test_export_without_vocal_stems_skips_the_kl_term(self):
        export = make_export(os.path.join(self.tmp, "no-stems"), n=6, seed=1, vocals=False)
        rec = Recorder()
        result = train_mod.fit(config(stage1=0, stage2=1), export, os.path.join(self.tmp, "no-stems-run"),
                               device="cpu", progress=rec)
        self.assertTrue(result["complete"])
        self.assertIn("no vocal stems", rec.log_stream.getvalue())
        steps = rec.events("step")
        self.assertTrue(steps and all(s["parts"]["kl"] is None and s["parts"]["ce"] is not None for s in steps))


class ParamGroups(unittest.TestCase):
    def test_biases_and_layer_norms_are_not_decayed(self):
        from s2cap_train.models.captioner import S2CapModel
        model = S2CapModel(helpers.tiny_config())
        decay, no_decay = train_mod._param_groups(model, 0.01)
        self.assertEqual((decay["weight_decay"], no_decay["weight_decay"]), (0.01, 0.0))
        names = {id(p): n for n, p in model.named_parameters()}
        exempt = {names[id(p)] for p in no_decay["params"]}
        decayed = {names[id(p)] for p in decay["params"]}
        self.assertEqual(exempt | decayed, set(names.values()))  # every parameter once (tied ones once)
        self.assertFalse(exempt & decayed)
        self.assertIn("encoder.layernorm.weight", exempt)
        self.assertIn("bart.model.decoder.layers.0.self_attn_layer_norm.weight", exempt)
        self.assertIn("bart.model.decoder.layers.0.fc1.bias", exempt)
        self.assertIn("bart.model.decoder.layers.0.fc1.weight", decayed)
        self.assertIn("encoder.encoder.layer.0.attention.attention.query.weight", decayed)


class Cli(unittest.TestCase):
    def run_main(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as e:
                code = e.code
        return code, out.getvalue(), err.getvalue()

    def assertOneLineError(self, code, err, *needles):
        self.assertEqual(code, 2)
        lines = err.strip().splitlines()
        self.assertEqual(len(lines), 1, err)
        self.assertTrue(lines[0].startswith("s2cap_train: "), lines[0])
        for n in needles:
            self.assertIn(n, lines[0])

    def test_usage_errors(self):
        code, _, err = self.run_main()
        self.assertOneLineError(code, err, "required")
        code, _, err = self.run_main("fit", "--out", "x")
        self.assertOneLineError(code, err, "--data")
        code, _, err = self.run_main("fit", "--data", "x", "--out", "y", "--device", "tpu")
        self.assertOneLineError(code, err, "tpu")

    def test_bad_inputs_name_the_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            missing = os.path.join(tmp, "no-such-export")
            code, out, err = self.run_main("fit", "--data", missing, "--out", os.path.join(tmp, "run"))
            self.assertOneLineError(code, err, missing)
            self.assertEqual(json.loads(out.strip().splitlines()[-1])["event"], "error")
            export = make_export(os.path.join(tmp, "export"), n=6)
            bad = os.path.join(tmp, "bad.json")
            with open(bad, "w") as f:
                json.dump({"train": {"stage2": {"lr": 1e-4, "epochz": 3}}}, f)
            code, _, err = self.run_main("fit", "--data", export, "--out", os.path.join(tmp, "run"), "--config", bad)
            self.assertOneLineError(code, err, bad, "epochz")
            with open(bad, "w") as f:
                json.dump({"train": {"select_metric": "spider"}}, f)
            code, _, err = self.run_main("fit", "--data", export, "--out", os.path.join(tmp, "run"), "--config", bad)
            self.assertOneLineError(code, err, "select_metric")
            code, _, err = self.run_main("fit", "--data", export, "--out", os.path.join(tmp, "run"),
                                         "--init-decoder", os.path.join(tmp, "no-bart"))
            self.assertOneLineError(code, err, "no-bart")
            if not torch.cuda.is_available():
                code, _, err = self.run_main("fit", "--data", export, "--out", os.path.join(tmp, "run"), "--device", "cuda")
                self.assertOneLineError(code, err, "cuda")
            # a clip changed after export: refused before any work, naming the clip
            with open(os.path.join(export, "manifest.json")) as f:
                clip = os.path.join(export, *sorted(json.load(f)["files"])[-1].split("/"))
            with open(clip, "ab") as f:
                f.write(b"\0\0")
            code, _, err = self.run_main("fit", "--data", export, "--out", os.path.join(tmp, "changed"))
            self.assertOneLineError(code, err, clip, "changed after export")
            self.assertFalse(os.path.exists(os.path.join(tmp, "changed")))

    def test_unreadable_config_files_name_themselves(self):
        # not UTF-8 (json.load's UnicodeDecodeError is no JSONDecodeError), not JSON, not an object
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "bad.json")
            for content, reason in ((b'{"train": {"seed": 1}}\xff', "cannot read the config"),
                                    (b'{"train": ', "cannot read the config"), (b"[1]", "the config must be a JSON object")):
                with open(bad, "wb") as f:
                    f.write(content)
                code, _, err = self.run_main("fit", "--data", tmp, "--out", os.path.join(tmp, "run"), "--config", bad)
                self.assertOneLineError(code, err, f"{bad}: {reason}")

    def test_fit_through_python_m(self):
        with tempfile.TemporaryDirectory() as tmp:
            export = make_export(os.path.join(tmp, "export"), n=6)
            cfg = os.path.join(tmp, "tiny.json")
            with open(cfg, "w") as f:
                json.dump(config(stage1=1, stage2=1).to_dict(), f)
            run = os.path.join(tmp, "run")
            proc = subprocess.run([sys.executable, "-m", "s2cap_train", "fit", "--data", export, "--out", run,
                                   "--config", cfg, "--device", "cpu"], cwd=helpers.TRAINING,
                                  capture_output=True, text=True, timeout=300)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            events = [json.loads(line) for line in proc.stdout.splitlines()]
            kinds = [e["event"] for e in events]
            self.assertEqual((kinds[0], kinds[-1]), ("start", "done"))
            self.assertIn("eval", kinds)
            for name in ("best.pt", "last.pt", "run.json", "config.json", "tokenizer.json"):
                self.assertTrue(os.path.isfile(os.path.join(run, name)), name)


if __name__ == "__main__":
    unittest.main()
