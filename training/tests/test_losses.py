"""The recipe's three losses on small tensors whose values are worked out by hand in the comments:
cross-entropy's masking and mean, CRESCENDO's pooling windows, cosine and stop-gradient, and the
demixing KL's direction, temperature, reduction and stop-gradient."""
import math
import unittest

import helpers  # noqa: F401  (puts training/ on sys.path)
import torch
import torch.nn.functional as F

from s2cap_train.losses import caption_ce_loss, crescendo_loss, demix_kl_loss


class CaptionCrossEntropy(unittest.TestCase):
    def test_mean_over_labelled_tokens_only(self):
        # position 0: logits [0, 0], label 0 → p = 1/2 → CE = ln 2
        # position 1: logits [ln 3, 0], label 1 → p = 1/(3+1) → CE = ln 4
        # position 2: label −100 → ignored, whatever its logits
        logits = torch.tensor([[[0.0, 0.0], [math.log(3.0), 0.0], [50.0, -50.0]]])
        labels = torch.tensor([[0, 1, -100]])
        self.assertAlmostEqual(caption_ce_loss(logits, labels).item(), (math.log(2) + math.log(4)) / 2, places=6)

    def test_tokens_weigh_the_same_across_items(self):
        # item 0 has one token (CE ln 2), item 1 two (ln 4, ln 4): mean over 3 tokens, not over items
        logits = torch.tensor([[[0.0, 0.0], [0.0, 0.0]], [[math.log(3.0), 0.0], [math.log(3.0), 0.0]]])
        labels = torch.tensor([[0, -100], [1, 1]])
        self.assertAlmostEqual(caption_ce_loss(logits, labels).item(), (math.log(2) + 2 * math.log(4)) / 3, places=6)

    def test_shape_mismatch_is_an_error(self):
        with self.assertRaises(ValueError):
            caption_ce_loss(torch.zeros(1, 3, 5), torch.zeros(1, 4, dtype=torch.long))


class Crescendo(unittest.TestCase):
    def test_hand_computed(self):
        # item 0: 4 audio states pooled to its 2 tokens: windows [0,2), [2,4) → [1,0], [0,1];
        #   text [1,0] → cos 1; text [1,1] → cos 1/√2; the third text position is padding
        # item 1: 4 audio states pooled to its 1 token: mean = [1,1]; text [0,1] → cos 1/√2
        # loss = 1 − (1 + 1/√2 + 1/√2) / 3 = 1 − (1 + √2) / 3
        audio = torch.tensor([[[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]],
                              [[2.0, 0.0], [0.0, 2.0], [2.0, 2.0], [0.0, 0.0]]])
        text = torch.tensor([[[1.0, 0.0], [1.0, 1.0], [9.0, 9.0]],
                             [[0.0, 1.0], [5.0, -5.0], [7.0, 0.0]]])
        mask = torch.tensor([[1, 1, 0], [1, 0, 0]])
        self.assertAlmostEqual(crescendo_loss(audio, text, mask).item(), 1 - (1 + math.sqrt(2)) / 3, places=6)

    def test_uneven_pooling_windows_overlap(self):
        # 3 audio states to 2 tokens: adaptive pooling windows [0,2) and [1,3)
        # → [0.5, 0.5] and [0, 0.5]; texts [1,1] and [0,3] point the same ways → cos 1, 1 → loss 0.
        # (Plain reshaping into 2 equal halves would give [0.5,0.5],[0,0] → a different loss.)
        audio = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]])
        text = torch.tensor([[[1.0, 1.0], [0.0, 3.0]]])
        self.assertAlmostEqual(crescendo_loss(audio, text, torch.ones(1, 2)).item(), 0.0, places=6)

    def test_opposite_directions_give_two(self):
        audio = torch.tensor([[[1.0, 2.0], [1.0, 2.0]]])
        text = torch.tensor([[[-2.0, -4.0]]])
        self.assertAlmostEqual(crescendo_loss(audio, text, torch.ones(1, 1)).item(), 2.0, places=6)

    def test_stop_gradient_on_the_text_side(self):
        torch.manual_seed(0)
        audio = torch.randn(2, 7, 4, requires_grad=True)
        text = torch.randn(2, 3, 4, requires_grad=True)
        crescendo_loss(audio, text, torch.tensor([[1, 1, 1], [1, 1, 0]])).backward()
        self.assertIsNone(text.grad)
        self.assertIsNotNone(audio.grad)
        self.assertGreater(audio.grad.abs().sum().item(), 0.0)

    def test_padding_positions_do_not_count(self):
        torch.manual_seed(1)
        audio, text = torch.randn(1, 6, 4), torch.randn(1, 3, 4)
        mask = torch.tensor([[1, 1, 0]])
        changed = text.clone()
        changed[0, 2] = torch.randn(4) * 100
        self.assertEqual(crescendo_loss(audio, text, mask).item(), crescendo_loss(audio, changed, mask).item())

    def test_shape_errors(self):
        with self.assertRaises(ValueError):
            crescendo_loss(torch.zeros(1, 4, 3), torch.zeros(1, 2, 5), torch.ones(1, 2))


