"""SpecAugment masks: bounds and widths as torchaudio's masking draws them, per example, masked
cells set and nothing else touched, and determinism: the same generator state gives the same
masks, so a run resumed from a saved generator state replays the masks of the uninterrupted run."""
import unittest

import torch

import helpers  # noqa: F401  (puts training/ on sys.path)
from s2cap_train.config import SpecAugmentConfig
from s2cap_train.specaugment import MASK_VALUE, draw_masks, spec_augment

CFG = SpecAugmentConfig(freq_mask=48, time_mask=192, freq_masks=1, time_masks=1)


def gen(seed: int) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def features(b: int = 4) -> torch.Tensor:
    # Values far from MASK_VALUE, so a masked cell is recognisable.
    return torch.randn(b, 1024, 128, generator=gen(123)) + 10.0


class Masks(unittest.TestCase):
    def test_bounds_and_width_distribution(self):
        g = gen(0)
        freq_w, time_w = [], []
        for masks in draw_masks(2000, 1024, 128, CFG, g):
            self.assertEqual([m[0] for m in masks], ["freq", "time"])
            for axis, start, width in masks:
                size, most = (128, CFG.freq_mask) if axis == "freq" else (1024, CFG.time_mask)
                self.assertGreaterEqual(start, 0)
                self.assertGreaterEqual(width, 0)
                self.assertLess(width, most)  # uniform in [0, F)
                self.assertLessEqual(start + width, size)
                (freq_w if axis == "freq" else time_w).append(width)
        # Widths spread over [0, F): not a fixed width, and reaching near F.
        self.assertGreaterEqual(max(freq_w), CFG.freq_mask - 3)
        self.assertLessEqual(min(freq_w), 2)
        self.assertGreaterEqual(max(time_w), CFG.time_mask - 10)
        self.assertAlmostEqual(sum(freq_w) / len(freq_w), (CFG.freq_mask - 1) / 2, delta=2.0)
        self.assertAlmostEqual(sum(time_w) / len(time_w), (CFG.time_mask - 1) / 2, delta=8.0)

    def test_applies_exactly_the_drawn_masks_per_example(self):
        x = features()
        before = x.clone()
        g = gen(7)
        state = g.get_state()
        out = spec_augment(x, CFG, g)
        self.assertTrue(torch.equal(x, before), "the input is left as it was")
        g.set_state(state)
        drawn = draw_masks(4, 1024, 128, CFG, g)
        self.assertNotEqual(drawn[0], drawn[1], "each example draws its own masks")
        for i, masks in enumerate(drawn):
            want = torch.ones(1024, 128, dtype=torch.bool)
            for axis, start, width in masks:
                if axis == "freq":
                    want[:, start:start + width] = False
                else:
                    want[start:start + width, :] = False
            masked = out[i] == MASK_VALUE
            self.assertTrue(torch.equal(masked, ~want), f"example {i}")
            self.assertTrue(torch.equal(out[i][want], x[i][want]))

    def test_mask_value_is_normalised_zero_as_ast_masks_before_normalising(self):
        self.assertAlmostEqual(MASK_VALUE, 4.2677393 / (2 * 4.5689974), places=6)

    def test_same_state_same_masks_and_resume_replays_them(self):
        x = features(2)
        a = [spec_augment(x, CFG, g) for g in [gen(3)] for _ in range(3)]
        g = gen(3)
        b = [spec_augment(x, CFG, g) for _ in range(3)]
        for u, v in zip(a, b):
            self.assertTrue(torch.equal(u, v))
        self.assertFalse(torch.equal(a[0], a[1]), "successive batches draw new masks")
        self.assertFalse(torch.equal(spec_augment(x, CFG, gen(4)), a[0]), "another seed, other masks")
        # Interrupted after one batch: save the state, restore it in a fresh generator, go on.
        g = gen(3)
        spec_augment(x, CFG, g)
        saved = g.get_state().clone()
        resumed = torch.Generator()
        resumed.set_state(saved)
        self.assertTrue(torch.equal(spec_augment(x, CFG, resumed), a[1]))
        self.assertTrue(torch.equal(spec_augment(x, CFG, resumed), a[2]))

    def test_no_masks_and_2d_input(self):
        x = features(1)[0]
        none = SpecAugmentConfig(freq_mask=48, time_mask=192, freq_masks=0, time_masks=0)
        self.assertTrue(torch.equal(spec_augment(x, none, gen(0)), x))
        zero_width = SpecAugmentConfig(freq_mask=0, time_mask=0, freq_masks=1, time_masks=1)
        self.assertTrue(torch.equal(spec_augment(x, zero_width, gen(0)), x))
        out = spec_augment(x, CFG, gen(0))
        self.assertEqual(out.shape, x.shape)
        with self.assertRaisesRegex(ValueError, r"\[B, T, F\]"):
            spec_augment(torch.zeros(5), CFG, gen(0))


if __name__ == "__main__":
    unittest.main()
