"""ast_reference: the AST feature reference vectors (test/fixtures/features), computed with
torchaudio exactly as transformers' ASTFeatureExtractor does, for the studio's fbank and the
recipe's features.py to be checked against."""
import os
import subprocess

import numpy as np
import torch

from . import FEATURES

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