class DemixKL(unittest.TestCase):
    # vocal logits [0, ln 3] → p = [1/4, 3/4]; mix logits [0, 0] → q = [1/2, 1/2]
    # KL(p‖q) = 1/4·ln(1/2) + 3/4·ln(3/2) ≈ 0.130812;  KL(q‖p) = 1/2·ln 2 + 1/2·ln(2/3) = 1/2·ln(4/3) ≈ 0.143841
    VOCAL = [0.0, math.log(3.0)]
    MIX = [0.0, 0.0]
    KL_PQ = 0.25 * math.log(0.5) + 0.75 * math.log(1.5)
    KL_QP = 0.5 * math.log(4.0 / 3.0)

    def test_hand_computed_direction(self):
        mix, vocal = torch.tensor([[self.MIX]]), torch.tensor([[self.VOCAL]])
        self.assertAlmostEqual(demix_kl_loss(mix, vocal).item(), self.KL_PQ, places=6)
        # swapping the inputs computes KL(q‖p): a different number
        self.assertAlmostEqual(demix_kl_loss(vocal, mix).item(), self.KL_QP, places=6)
        self.assertGreater(abs(self.KL_PQ - self.KL_QP), 0.01)

    def test_mean_over_positions_and_batch(self):
        # items × positions = 2 × 2; one position has the hand case, the other three are equal pairs (KL 0)
        mix = torch.zeros(2, 2, 2)
        vocal = torch.zeros(2, 2, 2)
        vocal[1, 0] = torch.tensor(self.VOCAL)
        self.assertAlmostEqual(demix_kl_loss(mix, vocal).item(), self.KL_PQ / 4, places=6)

    def test_temperature_divides_the_states(self):
        # τ = 2 on doubled logits is the τ = 1 case
        mix, vocal = torch.tensor([[[0.0, 0.0]]]), torch.tensor([[[0.0, 2 * math.log(3.0)]]])
        self.assertAlmostEqual(demix_kl_loss(mix, vocal, temperature=2.0).item(), self.KL_PQ, places=6)
        with self.assertRaises(ValueError):
            demix_kl_loss(mix, vocal, temperature=0.0)

    def test_equals_torch_kl_div_with_vocal_as_target(self):
        torch.manual_seed(2)
        mix, vocal = torch.randn(3, 5, 8), torch.randn(3, 5, 8)
        for tau in (1.0, 0.5):
            # F.kl_div(input = log q, target = p) computes KL(p‖q); batchmean over the 15 positions
            expected = F.kl_div(F.log_softmax(mix.reshape(-1, 8) / tau, -1), F.softmax(vocal.reshape(-1, 8) / tau, -1),
                                reduction="batchmean")
            self.assertAlmostEqual(demix_kl_loss(mix, vocal, tau).item(), expected.item(), places=5)
            wrong_way = F.kl_div(F.log_softmax(vocal.reshape(-1, 8) / tau, -1), F.softmax(mix.reshape(-1, 8) / tau, -1),
                                 reduction="batchmean")
            self.assertNotAlmostEqual(demix_kl_loss(mix, vocal, tau).item(), wrong_way.item(), places=3)

    def test_gradient_only_on_the_mix_side(self):
        # d KL(p‖q) / d mix_logits = (q − p) / positions = [1/4, −1/4] for the hand case
        mix = torch.tensor([[self.MIX]], requires_grad=True)
        vocal = torch.tensor([[self.VOCAL]], requires_grad=True)
        demix_kl_loss(mix, vocal).backward()
        self.assertIsNone(vocal.grad)
        self.assertTrue(torch.allclose(mix.grad, torch.tensor([[[0.25, -0.25]]]), atol=1e-6))

    def test_shape_mismatch_is_an_error(self):
        with self.assertRaises(ValueError):
            demix_kl_loss(torch.zeros(1, 3, 4), torch.zeros(1, 2, 4))


if __name__ == "__main__":
    unittest.main()
