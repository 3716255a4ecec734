"""WAV reading (s2cap_train.audio) on files written by ffmpeg and sox, the tools users' exports and
stems come from: PCM 8/16/24/32-bit and float, WAVE_FORMAT_EXTENSIBLE, stereo downmix,
resampling 44.1 kHz → 16 kHz, and one-line errors naming the file for what it cannot read."""
import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np

from helpers import FIXTURES
from synthetic import write_wav
from s2cap_train.audio import load_mono16k, read_wav

try:
    import torchaudio  # noqa: F401
    HAS_TORCHAUDIO = True
except ImportError:
    HAS_TORCHAUDIO = False


def tone(freq: float, seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def dominant_hz(x: np.ndarray, rate: int) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    return float(np.argmax(spec) * rate / x.size)


@unittest.skipUnless(shutil.which("ffmpeg") and shutil.which("sox"), "ffmpeg and sox make the test material")
class ReadWav(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.src = os.path.join(self.tmp, "src.wav")
        left, right = tone(440, 1.0, 16000), tone(660, 1.0, 16000) * 0.5
        write_wav(self.src, np.stack([left, right], axis=1))
        self.left, self.right = left, right

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def ffmpeg(self, name: str, *args: str) -> str:
        out = os.path.join(self.tmp, name)
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", self.src, *args, out], check=True)
        return out

    def test_pcm16_stereo_reads_exactly_and_downmixes_to_the_mean(self):
        x, rate = read_wav(self.src)
        self.assertEqual((x.shape, rate, x.dtype), ((2, 16000), 16000, np.float32))
        q = lambda v: np.round(np.clip(v, -1, 1) * 32767) / 32768  # noqa: E731  PCM16 as written
        np.testing.assert_allclose(x[0], q(self.left), atol=1e-7)
        np.testing.assert_allclose(x[1], q(self.right), atol=1e-7)
        np.testing.assert_allclose(load_mono16k(self.src), (x[0] + x[1]) / 2, atol=1e-7)

    def test_other_encodings_read_the_same_samples(self):
        ref, _ = read_wav(self.src)
        cases = {
            "s24.wav": ["-c:a", "pcm_s24le"],  # ffmpeg writes WAVE_FORMAT_EXTENSIBLE for these
            "s32.wav": ["-c:a", "pcm_s32le"],
            "f32.wav": ["-c:a", "pcm_f32le"],
            "f64.wav": ["-c:a", "pcm_f64le"],
            "u8.wav": ["-c:a", "pcm_u8"],
        }
        for name, args in cases.items():
            x, rate = read_wav(self.ffmpeg(name, *args))
            self.assertEqual((x.shape, rate), ((2, 16000), 16000), name)
            np.testing.assert_allclose(x, ref, atol=1 / 120 if name == "u8.wav" else 1e-6, err_msg=name)
        # sox's 24-bit WAV (WAVE_FORMAT_EXTENSIBLE too).
        sox24 = os.path.join(self.tmp, "sox24.wav")
        subprocess.run(["sox", self.src, "-b", "24", sox24], check=True)
        with open(sox24, "rb") as f:
            head = f.read(40)
        self.assertEqual(int.from_bytes(head[20:22], "little"), 0xFFFE, "sox wrote WAVE_FORMAT_EXTENSIBLE")
        np.testing.assert_allclose(read_wav(sox24)[0], ref, atol=1e-6)

    @unittest.skipUnless(HAS_TORCHAUDIO, "resampling needs torchaudio")
    def test_44k1_stereo_becomes_16k_mono(self):
        aria = os.path.join(FIXTURES, "audio", "aria.wav")  # 2 s, 44.1 kHz stereo
        x = load_mono16k(aria)
        self.assertEqual(x.dtype, np.float32)
        self.assertLessEqual(abs(x.size - 32000), 1)
        hi = os.path.join(self.tmp, "hi.wav")
        write_wav(hi, tone(1000, 1.0, 44100), rate=44100)
        y = load_mono16k(hi)
        self.assertEqual(y.size, 16000)
        self.assertAlmostEqual(dominant_hz(y, 16000), 1000.0, delta=2.0)

    def test_errors_name_the_file_and_the_reason(self):
        text = os.path.join(self.tmp, "notes.wav")
        with open(text, "w") as f:
            f.write("hello, not audio")
        cut = os.path.join(self.tmp, "cut.wav")
        with open(self.src, "rb") as f:
            data = f.read()
        with open(cut, "wb") as f:
            f.write(data[: len(data) // 2])
        headless = os.path.join(self.tmp, "headless.wav")
        with open(headless, "wb") as f:
            f.write(data[:36])  # RIFF + fmt, no data chunk
        adpcm = os.path.join(self.tmp, "adpcm.wav")
        subprocess.run(["sox", self.src, "-e", "ima-adpcm", adpcm], check=True)
        missing = os.path.join(self.tmp, "nope.wav")
        cases = [(text, "not a WAV file"), (cut, "truncated: its data chunk says"), (headless, "no data chunk"),
                 (adpcm, "format 0x11 4-bit WAV is not read here"), (missing, "cannot read it")]
        for path, why in cases:
            with self.assertRaises(ValueError) as e:
                load_mono16k(path)
            msg = str(e.exception)
            self.assertTrue(msg.startswith(f"{path}: "), msg)
            self.assertIn(why, msg)
            self.assertNotIn("\n", msg)


if __name__ == "__main__":
    unittest.main()
