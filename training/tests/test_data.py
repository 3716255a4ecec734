"""The export reader (s2cap_train.data): the synthetic export and a REAL one written by the studio's
CLI (import → separate → segments → captions → `s2cap export --format audiofolder --vocals`) read
alike; one-line errors naming the file (and line) for what is wrong; the manifest fingerprint and
check; batches with features, stems, labels/decoder inputs/caption ids; the feature cache."""
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import tempfile
import unittest
from unittest import mock

import numpy as np
import torch

from helpers import HAS_STUDIO, ROOT
from synthetic import make_export
from s2cap_train import data
from s2cap_train.audio import load_mono16k
from s2cap_train.data import CaptionDataset, Collate, FeatureCache, export_fingerprint, load_export, verify_export
from s2cap_train.features import file_features
from s2cap_train.tokenizer import ByteLevelBPE


def metadata(folder: str, split: str) -> list[dict]:
    with open(os.path.join(folder, split, "metadata.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Synthetic(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.export = make_export(os.path.join(cls.tmp, "export"), n=12, seed=0)
        cls.splits = load_export(cls.export)
        cls.tok = ByteLevelBPE.build([e.caption for e in cls.splits["train"]], vocab_size=300)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def copy(self, name: str) -> str:
        return shutil.copytree(self.export, os.path.join(self.tmp, name))

    def test_reads_every_split_with_clips_stems_and_captions(self):
        self.assertEqual({s: len(e) for s, e in self.splits.items()}, {"train": 8, "validation": 2, "test": 2})
        for split, examples in self.splits.items():
            rows = metadata(self.export, split)
            self.assertEqual([e.id for e in examples], [r["id"] for r in rows])
            self.assertEqual([e.caption for e in examples], [r["caption"] for r in rows])
            for e, r in zip(examples, rows):
                self.assertEqual(e.audio, os.path.join(self.export, split, r["file_name"]))
                self.assertEqual(e.vocals, os.path.join(self.export, split, r["vocals_file_name"]))
                self.assertEqual(e.split, split)
        no_stems = load_export(make_export(os.path.join(self.tmp, "novocals"), n=6, seed=1, vocals=False))
        self.assertTrue(all(e.vocals is None for es in no_stems.values() for e in es))

    def test_synthetic_captions_say_what_the_audio_holds(self):
        rows = [(r, os.path.join(self.export, s)) for s in self.splits for r in metadata(self.export, s)]
        self.assertEqual(len({tuple(r["attributes"].values()) for r, _ in rows}), 12, "varied attributes")
        for r, d in rows:
            a = r["attributes"]
            for word in (a["gender"], a["pitch"], a["tempo"], a["volume"]):
                self.assertIn(word, r["caption"])
            voice = load_mono16k(os.path.join(d, r["vocals_file_name"]))
            spec = np.abs(np.fft.rfft(voice * np.hanning(voice.size)))
            f0 = np.argmax(spec[: voice.size // 40]) * 16000 / voice.size  # strongest partial below 400 Hz
            want = {("male", "low"): 110, ("male", "high"): 180, ("female", "low"): 230, ("female", "high"): 380}
            self.assertAlmostEqual(f0, want[(a["gender"], a["pitch"])], delta=20, msg=r["id"])
            mix = load_mono16k(os.path.join(d, r["file_name"]))
            rms = float(np.sqrt(np.mean(mix ** 2)))
            self.assertTrue(rms > 0.1 if a["volume"] == "loud" else rms < 0.07, f"{r['id']}: rms {rms}")
            accompaniment = np.abs(mix - voice)  # the clicks: peaks at the tempo
            onsets = np.flatnonzero((accompaniment[1:] > 0.5 * accompaniment.max()) & (accompaniment[:-1] <= 0.5 * accompaniment.max()))
            gaps = np.diff(onsets[np.insert(np.diff(onsets) > 800, 0, True)])
            bpm = 60 * 16000 / float(np.median(gaps))
            self.assertAlmostEqual(bpm, 160 if a["tempo"] == "fast" else 70, delta=10, msg=r["id"])

    def test_fingerprint_is_the_manifest_sha256_and_verify_checks_every_file(self):
        with open(os.path.join(self.export, "manifest.json"), "rb") as f:
            self.assertEqual(export_fingerprint(self.export), hashlib.sha256(f.read()).hexdigest())
        verify_export(self.export)
        other = make_export(os.path.join(self.tmp, "other"), n=12, seed=2)
        self.assertNotEqual(export_fingerprint(other), export_fingerprint(self.export))
        clip = os.path.join(other, "train", metadata(other, "train")[0]["file_name"])
        with open(clip, "r+b") as f:
            f.seek(100)
            f.write(b"\x01\x02")
        with self.assertRaisesRegex(ValueError, f"^{clip}: its sha256 differs"):
            verify_export(other)
        os.remove(os.path.join(other, "manifest.json"))
        with self.assertRaisesRegex(ValueError, "manifest.json: cannot read the export's manifest"):
            export_fingerprint(other)

    def test_errors_name_the_file_and_line(self):
        with self.assertRaisesRegex(ValueError, "nowhere: no such export folder"):
            load_export(os.path.join(self.tmp, "nowhere"))
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        with self.assertRaisesRegex(ValueError, "empty: not an audiofolder export"):
            load_export(empty)
        rows = metadata(self.export, "validation")
        bad_lines = {
            "json": ("{not json", r"metadata.jsonl:2: not valid JSON"),
            "clip": (json.dumps({**rows[1], "file_name": "clips/gone.wav"}), r"metadata.jsonl:2: file_name clips/gone.wav does not exist"),
            "abs": (json.dumps({**rows[1], "file_name": "/etc/passwd"}), r"metadata.jsonl:2: file_name '/etc/passwd' must be a path inside"),
            "up": (json.dumps({**rows[1], "vocals_file_name": "../train/x.wav"}), r"metadata.jsonl:2: vocals_file_name '../train/x.wav' must be"),
            "caption": (json.dumps({**rows[1], "caption": "  "}), r"metadata.jsonl:2: caption is missing or empty"),
            "dup": (json.dumps({**rows[1], "id": rows[0]["id"]}), r"validation.metadata.jsonl: id .* is also in validation"),
            "mixed": (json.dumps({k: v for k, v in rows[1].items() if k != "vocals_file_name"}), r"11 of 12 rows have a vocals_file_name"),
        }
        for name, (line, pattern) in bad_lines.items():
            folder = self.copy(f"bad-{name}")
            meta = os.path.join(folder, "validation", "metadata.jsonl")
            with open(meta, "w", encoding="utf-8") as f:
                f.write(json.dumps(rows[0]) + "\n" + line + "\n")
            with self.assertRaises(ValueError, msg=name) as e:
                load_export(folder)
            self.assertRegex(str(e.exception), pattern)
            self.assertNotIn("\n", str(e.exception))
            if name != "mixed":
                self.assertIn(folder, str(e.exception))

    def test_batches(self):
        train = self.splits["train"]
        ds = CaptionDataset(train, self.tok, max_caption_tokens=64)
        collate = Collate(pad_id=self.tok.pad_token_id, decoder_start_token_id=2)
        pickle.dumps(collate)  # DataLoader workers receive it pickled
        batch = next(iter(torch.utils.data.DataLoader(ds, batch_size=3, collate_fn=collate)))
        self.assertEqual(tuple(batch["features"].shape), (3, 1024, 128))
        self.assertEqual(tuple(batch["vocal_features"].shape), (3, 1024, 128))
        self.assertTrue(torch.equal(batch["features"][1], file_features(train[1].audio)))
        self.assertTrue(torch.equal(batch["vocal_features"][1], file_features(train[1].vocals)))
        self.assertFalse(torch.equal(batch["features"][1], batch["vocal_features"][1]))
        self.assertEqual(batch["ids"], [e.id for e in train[:3]])
        self.assertEqual(batch["captions"], [e.caption for e in train[:3]])
        toks = [self.tok.encode(e.caption, 64) for e in train[:3]]
        t = max(map(len, toks))
        self.assertEqual(tuple(batch["labels"].shape), (3, t))
        pad = self.tok.pad_token_id
        for i, ids in enumerate(toks):
            n = len(ids)
            self.assertEqual(ids[0], 0)
            self.assertEqual(ids[-1], 2)
            self.assertEqual(batch["labels"][i].tolist(), ids + [-100] * (t - n))
            self.assertEqual(batch["caption_ids"][i].tolist(), ids + [pad] * (t - n))
            self.assertEqual(batch["caption_attention_mask"][i].tolist(), [1] * n + [0] * (t - n))
            # Teacher forcing: decoder_start, then the labels shifted right, pads for -100.
            self.assertEqual(batch["decoder_input_ids"][i].tolist(), ([2] + ids + [pad] * (t - n))[:t])
        short = CaptionDataset(train, self.tok, max_caption_tokens=5)[0]["tokens"]
        self.assertEqual((len(short), short[-1]), (5, 2))
        no_stems = CaptionDataset(train, self.tok, vocals=False)
        self.assertIsNone(collate([no_stems[0], no_stems[1]])["vocal_features"])

    def test_features_are_computed_once_per_clip(self):
        train = self.splits["train"][:3]
        cache_dir = os.path.join(self.tmp, "cache")
        cache = FeatureCache(cache_dir)
        ds = CaptionDataset(train, self.tok, cache=cache)
        first = [ds[i]["features"] for i in range(3)]
        self.assertEqual(cache.computed, 6)  # 3 clips + 3 stems
        again = [ds[i]["features"] for i in range(3)]
        self.assertEqual(cache.computed, 6, "a second epoch recomputes nothing")
        self.assertTrue(all(torch.equal(a, b) for a, b in zip(first, again)))
        files = sorted(os.listdir(cache_dir))
        with open(train[0].audio, "rb") as f:
            self.assertIn(hashlib.sha256(f.read()).hexdigest() + ".npy", files)
        self.assertEqual(len(files), 6)
        # Another process (a resumed run, a worker): read from disk, no fbank.
        fresh = FeatureCache(cache_dir)
        self.assertTrue(torch.equal(fresh.get(train[0].audio), first[0]))
        self.assertEqual(fresh.computed, 0)
        # A damaged cache file is recomputed, not trusted.
        with open(os.path.join(cache_dir, files[0]), "wb") as f:
            f.write(b"garbage")
        damaged = FeatureCache(cache_dir)
        for e in train:
            damaged.get(e.audio)
            damaged.get(e.vocals)
        self.assertEqual(damaged.computed, 1)
        # Memory bound: least recently used out.
        small = FeatureCache(memory_items=2)
        for e in train:
            small.get(e.audio)
        small.get(train[0].audio)
        self.assertEqual(small.computed, 4)

    def test_a_cache_miss_reads_and_hashes_the_clip_once(self):
        clip = self.splits["train"][0].audio
        cache = FeatureCache(os.path.join(self.tmp, "cache-once"))
        with mock.patch("s2cap_train.data.sha256_file", side_effect=data.sha256_file) as hashed:
            cache.get(clip)
        self.assertEqual(hashed.call_count, 1, "the cache file's name is the clip's sha256, computed once")

    def test_verified_digests_key_the_cache_and_follow_the_content(self):
        export = self.copy("rekeyed")
        clip, other = (e.audio for e in load_export(export)["train"][:2])
        cache_dir = os.path.join(self.tmp, "cache-rekeyed")
        with mock.patch("s2cap_train.data.sha256_file", side_effect=data.sha256_file) as hashed:
            digests = verify_export(export)
            verified = hashed.call_count
            before = FeatureCache(cache_dir, digests=digests).get(clip)
        self.assertEqual(hashed.call_count, verified, "the cache key is the digest verify_export computed")
        with open(clip, "rb") as f:
            self.assertEqual(os.listdir(cache_dir), [hashlib.sha256(f.read()).hexdigest() + ".npy"])
        # Re-exported with other audio at the same path: the manifest's new sha256 is a new key.
        shutil.copyfile(other, clip)
        with open(os.path.join(export, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        manifest["files"][os.path.relpath(clip, export).replace(os.sep, "/")] = data.sha256_file(clip)
        with open(os.path.join(export, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f)
        rekeyed = FeatureCache(cache_dir, digests=verify_export(export))
        after = rekeyed.get(clip)
        self.assertEqual(rekeyed.computed, 1, "new content: not the old cache entry")
        self.assertTrue(torch.equal(after, file_features(other)))
        self.assertFalse(torch.equal(after, before))
        # Without digests the cache hashes the clip itself: the same content finds the same entry.
        plain = FeatureCache(cache_dir)
        self.assertTrue(torch.equal(plain.get(clip), after))
        self.assertEqual(plain.computed, 0)

    def test_a_failed_cache_write_leaves_no_temporary_file(self):
        clip = self.splits["train"][0].audio
        cache_dir = os.path.join(self.tmp, "cache-full")
        cache = FeatureCache(cache_dir)
        with mock.patch.object(np, "save", side_effect=OSError(28, "No space left on device")):
            with self.assertRaises(OSError):
                cache.get(clip)
        self.assertEqual(os.listdir(cache_dir), [])
        self.assertTrue(torch.equal(cache.get(clip), file_features(clip)), "the next try writes it")
        self.assertEqual(len(os.listdir(cache_dir)), 1)


@unittest.skipUnless(HAS_STUDIO and shutil.which("ffmpeg"), "node, the studio's node_modules and ffmpeg make the real export")
class StudioExport(unittest.TestCase):
    """A library built with the studio's CLI and exported by it: the layout the reader is for."""

    def cli(self, *args: str) -> str:
        r = subprocess.run(["node", os.path.join(ROOT, "bin", "s2cap.js"), *args, "--db", self.db, "--json"],
                           cwd=ROOT, capture_output=True, text=True, timeout=180)
        self.assertEqual(r.returncode, 0, f"s2cap {' '.join(args)}: {r.stderr}")
        return r.stdout

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.db = os.path.join(self.tmp, "lib.db")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_reads_what_the_studio_exports(self):
        duet = os.path.join(ROOT, "test", "fixtures", "duet", "duet.mp3")  # 10 s, 44.1 kHz stereo
        track = json.loads(self.cli("import", duet))["imported"][0]["id"]
        self.cli("separate", duet, "--out", os.path.join(self.tmp, "stems"))  # built-in separator: registers the vocal stem
        captions = ["a soft duet of two voices.", "two singers at a slow tempo."]
        for (a, b), text in zip([("0", "5"), ("5", "10")], captions):
            seg = json.loads(self.cli("segments", "add", str(track), a, b))["id"]
            self.cli("captions", "set", str(seg), text, "--status", "approved", "--author", "ann")
        out = os.path.join(self.tmp, "export")
        self.cli("export", "--format", "audiofolder", "--vocals", "--out", out)

        splits = load_export(out)
        examples = [e for es in splits.values() for e in es]
        self.assertEqual(sorted(e.caption for e in examples), sorted(captions))
        self.assertTrue(all(e.vocals and os.path.isfile(e.vocals) for e in examples))
        verify_export(out)
        self.assertEqual(len(export_fingerprint(out)), 64)
        tok = ByteLevelBPE.build(captions, vocab_size=280)
        batch = Collate()([CaptionDataset(examples, tok)[i] for i in range(2)])
        self.assertEqual(tuple(batch["vocal_features"].shape), (2, 1024, 128))
        # 5 s at 16 kHz: 498 frames of audio, then padding.
        pad = batch["features"][0, 600, 0].item()
        self.assertTrue(bool((batch["features"][0, :498] != pad).any(dim=1).all()))

        # The synthetic export has the studio's layout: same metadata keys in the same order,
        # same manifest keys, the same folders.
        split = next(iter(splits))
        real = metadata(out, split)[0]
        synth_dir = make_export(os.path.join(self.tmp, "synthetic"), n=6)
        synth = metadata(synth_dir, "train")[0]
        self.assertEqual(list(synth), list(real))
        self.assertEqual(list(synth["attributes"]), list(real["attributes"]))
        self.assertEqual({k: type(v) for k, v in synth.items()}, {k: type(v) for k, v in real.items()})
        with open(os.path.join(out, "manifest.json")) as f, open(os.path.join(synth_dir, "manifest.json")) as g:
            m_real, m_synth = json.load(f), json.load(g)
        self.assertEqual(sorted(m_synth), sorted(m_real))
        self.assertEqual(sorted(m_synth["query"]), sorted(m_real["query"]))
        self.assertEqual(sorted(os.listdir(os.path.join(synth_dir, "train"))), sorted(os.listdir(os.path.join(out, split))))

        # --sample-rate original keeps 44.1 kHz stereo: read, downmixed and resampled to the same features.
        try:
            import torchaudio  # noqa: F401
        except ImportError:
            self.skipTest("torchaudio is not importable: 44.1 kHz clips cannot be resampled here")
        orig = os.path.join(self.tmp, "orig")
        self.cli("export", "--format", "audiofolder", "--sample-rate", "original", "--out", orig)
        ex16 = {e.id: e for e in examples}
        originals = [e for es in load_export(orig).values() for e in es]
        self.assertEqual(sorted(e.id for e in originals), sorted(ex16))
        for e in originals:
            diff = (file_features(e.audio) - file_features(ex16[e.id].audio)).abs()
            # Two resamplers (the studio's polyphase one, torchaudio's sinc) and PCM16 rounding:
            # measured median 3e-5, 99th percentile below 4 kHz (64 mel bins) 0.012, most near
            # Nyquist where the anti-alias filters differ (0.27).
            self.assertLess(float(diff[:498].median()), 0.001)
            self.assertLess(float(diff[:498, :64].quantile(0.99)), 0.05)


if __name__ == "__main__":
    unittest.main()
